"""Themes of the exhibitions: the grounds of discrimination of ``actors.vocab`` (same codes)
plus the extra themes and everyday aliases of ``exhibitions/themes.toml``."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from actors import vocab
from geo.errors import Invalid

_FILE = Path(__file__).with_name("themes.toml")
MAX_THEMES = 20


@dataclass(frozen=True)
class Theme:
    code: str
    label: str
    ground: bool
    """True when the theme is a ground of discrimination (Code pénal art. 225-1)."""


@dataclass(frozen=True)
class _Themes:
    terms: tuple[Theme, ...]
    aliases: dict[str, tuple[str, ...]]

    def by_code(self) -> dict[str, Theme]:
        return {t.code: t for t in self.terms}


@cache
def _load() -> _Themes:
    raw = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    terms = [Theme(t.code, t.label, True) for t in vocab.grounds().terms]
    known = {t.code for t in terms}
    for extra in raw.get("themes", []):
        if extra["code"] in known:
            raise ValueError(f"theme {extra['code']} duplicates a ground of discrimination")
        terms.append(Theme(extra["code"], extra["label"], False))
        known.add(extra["code"])
    aliases = {k: tuple(v) for k, v in raw.get("aliases", {}).items()}
    for alias, targets in aliases.items():
        missing = [c for c in targets if c not in known]
        if missing or alias in known:
            raise ValueError(f"alias {alias} is a code or points to unknown themes {missing}")
    return _Themes(tuple(terms), aliases)


def themes() -> tuple[Theme, ...]:
    """Every theme: the grounds first (in the order of the Code pénal), then the extra ones."""
    return _load().terms


def aliases() -> dict[str, tuple[str, ...]]:
    """Everyday word → theme codes (``racisme`` → ``origine``, ``pretendue_race``)."""
    return dict(_load().aliases)


def label(code: str) -> str:
    """French label of a theme code (the code itself when unknown, e.g. a retired theme)."""
    theme = _load().by_code().get(code)
    return theme.label if theme else code


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def normalise(values: Iterable[str]) -> tuple[str, ...]:
    """Theme codes from what people type: codes or aliases, any case, accents or not.

    ``["Racisme", "handicap", "égalité filles-garçons"]`` →
    ``("origine", "pretendue_race", "handicap", "sexe")``; duplicates are dropped, order kept.

    Raises
    ------
    Invalid
        For an unknown theme (the message lists the valid codes and aliases), or too many.
    """
    loaded = _load()
    codes = loaded.by_code()
    out: list[str] = []
    for value in values:
        slug = _slug(str(value))
        found = (slug,) if slug in codes else loaded.aliases.get(slug)
        if not found:
            valid = ", ".join([*codes, *loaded.aliases])
            raise Invalid(f"thème inconnu : {value!r} (valeurs possibles : {valid})")
        out += [c for c in found if c not in out]
    if len(out) > MAX_THEMES:
        raise Invalid(f"trop de thèmes : {len(out)} (maximum {MAX_THEMES})")
    return tuple(out)
