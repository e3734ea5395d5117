"""The safety, public and walk map builders, tested by rendering (no server, no database)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.map_pages import render_map_page
from maps.public import public_map as build_public_map
from maps.safety import safety_map as build_safety_map
from maps.styles import Tiles
from maps.walk_map import walk_map as build_walk_map
from surveys.mapdata import (
    Aggregation,
    IssueMark,
    MapFilters,
    Mark,
    SafetyData,
    StatRow,
    WalkLine,
    WalkMapData,
    WalkSide,
)
from surveys.models import TimeSlot


def public_map(*args: Any, **kwargs: Any) -> str:
    """The page of ``maps`` builder ``public_map``, rendered as the app does."""
    return render_map_page(build_public_map(*args, **kwargs))


def safety_map(*args: Any, **kwargs: Any) -> str:
    """The page of ``maps`` builder ``safety_map``, rendered as the app does."""
    return render_map_page(build_safety_map(*args, **kwargs))


def walk_map(*args: Any, **kwargs: Any) -> str:
    """The page of ``maps`` builder ``walk_map``, rendered as the app does."""
    return render_map_page(build_walk_map(*args, **kwargs))


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
URL = re.compile(r"(?:https?:)?//[a-zA-Z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*")
TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
FIT = re.compile(r"fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*([-\d.]+)\]\]")


def marks() -> list[Mark]:
    return [
        Mark(47.2040, -1.6100, "jour", "animation", 3, feeling=3, day="2026-05-01", qpv="QP044005"),
        Mark(47.2060, -1.6050, "soiree", "entretien", 2, feeling=2, day="2026-05-02"),
        Mark(
            47.2085, -1.5990, "nuit", "visibilite", 0, 1, 1, None, 0, "2026-05-03", XSS, "QP044005"
        ),
    ]


def walk(title: str = "Marche " + XSS, slot: str = "nuit") -> WalkLine:
    return WalkLine(
        "00000000-0000-0000-0000-000000000001",
        title,
        "2026-05-03",
        slot,
        ("QP044005",),
        True,
        3,
        {"type": "LineString", "coordinates": [[-1.6080, 47.2050], [-1.6000, 47.2080]]},
        ((1, "Passerelle " + XSS, -1.6080, 47.2050), (2, "Square", -1.6000, 47.2080)),
    )


def data(grouped: bool = False, **filters: Any) -> SafetyData:
    issues = [
        IssueMark(
            47.2070,
            -1.6020,
            True,
            1,
            "eclairage_panne",
            "transmis",
            "Nantes Métropole",
            "2026-05-04",
            "Lampe " + XSS,
        ),
        IssueMark(47.2075, -1.6030, False, 1, "tag_haineux", "resolu", None, "2026-05-05", None),
    ]
    return SafetyData(
        filters=MapFilters(**filters),
        marks=marks(),
        marks_info=Aggregation(3, 200 if grouped else None),
        heat=[(47.2085, -1.5990, 1)],
        heat_cell_m=25,
        issues=issues,
        issues_info=Aggregation(2),
        open_issues=1,
        closed_issues=1,
        issue_rows=issues,
        walks=[walk()],
        stats=[StatRow("QP044005", "nuit", "visibilite", 1, 0.0, 1)],
        extent=(-1.6100, 47.2040, -1.5990, 47.2085),
        qpv_names={"QP044005": "Bellevue", "QP044013": "Malakoff"},
    )


def actor(name: str = "Maison " + XSS) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-1.6040, 47.2065]},
        "properties": {
            "id": "11111111-2222-3333-4444-555555555555",
            "nom": name,
            "domains": ["emploi"],
            "telephone": "+33240000000",
            "opening": {"label": "ouvert, ferme à 17 h"},
        },
    }


def qpv_fc(shared_data: Path) -> dict[str, Any]:
    from tests.maps.test_qpv_map import qpv_fc as read

    return read(shared_data)


def has_layer(page: str, name: str) -> bool:
    encoded = json.dumps(name)  # as Jinja's tojson writes it (quotes as \u0027)
    return encoded in page or encoded.replace("'", "\\u0027") in page


def test_safety_map_layers_legend_tables(shared_data: Path) -> None:
    page = safety_map(data(), qpv_fc(shared_data), [actor()], None)
    for name in (
        "Quartiers prioritaires (QPV 2015)",
        "Sentiment d'insécurité (pas ou peu en sécurité)",
        "Observations — jour (1)",
        "Observations — soirée (1)",
        "Observations — nuit (1)",
        "Signalements ouverts (1)",
        "Signalements clos (1)",
        "Parcours des marches (1)",
        "Arrêts des marches (2)",
    ):
        assert has_layer(page, name), name
    assert page.count("cgMarks.observationPoints(") == 3
    assert page.count("cgMarks.issuePoints(") == 2
    assert "L.heatLayer(" in page and "L.control.scale" in page
    assert 'aria-label="Légende"' in page
    for table in ("cg-stats", "cg-observations", "cg-issues", "cg-walks", "cg-actors"):
        assert f'id="{table}"' in page
    assert '<form method="get" action="/cartes/securite"' in page
    assert "/static/app/cartes.js" in page and "/static/app/cartes.css" in page


def test_safety_map_is_fitted_to_the_data() -> None:
    page = safety_map(data(), {"features": []}, [], None)
    match = FIT.search(page)
    assert match
    miny, minx, maxy, maxx = map(float, match.groups())
    points = [(m.lon, m.lat) for m in marks()]
    assert (minx, miny, maxx, maxy) == (
        min(p[0] for p in points),
        min(p[1] for p in points),
        max(p[0] for p in points),
        max(p[1] for p in points),
    )
    empty = data()
    empty.extent = None
    fallback = (-1.85, 47.07, -1.33, 47.37)
    match = FIT.search(safety_map(empty, {"features": []}, [], None, fallback))
    assert match and tuple(map(float, match.groups())) == (47.07, -1.85, 47.37, -1.33)


def test_user_text_never_reaches_the_page_raw(shared_data: Path) -> None:
    page = safety_map(data(), qpv_fc(shared_data), [actor()], None)
    assert XSS not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page
    public = public_map({"features": [], "methode": XSS}, {"features": []}, 2015, [actor()], None)
    assert XSS not in public and "<img src=x" not in public
    assert "Maison &lt;script&gt;" in public


def test_only_the_tile_template_is_external(shared_data: Path) -> None:
    page = safety_map(data(), qpv_fc(shared_data), [actor()], Tiles(TILES))
    assert set(URL.findall(page)) == {TILES}
    assert URL.findall(safety_map(data(), qpv_fc(shared_data), [actor()], None)) == []


def test_grouped_marks_say_so() -> None:
    page = safety_map(data(grouped=True), {"features": []}, [], None)
    assert page.count("cgMarks.observationGroups(") == 3
    assert "Observations regroupées" in page and "carré de 200 m" in page
    assert 'id="cg-observations"' not in page  # one line per observation only when exact


@pytest.mark.parametrize("slot", list(TimeSlot))
def test_filters_are_shown_selected(slot: TimeSlot) -> None:
    page = safety_map(data(qpv="QP044005", time_slot=slot), {"features": []}, [], None)
    assert f'<option value="{slot.value}" selected>' in page
    assert '<option value="QP044005" selected>Bellevue</option>' in page
    assert safety_map(data(), {"features": []}, [], None, action=None).count("<form") == 0


def test_walk_map_side_by_side_on_the_same_extent() -> None:
    night = WalkSide(walk(), marks()[2:], [], False)
    day = WalkSide(walk("Jour", "jour"), marks()[:1], [], False)
    page = walk_map(WalkMapData(night, day, {"QP044005": "Bellevue"}), None)
    assert page.count('class="folium-map"') == 2
    fits = FIT.findall(page)
    assert len(fits) == 2 and fits[0] == fits[1]
    assert page.count("L.control.layers") == 2
    assert XSS not in page and "Passerelle &lt;script&gt;" in page
    alone = walk_map(WalkMapData(night, None, {}), None)
    assert alone.count('class="folium-map"') == 1
