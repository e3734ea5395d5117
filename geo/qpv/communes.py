"""Commune names of the official QPV files → INSEE codes.

The official 2015 delivery names the communes of each QPV (``COMMUNE_QP``, e.g. « Nantes,
Saint-Herblain ») and carries no INSEE code; pages filter QPV by the territory's INSEE codes.
:func:`match_communes` reads such a field against a commune list (``name → code``), whatever
the accents, case, hyphens, apostrophes or « St »/« Ste » abbreviations. Pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def fold(name: str) -> str:
    """A comparison key: lower case, no accents, words separated by single spaces, « St »/« Ste »
    spelled out and an article written after the name put first (``"St-Herblain"`` and
    ``"SAINT HERBLAIN"`` fold alike, so do ``"Chapelle-sur-Erdre (La)"`` and
    ``"La Chapelle-sur-Erdre"``)."""
    article = re.match(r"^(.*?)\s*\((la|le|les|l')\)\s*$", name.strip(), re.IGNORECASE)
    if article:  # « Chapelle-sur-Erdre (La) », the old INSEE way of writing « La Chapelle… »
        name = f"{article.group(2)} {article.group(1)}"
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = re.split(r"[^a-z0-9]+", text)
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words if w)


def split_names(field: str | Iterable[str]) -> list[str]:
    """The commune names of one QPV: a list as it is, or a text separated by commas,
    semicolons or slashes."""
    parts = re.split(r"[,;/]", field) if isinstance(field, str) else list(field)
    return [p.strip() for p in parts if p and p.strip()]


def match_communes(
    names: str | Iterable[str], communes: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """INSEE codes of ``names`` found in ``communes`` (name → INSEE code), and the names that
    matched none, in the order given.

    Parameters
    ----------
    names : str or iterable of str
        The QPV's commune field (« Nantes, Saint-Herblain ») or its names.
    communes : mapping
        Commune name → INSEE code (any spelling; folded here).
    """
    index = {fold(name): code for name, code in communes.items()}
    codes: list[str] = []
    unknown: list[str] = []
    for name in split_names(names):
        code = index.get(fold(name))
        if code is None:
            unknown.append(name)
        elif code not in codes:
            codes.append(code)
    return codes, unknown
