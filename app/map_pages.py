"""Render a map page (:class:`maps.parts.MapPage`): the heading, the blocks above and below
the map through the one template environment, then Folium's page with local assets only."""

from __future__ import annotations

from branca.element import Element, Figure

from geo.errors import InvariantError
from maps.parts import MapPage, Part
from maps.render import Below, render_html
from ui.templating import render


def _parts(parts: list[Part], wrapper: str) -> str:
    return render("maps/page_parts.html", parts=parts, wrapper=wrapper)


def render_map_page(page: MapPage) -> str:
    """The whole HTML page of ``page``."""
    root = page.map.get_root()
    if not isinstance(root, Figure):
        raise InvariantError("expected isinstance(root, Figure)")
    if page.heading is not None:
        root.html.add_child(Element(render("maps/heading.html", heading=page.heading)), index=0)
    if page.above:
        root.html.add_child(Element(_parts(page.above, page.wrapper)), index=1)
    if page.below:
        Below(_parts(page.below, page.wrapper)).add_to(page.map)
    return render_html(page.map)
