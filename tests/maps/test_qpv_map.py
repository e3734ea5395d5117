"""The QPV map builder, tested by rendering (no server, no database)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import folium
import pytest

from app.map_pages import render_map_page
from maps.assets import UnknownAsset, localize
from maps.qpv_map import qpv_map as build_qpv_map
from maps.styles import Tiles


def qpv_map(*args: Any, **kwargs: Any) -> str:
    """The page of ``maps`` builder ``qpv_map``, rendered as the app does."""
    return render_map_page(build_qpv_map(*args, **kwargs))


def qpv_fc(shared_data: Path) -> dict[str, Any]:
    fc = json.loads(
        (shared_data / "qpv" / "qpv_2015_nantes_metropole.geojson").read_text(encoding="utf-8")
    )
    for f in fc["features"]:
        p = f["properties"]
        f["properties"] = {
            "code": p["code_qp"],
            "name": p["nom_qp"],
            "communes": p["commune_qp"].split(", "),
            "population": p["pop_municipale_2013_insee"],
            "approximate": False,
        }
    return fc


URL = re.compile(r"(?:https?:)?//[a-zA-Z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*")


def test_map_has_layer_legend_table_and_no_external_url(shared_data: Path) -> None:
    html = qpv_map(qpv_fc(shared_data), 2015, tiles=None)
    assert '<html lang="fr">' in html
    assert "Quartiers prioritaires (QPV 2015)" in html  # layer name in the layer control
    assert 'box.setAttribute("aria-label", "Légende")' in html  # legend control
    assert "Quartier prioritaire (QPV 2015)" in html
    assert html.index("</table>") > html.index('class="folium-map"')  # table after the map
    assert html.count("<tr><td>QP0440") == 15
    assert "L.control.scale" in html
    assert URL.findall(html) == []
    assert "/static/vendor/leaflet/dist/leaflet.js" in html


def test_map_is_fitted_to_the_data(shared_data: Path) -> None:
    html = qpv_map(qpv_fc(shared_data), 2015, tiles=None)
    match = re.search(
        r"fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*([-\d.]+)\]\]", html
    )
    assert match, "fitBounds not found"
    miny, minx, maxy, maxx = map(float, match.groups())
    assert (round(minx, 3), round(miny, 3), round(maxx, 3), round(maxy, 3)) == (
        -1.62,
        47.182,
        -1.516,
        47.268,
    )


def test_only_the_tile_template_is_external(shared_data: Path) -> None:
    html = qpv_map(
        qpv_fc(shared_data), 2015, tiles=Tiles("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    )
    assert {u for u in URL.findall(html)} == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png"}


def test_names_are_escaped(shared_data: Path) -> None:
    fc = qpv_fc(shared_data)
    fc["features"][0]["properties"]["name"] = '<img src=x onerror="alert(1)">'
    html = qpv_map(fc, 2015, tiles=None)
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_empty_map_falls_back_to_territory() -> None:
    html = qpv_map(
        {"type": "FeatureCollection", "features": []},
        2024,
        tiles=None,
        fallback_bounds=(-1.8, 47.1, -1.4, 47.3),
    )
    assert "[[47.1, -1.8], [47.3, -1.4]]" in html
    assert "0 quartier(s)" in html


def test_unknown_cdn_asset_is_refused() -> None:
    m = folium.Map(tiles=None)
    m.default_js = [*m.default_js, ("evil", "https://cdn.example.org/evil.js")]
    with pytest.raises(UnknownAsset, match="no local copy"):
        localize(m.get_root())
