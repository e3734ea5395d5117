"""Accent- and case-folded text for searching and comparing names (pure functions)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher

STOPWORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "sur"}
    | {"un", "une", "ex", "st", "ste", "saint", "sainte"}
)
_WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_WORDS = 8


def fold(text: str | None) -> str:
    """Lower case, accents removed, ``œ``/``æ`` expanded, non-alphanumerics → single spaces."""
    if not text:
        return ""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_WORD.findall(ascii_text))


def search_text(parts: Iterable[str | None]) -> str:
    """What the text search indexes (names, description, commune, type label)."""
    return " ".join(fold(p) for p in parts if p)[:20_000]


_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def commune_key(name: str | None) -> str:
    """Key of a commune name: ``Saint-Sébastien-sur-Loire`` and ``ST SEBASTIEN SUR LOIRE`` →
    ``saint sebastien sur loire``."""
    return " ".join(_ABBREVIATIONS.get(w, w) for w in fold(name).split())


def tsquery(q: str | None) -> str | None:
    """A safe ``to_tsquery('simple', …)`` text: every word as a prefix, all required.

    Only ``[a-z0-9]`` survive folding, so no tsquery operator can be injected.
    """
    words = fold(q).split()
    meaningful = [w for w in words if w not in STOPWORDS] or words
    words = meaningful[:MAX_QUERY_WORDS]
    if not words:
        return None
    return " & ".join(f"{w}:*" for w in words)


def similarity(a: str | None, b: str | None) -> float:
    """Name similarity in [0, 1] on folded names without stop words (``difflib`` ratio)."""
    left = " ".join(w for w in fold(a).split() if w not in STOPWORDS)
    right = " ".join(w for w in fold(b).split() if w not in STOPWORDS)
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right).ratio()


_SMALL = frozenset({"de", "du", "des", "la", "le", "les", "sur", "sous", "en", "et", "aux", "au"})


def display_commune(name: str) -> str:
    """A readable commune name from an all-caps source spelling (``SAINT-HERBLAIN`` →
    ``Saint-Herblain``); mixed-case names are kept as they are."""
    if name != name.upper():
        return name
    words = re.split(r"([- ']+)", name.lower())
    out = []
    for index, word in enumerate(words):
        keep_small = index > 0 and (word in _SMALL or word in ("d", "l"))
        out.append(word if keep_small or not word.isalpha() else word.capitalize())
    return "".join(out)
