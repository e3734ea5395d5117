"""One function per map layer. Inputs are plain data; every user-visible string is escaped."""

from __future__ import annotations

import copy
import html
from typing import Any

import folium

from maps.styles import QPV_APPROXIMATE_STYLE, QPV_HIGHLIGHT, QPV_STYLE


def escape_properties(fc: dict[str, Any]) -> dict[str, Any]:
    """A copy of a FeatureCollection whose string properties are HTML-escaped (Folium inserts
    tooltip and popup text as raw HTML)."""
    out = copy.deepcopy(fc)
    for feature in out.get("features", []):
        props = feature.get("properties") or {}
        for key, value in list(props.items()):
            if isinstance(value, str):
                props[key] = html.escape(value)
            elif isinstance(value, list):
                props[key] = ", ".join(html.escape(str(v)) for v in value)
    return out


def qpv_layer(fc: dict[str, Any], generation: int) -> folium.GeoJson:
    """QPV polygons with their name in a tooltip and details in a popup.

    Parameters
    ----------
    fc : dict
        FeatureCollection with properties ``code``, ``name``, ``communes``, ``population``,
        ``approximate``.
    generation : int
        Shown in the layer name (2015 or 2024).
    """
    safe = escape_properties(fc)
    for feature in safe["features"]:
        props = feature["properties"]
        props["population_label"] = (
            f"{props['population']:,}".replace(",", "\u202f") if props.get("population") else "—"
        )
        props["perimetre"] = (
            "approximatif (contour 2015)" if props.get("approximate") else "officiel"
        )
    return folium.GeoJson(
        safe,
        name=f"Quartiers prioritaires (QPV {generation})",
        style_function=lambda f: (
            QPV_APPROXIMATE_STYLE if f["properties"].get("approximate") else QPV_STYLE
        ),
        highlight_function=lambda _f: QPV_HIGHLIGHT,
        tooltip=folium.GeoJsonTooltip(fields=["name"], aliases=["Quartier"], labels=True),
        popup=folium.GeoJsonPopup(
            fields=["name", "code", "communes", "population_label", "perimetre"],
            aliases=["Quartier", "Code", "Commune(s)", "Population", "Périmètre"],
            labels=True,
        ),
    )
