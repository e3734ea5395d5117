"""Help lines of the self-check: the discrimination lines of the directory
(``actors/helplines.toml``: AlloNantes Discriminations, 39 28) and the lines for insults,
harassment and violence (``selfcheck/contacts.toml``), each with its source. Nothing guessed."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from actors import helplines
from actors.helplines import HelpLine

DEFAULT_FILE = Path(__file__).with_name("contacts.toml")
_FRENCH_SHORT = re.compile(r"^(1[1-9]|11[0-9]|116\d{3}|3\d{3})$")
"""French emergency and short numbers: 15, 17, 18, 112, 114, 119, 116 XXX, 3BPQ."""


def load(path: Path | None = None) -> tuple[HelpLine, ...]:
    """Read and check ``contacts.toml`` (the directory's reader, with French emergency and
    short numbers allowed).

    Raises
    ------
    Invalid
        A line without source or date, with a malformed number, or with neither a number nor
        where to find it.
    """
    return helplines.read(
        path or DEFAULT_FILE, _FRENCH_SHORT, frozenset({"selfcheck"}), show_for=("selfcheck",)
    )


@cache
def all_lines(helplines_file: Path | None = None) -> tuple[HelpLine, ...]:
    """The directory's discrimination lines, then the self-check's own lines."""
    directory = helplines.for_situation(True, helplines_file)
    return (*directory, *load())


def pick(codes: tuple[str, ...], helplines_file: Path | None = None) -> list[HelpLine]:
    """The lines named by ``codes``, in that order (unknown codes are refused on rules load)."""
    by_code = {line.code: line for line in all_lines(helplines_file)}
    return [by_code[code] for code in codes if code in by_code]
