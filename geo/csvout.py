"""The one CSV writer of the project: every CSV the service or the CLI hands out goes through
:func:`csv_text`, which neutralises spreadsheet formulas (CSV injection, OWASP): a text cell
starting with ``= + - @``, a tab or a carriage return is prefixed with an apostrophe, so
LibreOffice or Excel shows it as text instead of running it. Numbers are written as they are
(a negative longitude stays a number)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet would run as a formula."""


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet: text cells starting a formula get a leading ``'``;
    None becomes an empty cell; other values are left to the CSV module."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    delimiter: str = ",",
    lineterminator: str = "\r\n",
) -> str:
    """CSV text of ``header`` and ``rows``, every cell through :func:`neutralise`.

    Parameters
    ----------
    header : sequence of str
        Column names (first line).
    rows : iterable of sequences
        One sequence of cells per line, in the order of ``header``.
    delimiter : str
        ``,`` (default) or ``;`` for spreadsheets set to French.
    lineterminator : str
        End of line (RFC 4180: CRLF).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
