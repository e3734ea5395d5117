"""What the map pages share besides their parts (``maps.parts``): the stylesheet of the page
parts and markers, and French numbers."""

from __future__ import annotations

import folium
from branca.element import CssLink, Figure

from geo.errors import InvariantError
from maps.marks import CARTES_CSS


def add_page_css(m: folium.Map) -> None:
    """The stylesheet of the page parts and markers (local file)."""
    root = m.get_root()
    if not isinstance(root, Figure):
        raise InvariantError("expected isinstance(root, Figure)")
    root.header.add_child(CssLink(CARTES_CSS), name="cartes.css")  # the name MarksLayer uses


def number(value: float, digits: int = 1) -> str:
    """French decimal notation (comma)."""
    return f"{value:.{digits}f}".replace(".", ",")
