"""The hotspot layer and page (``/quartiers/zones-sensibles``): zones where walkers felt unsafe,
with their dominant themes and time slots. Pure: data in, a :class:`~maps.parts.MapPage` out;
every text escaped."""

from __future__ import annotations

import html
from typing import Any

import folium

from maps import page, parts
from maps.layers import qpv_layer
from maps.parts import Heading, MapPage
from maps.render import Bounds, Legend, base_map, geojson_bounds
from maps.styles import Tiles

HOTSPOT_STYLE = {"color": "#b71c1c", "weight": 2, "fillColor": "#e53935", "fillOpacity": 0.35}
SWATCH = f"background:{HOTSPOT_STYLE['fillColor']};border:2px solid {HOTSPOT_STYLE['color']}"


def _summary(items: list[dict[str, Any]]) -> str:
    return ", ".join(f"{i['label']} ({i['count']})" for i in items)


def hotspot_layer(fc: dict[str, Any]) -> folium.GeoJson:
    """The zones as polygons, with rank, count, dominant themes and slots in tooltips.

    Parameters
    ----------
    fc : dict
        FeatureCollection as served by ``GET /api/hotspots``.
    """
    features = []
    for f in fc["features"]:
        p = f["properties"]
        features.append(
            {
                "type": "Feature",
                "geometry": f["geometry"],
                "properties": {
                    "zone": f"Zone {p['rank']}",
                    "count": str(p["count"]),
                    "feeling": str(p["feeling_mean"]).replace(".", ","),
                    "themes": html.escape(_summary(p["themes"])),
                    "slots": html.escape(_summary(p["slots"])),
                    "qpv": html.escape(", ".join(p["qpv_codes"])),
                },
            }
        )
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Zones d'insécurité ressentie",
        style_function=lambda _f: HOTSPOT_STYLE,
        tooltip=folium.GeoJsonTooltip(
            fields=["zone", "count", "feeling", "themes", "slots", "qpv"],
            aliases=[
                "Zone",
                "Observations",
                "Sentiment moyen (0–3)",
                "Thèmes dominants",
                "Moments",
                "QPV",
            ],
            labels=True,
        ),
    )


def hotspot_rows(fc: dict[str, Any]) -> list[list[Any]]:
    """The table alternative: one row per zone."""
    return [
        [
            f"Zone {p['rank']}",
            p["count"],
            p["feeling_mean"],
            _summary(p["themes"]),
            _summary(p["slots"]),
            ", ".join(p["qpv_codes"]),
            f"{p['first_seen']} – {p['last_seen']}",
            f"{p['centre'][1]:.5f}, {p['centre'][0]:.5f}",
        ]
        for p in (f["properties"] for f in fc["features"])
    ]


def hotspot_page(
    fc: dict[str, Any],
    tiles: Tiles | None,
    fallback_bounds: Bounds | None = None,
    qpv: dict[str, Any] | None = None,
    generation: int = 2015,
) -> MapPage:
    """The page: heading with the method, the zones (over the QPV outlines when given), a
    legend and the same data as a table."""
    title = "Zones d'insécurité ressentie (marches exploratoires)"
    bounds = geojson_bounds([fc])
    if bounds is not None:
        bounds = (bounds[0] - 0.005, bounds[1] - 0.005, bounds[2] + 0.005, bounds[3] + 0.005)
    m = base_map(title, bounds or fallback_bounds, tiles)
    note = f"{fc['methode']} {fc['isolated']} observation(s) isolée(s) hors zone."
    page.add_page_css(m)
    if qpv and qpv.get("features"):
        qpv_layer(qpv, generation).add_to(m)
    if fc["features"]:
        hotspot_layer(fc).add_to(m)
    Legend(
        "Zones",
        [
            (
                SWATCH,
                "zone d'insécurité ressentie (n° dans le tableau)",
            )
        ],
    ).add_to(m)
    table = parts.table(
        f"{len(fc['features'])} zone(s), de la plus importante à la plus petite",
        [
            "Zone",
            "Observations",
            "Sentiment moyen (0–3)",
            "Thèmes dominants",
            "Moments",
            "QPV",
            "Période",
            "Centre (lat, lon)",
        ],
        hotspot_rows(fc),
        "cg-hotspots",
    )
    return MapPage(m, Heading(title, note), below=[table])
