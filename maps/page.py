"""Page parts shared by the issue-6 maps: the legend in the page flow (for legends too long for a
box inside the map), accessible tables, a filter form, markup above and below the map. Every
text is escaped here."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

import folium
from branca.element import CssLink, Element, Figure

from geo.errors import InvariantError
from maps.marks import CARTES_CSS
from maps.render import Below

LegendEntry = tuple[str, str, str]
"""(inline CSS of the swatch, text inside the swatch, French label)."""


def legend_section(groups: Sequence[tuple[str, Sequence[LegendEntry]]]) -> str:
    """A « Légende » region: one titled list per group; shapes and glyphs said in words."""
    parts = []
    for title, entries in groups:
        if not entries:
            continue
        items = "".join(
            f'<li><span class="cg-swatch" aria-hidden="true" '
            f'style="{html.escape(css, quote=True)}">{html.escape(glyph)}</span>'
            f"{html.escape(label)}</li>"
            for css, glyph, label in entries
        )
        parts.append(f"<h3>{html.escape(title)}</h3><ul>{items}</ul>")
    return (
        '<section class="cg-legend-flow" role="region" aria-label="Légende">'
        f"<h2>Légende</h2>{''.join(parts)}</section>"
    )


def table_section(
    caption: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], element_id: str
) -> str:
    """An accessible table (caption, column headers); every cell escaped, None shown empty."""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{'' if c is None else html.escape(str(c))}</td>" for c in row)
        + "</tr>"
        for row in rows
    )
    return (
        f'<section><table id="{html.escape(element_id, quote=True)}" class="table table-sm">'
        f"<caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></section>"
    )


def select(name: str, label: str, options: Sequence[tuple[str, str]], chosen: str | None) -> str:
    """A labelled ``<select>``; ``options`` are (value, French label)."""
    opts = "".join(
        f'<option value="{html.escape(v, quote=True)}"{" selected" if v == (chosen or "") else ""}>'
        f"{html.escape(text)}</option>"
        for v, text in options
    )
    return (
        f'<div><label for="f-{name}">{html.escape(label)}</label>'
        f'<select id="f-{name}" name="{name}">{opts}</select></div>'
    )


def date_input(name: str, label: str, value: str | None) -> str:
    """A labelled date field."""
    val = html.escape(value or "", quote=True)
    return (
        f'<div><label for="f-{name}">{html.escape(label)}</label>'
        f'<input type="date" id="f-{name}" name="{name}" value="{val}"></div>'
    )


def checkbox(name: str, label: str, checked: bool) -> str:
    """A labelled checkbox sending ``true``."""
    return (
        f'<div><input type="checkbox" id="f-{name}" name="{name}" value="true"'
        f'{" checked" if checked else ""}> <label for="f-{name}" style="display:inline">'
        f"{html.escape(label)}</label></div>"
    )


def form(action: str, label: str, fields: Sequence[str]) -> str:
    """A GET form (works without JavaScript) with a submit button."""
    return (
        f'<form method="get" action="{html.escape(action, quote=True)}" '
        f'aria-label="{html.escape(label, quote=True)}">{"".join(fields)}'
        '<div><button type="submit">Afficher</button></div></form>'
    )


def add_above(m: folium.Map, markup: str) -> None:
    """Markup between the heading and the map (forms, notes), inside ``.cg-page``."""
    root = m.get_root()
    if not isinstance(root, Figure):
        raise InvariantError("expected isinstance(root, Figure)")
    root.html.add_child(Element(f'<div class="cg-page">{markup}</div>'), index=1)


def add_below(m: folium.Map, markup: str) -> None:
    """Markup after the map (legend, tables), inside ``.cg-page``."""
    Below(f'<div class="cg-page">{markup}</div>').add_to(m)


def add_page_css(m: folium.Map) -> None:
    """The stylesheet of the page parts and markers (local file)."""
    root = m.get_root()
    if not isinstance(root, Figure):
        raise InvariantError("expected isinstance(root, Figure)")
    root.header.add_child(CssLink(CARTES_CSS), name="cartes.css")  # the name MarksLayer uses


def number(value: float, digits: int = 1) -> str:
    """French decimal notation (comma)."""
    return f"{value:.{digits}f}".replace(".", ",")
