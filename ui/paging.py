"""Server-side pagination and sorting of back-office tables, as data for the macros of
``ui/templates/_macros/pagination.html``. Pure: the current query and the counts in, links out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

PAGE_SIZE = 25


@dataclass(frozen=True)
class Page:
    number: int
    pages: int
    total: int
    previous_url: str | None
    next_url: str | None

    @property
    def offset(self) -> int:
        return (self.number - 1) * PAGE_SIZE


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    url: str | None
    current: bool
    ascending: bool


def _url(path: str, query: Mapping[str, str], **changes: str) -> str:
    merged = {k: v for k, v in {**query, **changes}.items() if v not in ("", None)}
    return f"{path}?{urlencode(merged)}" if merged else path


def page_of(path: str, query: Mapping[str, str], number: int, total: int) -> Page:
    """Page ``number`` (clamped to the pages that exist) of ``total`` rows."""
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    prev = _url(path, query, page=str(number - 1)) if number > 1 else None
    nxt = _url(path, query, page=str(number + 1)) if number < pages else None
    return Page(number, pages, total, prev, nxt)


def sort_columns(
    path: str,
    query: Mapping[str, str],
    columns: Sequence[tuple[str, str]],
    sortable: Sequence[str],
    current: str,
    ascending: bool,
) -> tuple[SortColumn, ...]:
    """Headers of a table: (key, label) each, links for the ``sortable`` keys (a second click
    reverses the order); the page goes back to 1 when the order changes."""
    found = []
    for key, label in columns:
        url = None
        if key in sortable:
            direction = "desc" if key == current and ascending else "asc"
            url = _url(path, {**query, "page": ""}, tri=key, ordre=direction)
        found.append(SortColumn(key, label, url, key == current, ascending))
    return tuple(found)


@dataclass(frozen=True)
class Listing:
    """One page of a sorted list, with its headers and pagination."""

    rows: tuple[object, ...]
    columns: tuple[SortColumn, ...]
    page: Page


def listing(
    path: str,
    query: Mapping[str, str],
    rows: Sequence[object],
    columns: Sequence[tuple[str, str]],
    keys: Mapping[str, Callable[[Any], Any]],
    default: str,
    default_ascending: bool = True,
) -> Listing:
    """Sort ``rows`` on the server by the column named in ``query["tri"]`` (one of ``keys``;
    ``ordre`` asc/desc), then cut the page ``query["page"]``; links keep the other filters."""
    key = query.get("tri", default)
    if key not in keys:
        key = default
    ascending = query.get("ordre", "asc" if default_ascending else "desc") != "desc"
    ordered = sorted(rows, key=lambda r: _sortable(keys[key](r)), reverse=not ascending)
    try:
        number = int(query.get("page", "1"))
    except ValueError:
        number = 1
    kept = {k: v for k, v in query.items() if k != "page"}
    page = page_of(path, kept, number, len(ordered))
    current = dict(kept)
    return Listing(
        rows=tuple(ordered[page.offset : page.offset + PAGE_SIZE]),
        columns=sort_columns(path, current, columns, list(keys), key, ascending),
        page=page,
    )


def _sortable(value: Any) -> tuple[int, Any]:
    """None last, text without case."""
    if value is None:
        return (1, "")
    return (0, value.casefold() if isinstance(value, str) else value)
