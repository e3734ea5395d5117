"""Help lines of the self-check: the discrimination lines of the directory
(``actors/helplines.toml``: AlloNantes Discriminations, 39 28) and the lines for insults,
harassment and violence (``selfcheck/contacts.toml``), each with its source. Nothing guessed."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from actors import helplines
from actors.helplines import HelpLine
from geo.errors import Invalid

DEFAULT_FILE = Path(__file__).with_name("contacts.toml")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_FRENCH_SHORT = re.compile(r"^(1[1-9]|11[0-9]|116\d{3}|3\d{3})$")
"""French emergency and short numbers: 15, 17, 18, 112, 114, 119, 116 XXX, 3BPQ."""


def load(path: Path | None = None) -> tuple[HelpLine, ...]:
    """Read and check ``contacts.toml``.

    Raises
    ------
    Invalid
        A line without source or date, with a malformed number, or with neither a number nor
        where to find it.
    """
    file = path or DEFAULT_FILE
    raw = tomllib.loads(file.read_text(encoding="utf-8"))
    lines = []
    for item in raw.get("lines", []):
        line = HelpLine(
            code=item["code"],
            name=item["name"],
            operator=item["operator"],
            about=item["about"],
            source=item.get("source", ""),
            source_date=str(item.get("source_date", "")),
            show_for=("selfcheck",),
            telephone=item.get("telephone"),
            telephone_display=item.get("telephone_display"),
            website=item.get("website"),
            hours=item.get("hours"),
            cost=item.get("cost"),
            area=item.get("area"),
            where_to_find=item.get("where_to_find"),
            source_url=item.get("source_url"),
        )
        _check(line, file)
        lines.append(line)
    return tuple(lines)


def _check(line: HelpLine, file: Path) -> None:
    where = f"{file.name}, ligne {line.code!r}"
    if not line.source or not line.source_date:
        raise Invalid(f"{where} : source et date de la source obligatoires")
    number = line.telephone
    if number and not (_E164.match(number) or _FRENCH_SHORT.match(number)):
        raise Invalid(f"{where} : numéro invalide {number!r}")
    if not number and not line.where_to_find:
        raise Invalid(f"{where} : sans numéro, dire où le trouver (where_to_find)")


@cache
def all_lines(helplines_file: Path | None = None) -> tuple[HelpLine, ...]:
    """The directory's discrimination lines, then the self-check's own lines."""
    directory = helplines.for_situation(True, helplines_file)
    return (*directory, *load())


def pick(codes: tuple[str, ...], helplines_file: Path | None = None) -> list[HelpLine]:
    """The lines named by ``codes``, in that order (unknown codes are refused on rules load)."""
    by_code = {line.code: line for line in all_lines(helplines_file)}
    return [by_code[code] for code in codes if code in by_code]
