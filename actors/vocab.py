"""Vocabularies as data (``actors/vocabularies.toml``): grounds of discrimination (Code pénal
art. 225-1 and 225-1-1), domains and publics, with French labels. Shared by the directory, the
exhibitions (themes) and the discrimination self-check.

The directory adds networks, languages, accessibility, and two data·inclusion referentials
(``modes_accueil``, ``frais``); publics carry their data·inclusion equivalent when one exists."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from geo.errors import Invalid

_FILE = Path(__file__).with_name("vocabularies.toml")


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    everyday: str | None = None
    legal_ref: str | None = None
    legal_url: str | None = None
    data_inclusion: str | None = None
    """Equivalent code in the data·inclusion referential (publics only), when there is one."""


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def get(self, code: str) -> Term:
        for term in self.terms:
            if term.code == code:
                return term
        raise Invalid(
            f"{self.name} inconnu : {code!r} (valeurs possibles : {', '.join(self.codes)})"
        )

    def check(self, codes: list[str] | tuple[str, ...]) -> list[str]:
        """Return ``codes`` when all are known; :class:`Invalid` listing valid ones otherwise."""
        for code in codes:
            self.get(code)
        return list(codes)


@cache
def _load() -> dict[str, Vocabulary]:
    raw = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    base_url = raw["sources"]["code_penal"]
    equivalents = raw.get("data_inclusion", {})
    out = {}
    for key, name in _NAMES.items():
        mapping = equivalents.get(key, {})
        terms = tuple(
            Term(
                code=t["code"],
                label=t["label"],
                everyday=t.get("everyday"),
                legal_ref=t.get("legal_ref"),
                legal_url=base_url if t.get("legal_ref") else None,
                data_inclusion=mapping.get(t["code"]),
            )
            for t in raw[key]
        )
        out[key] = Vocabulary(name, terms)
    return out


_NAMES = {
    "grounds": "motif",
    "domains": "domaine",
    "publics": "public",
    "networks": "réseau",
    "languages": "langue",
    "accessibility": "accessibilité",
    "modes_accueil": "mode d'accueil",
    "frais": "frais",
}


def grounds() -> Vocabulary:
    """The 24 grounds of Code pénal art. 225-1 plus sexual harassment (art. 225-1-1)."""
    return _load()["grounds"]


def domains() -> Vocabulary:
    return _load()["domains"]


def publics() -> Vocabulary:
    return _load()["publics"]


def networks() -> Vocabulary:
    """Networks an actor belongs to (vigilance network, access to law, employment referents…)."""
    return _load()["networks"]


def languages() -> Vocabulary:
    """Languages spoken at the reception (ISO 639-1; LSF as ISO 639-3 ``fsl``)."""
    return _load()["languages"]


def accessibility() -> Vocabulary:
    """Accessibility features of a place (details belong to Acceslibre)."""
    return _load()["accessibility"]


def modes_accueil() -> Vocabulary:
    """data·inclusion ``modes_accueil`` (on site, remote)."""
    return _load()["modes_accueil"]


def frais() -> Vocabulary:
    """data·inclusion ``frais`` (free, paid, membership…)."""
    return _load()["frais"]
