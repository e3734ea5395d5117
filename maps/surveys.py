"""The aggregated picture of the observations: grid cells with their counts, never a point.
Pure: data in, a :class:`~maps.parts.MapPage` out. ``/cartes/publique`` (``maps.public``) draws
these cells with the QPV and the support actors; :func:`public_observations_map` is the cells-only
page."""

from __future__ import annotations

from typing import Any

import folium

from maps import page, parts
from maps.layers import escape_properties
from maps.parts import Heading, MapPage
from maps.render import Bounds, Legend, base_map, geojson_bounds
from maps.styles import Tiles

COUNT_CLASSES: tuple[tuple[int, str, str], ...] = (
    (50, "#7f2704", "50 observations et plus"),
    (20, "#d94801", "20 à 49 observations"),
    (10, "#fd8d3c", "10 à 19 observations"),
    (0, "#fdd0a2", "moins de 10 observations"),
)
"""(lower bound of the count, fill colour, label), darkest first. Counts are also in the tooltip and
the table: the map never carries information by colour alone."""

KIND_LABELS = {"marche": "Marche exploratoire", "gusp": "Diagnostic GUSP"}


def count_colour(count: int) -> str:
    """Fill colour of a cell holding ``count`` observations."""
    return next(colour for low, colour, _ in COUNT_CLASSES if count >= low)


def public_observations_map(
    fc: dict[str, Any],
    method: str,
    tiles: Tiles | None,
    fallback_bounds: Bounds | None = None,
    demo_label: str | None = None,
) -> MapPage:
    """Full HTML page: the aggregated cells, a legend, the method, and the same data as a table.

    Parameters
    ----------
    fc : dict
        FeatureCollection as served by ``/api/public/observations`` (cell polygons with
        ``kind``, ``theme_label``, ``count``, ``first_month``, ``last_month``, ``cell``).
    method : str
        The French explanation of the aggregation, shown under the title.
    tiles : Tiles, optional
        Base layer, or None.
    fallback_bounds : tuple, optional
        Extent to show when there is no cell (the territory).
    demo_label : str, optional
        Shown in the title when the data are demonstration data.
    """
    title = "Observations de terrain : vue agrégée"
    if demo_label:
        title += f" ({demo_label})"
    m = base_map(title, padded(geojson_bounds([fc])) or fallback_bounds, tiles)
    page.add_page_css(m)
    if fc["features"]:
        cells_layer(fc).add_to(m)
    entries = [
        (f"background:{colour};border:1px solid #444", label) for _, colour, label in COUNT_CLASSES
    ]
    Legend("Observations par carré de 200 m", entries).add_to(m)
    rows = [
        (
            KIND_LABELS.get(p["kind"], p["kind"]),
            p["theme_label"],
            p["count"],
            p["first_month"]
            if p["first_month"] == p["last_month"]
            else f"{p['first_month']} à {p['last_month']}",
            p["cell"],
        )
        for p in (f["properties"] for f in fc["features"])
    ]
    table = parts.table(
        "Carrés publiés", ["Type", "Thème", "Observations", "Période", "Carré"], rows, "cg-table"
    )
    return MapPage(m, Heading(title, method), below=[table])


def padded(bounds: Bounds | None, pad: float = 0.01) -> Bounds | None:
    """Some context (~1 km) around the cells: a single 200 m cell should not fill the map."""
    if bounds is None:
        return None
    return (bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)


def cells_layer(fc: dict[str, Any]) -> folium.GeoJson:
    """The published cells coloured by count, with kind, theme, count and period in tooltips."""
    safe = escape_properties(fc)
    for feature in safe["features"]:
        props = feature["properties"]
        props["kind_label"] = KIND_LABELS.get(props["kind"], props["kind"])
        props["period"] = f"{props['first_month']} – {props['last_month']}"
    return folium.GeoJson(
        safe,
        name="Observations agrégées (carrés de 200 m)",
        style_function=lambda f: {
            "color": "#444",
            "weight": 1,
            "fillColor": count_colour(int(f["properties"]["count"])),
            "fillOpacity": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["kind_label", "theme_label", "count", "period"],
            aliases=["Type", "Thème", "Observations", "Période"],
            labels=True,
        ),
    )
