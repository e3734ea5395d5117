"""The page around a map, as data: a heading, parts above the map (the filter form) and parts
below it (legend, tables, links). Builders in ``maps`` return a :class:`MapPage`; the app
renders it through the one template environment (``ui/templates/maps/page_parts.html``), so no
page markup is assembled in Python."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import folium

from ui.fields import Checkbox, Field, Hidden, Select, TextInput

__all__ = [
    "Checkbox",
    "Field",
    "FilterForm",
    "Heading",
    "Hidden",
    "LegendFlow",
    "LegendGroup",
    "Link",
    "LinkCell",
    "MapPage",
    "Part",
    "Select",
    "Swatch",
    "Table",
    "TextInput",
]


@dataclass(frozen=True)
class Heading:
    """The visible ``<h1>`` above the map and an optional short note."""

    title: str
    note: str | None = None


@dataclass(frozen=True)
class Swatch:
    """One legend line: inline CSS of the swatch, text inside it (a glyph), French label."""

    css: str
    glyph: str
    label: str


@dataclass(frozen=True)
class LegendGroup:
    title: str
    entries: tuple[Swatch, ...]


@dataclass(frozen=True)
class LegendFlow:
    """A « Légende » region in the page flow (legends too long for a box inside the map).
    ``title`` is the region's heading; groups with a title get a sub-heading."""

    groups: tuple[LegendGroup, ...]
    title: str = "Légende"
    kind: str = "legend"


@dataclass(frozen=True)
class LinkCell:
    """A table cell holding a link."""

    text: str
    href: str


@dataclass(frozen=True)
class Table:
    """An accessible table (caption, column headers); ``None`` cells show empty."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    element_id: str
    kind: str = "table"


@dataclass(frozen=True)
class FilterForm:
    """A GET form (works without JavaScript) with an « Afficher » button."""

    action: str | None
    label: str
    fields: tuple[Field, ...]
    kind: str = "form"


@dataclass(frozen=True)
class Link:
    """A paragraph with one link (``download`` for files)."""

    href: str
    text: str
    download: bool = False
    kind: str = "link"


Part = LegendFlow | Table | FilterForm | Link


@dataclass
class MapPage:
    """A map page before rendering: the Folium map(s) and the page parts around them.

    ``map`` is the last map of the page (its root figure is the page); ``wrapper`` is the CSS
    class of the blocks above and below the map.
    """

    map: folium.Map
    heading: Heading | None
    above: list[Part] = field(default_factory=list)
    below: list[Part] = field(default_factory=list)
    wrapper: str = "cg-page"


def legend_flow(
    groups: Iterable[tuple[str, Sequence[tuple[str, str, str]]]], title: str = "Légende"
) -> LegendFlow:
    """A legend region from (group title, [(css, glyph, label), …]); empty groups are dropped."""
    return LegendFlow(
        tuple(
            LegendGroup(name, tuple(Swatch(*e) for e in entries))
            for name, entries in groups
            if entries
        ),
        title,
    )


def table(
    caption: str, headers: Sequence[str], rows: Iterable[Sequence[object]], element_id: str
) -> Table:
    """A :class:`Table` (rows are copied)."""
    return Table(caption, tuple(headers), tuple(tuple(r) for r in rows), element_id)


def select(
    name: str, label: str, options: Sequence[tuple[str, str]], chosen: str | None, id: str = ""
) -> Select:
    """A labelled ``<select>``; the field's id is ``f-<name>`` unless given."""
    return Select(name, label, tuple(options), chosen or "", id or f"f-{name}")


def date_input(name: str, label: str, value: str | None) -> TextInput:
    """A labelled date field."""
    return TextInput(name, label, value or "", f"f-{name}", type="date")


def checkbox(name: str, label: str, checked: bool) -> Checkbox:
    """A labelled checkbox sending ``true``."""
    return Checkbox(name, label, checked, f"f-{name}")


def form(action: str | None, label: str, fields: Sequence[Field]) -> FilterForm:
    """A GET form with the given fields."""
    return FilterForm(action, label, tuple(fields))
