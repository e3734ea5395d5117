"""Pure data: colours, labels and tile settings shared by the map builders."""

from __future__ import annotations

from dataclasses import dataclass

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© les contributeurs d’OpenStreetMap (ODbL)"


@dataclass(frozen=True)
class Tiles:
    """A raster tile source; ``url`` is a template with ``{z}/{x}/{y}``."""

    url: str
    attribution: str = OSM_ATTRIBUTION


QPV_STYLE = {
    "color": "#6a1b9a",
    "weight": 2,
    "fillColor": "#ab47bc",
    "fillOpacity": 0.25,
}
QPV_APPROXIMATE_STYLE = {**QPV_STYLE, "dashArray": "6 4"}
QPV_HIGHLIGHT = {"weight": 4, "fillOpacity": 0.45}

# Map extent used when there is nothing to fit: Nantes Métropole.
DEFAULT_BOUNDS = (-1.85, 47.07, -1.33, 47.37)
