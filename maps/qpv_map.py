"""The QPV map (``/cartes/qpv``)."""

from __future__ import annotations

import html
from typing import Any

import folium

from maps import page, parts
from maps.layers import qpv_layer
from maps.parts import Heading, MapPage
from maps.render import Bounds, Legend, base_map, geojson_bounds
from maps.styles import QPV_STYLE, Tiles

FACILITY_COLOR = "#1b6e3a"


def facilities_layer(facilities: dict[str, Any]) -> folium.FeatureGroup:
    """Sports facilities (census Data ES) as small green circles, name and type as tooltip
    (escaped), on their own layer."""
    layer = folium.FeatureGroup(name="Équipements sportifs (Data ES)")
    for f in facilities["features"]:
        lon, lat = f["geometry"]["coordinates"][:2]
        props = f["properties"]
        label = html.escape(f"{props.get('name', '')} — {props.get('kind') or 'équipement'}")
        folium.CircleMarker(
            location=(lat, lon),
            radius=6,
            color=FACILITY_COLOR,
            fill=True,
            fill_opacity=0.8,
            tooltip=label,
        ).add_to(layer)
    return layer


def qpv_map(
    fc: dict[str, Any],
    generation: int,
    tiles: Tiles | None,
    fallback_bounds: Bounds | None = None,
    facilities: dict[str, Any] | None = None,
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
    entries = [(swatch, f"Quartier prioritaire (QPV {generation})")]
    if facilities is not None:
        facilities_layer(facilities).add_to(m)
        dot = f"background:{FACILITY_COLOR};border-radius:50%"
        entries.append((dot, f"Équipement sportif ({len(facilities['features'])}, Data ES)"))
    Legend("Légende", entries).add_to(m)
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
    below: list[Any] = [table]
    if facilities is not None:
        below.append(
            parts.table(
                "Équipements sportifs",
                ["Équipement", "Type", "Commune", "QPV", "Source"],
                [
                    (
                        p["name"],
                        p.get("kind") or "",
                        p.get("commune") or "",
                        p.get("qpv_code") or "",
                        f"{p.get('source')}, {p.get('source_date')}",
                    )
                    for p in (f["properties"] for f in facilities["features"])
                ],
                "cg-equipements",
            )
        )
    return MapPage(m, Heading(title, note), below=below)
