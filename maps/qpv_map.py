"""The QPV map (``/cartes/qpv``)."""

from __future__ import annotations

from typing import Any

from maps import page, parts
from maps.layers import qpv_layer
from maps.parts import Heading, MapPage
from maps.render import Bounds, Legend, base_map, geojson_bounds
from maps.styles import QPV_STYLE, Tiles


def qpv_map(
    fc: dict[str, Any],
    generation: int,
    tiles: Tiles | None,
    fallback_bounds: Bounds | None = None,
) -> MapPage:
    """The page: QPV polygons fitted to their bounds, legend, layer control, scale and
    the same information as a table.

    Parameters
    ----------
    fc : dict
        GeoJSON FeatureCollection of QPV (properties as served by ``/api/qpv``).
    generation : int
        2015 or 2024.
    tiles : Tiles, optional
        Base layer, or None.
    fallback_bounds : tuple, optional
        Extent to show when ``fc`` is empty (the territory).
    """
    title = f"Quartiers prioritaires de la politique de la ville (QPV {generation})"
    m = base_map(title, geojson_bounds([fc]) or fallback_bounds, tiles)
    page.add_page_css(m)
    if fc["features"]:
        qpv_layer(fc, generation).add_to(m)
    swatch = f"background:{QPV_STYLE['fillColor']};border:2px solid {QPV_STYLE['color']}"
    Legend("Légende", [(swatch, f"Quartier prioritaire (QPV {generation})")]).add_to(m)
    rows = [
        (
            p["code"],
            p["name"],
            ", ".join(p.get("communes") or []),
            p.get("population") if p.get("population") is not None else "",
        )
        for p in (f["properties"] for f in fc["features"])
    ]
    note = f"{len(fc['features'])} quartier(s). Source : ANCT, Licence Ouverte."
    table = parts.table(
        "Liste des quartiers", ["Code", "Quartier", "Commune(s)", "Population"], rows, "cg-table"
    )
    return MapPage(m, Heading(title, note), below=[table])
