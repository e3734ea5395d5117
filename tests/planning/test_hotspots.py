"""Hotspots: DBSCAN finds the planted groups of low feeling of safety, and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import Point, shape

from app.map_pages import render_map_page
from geo.qpv.read import read_2024_codes
from geo.qpv.repo import carry_contours
from maps.planning import hotspot_layer, hotspot_rows
from maps.planning import hotspot_page as build_hotspot_page
from tests.planning.seed import BELLEVUE, MALAKOFF, Seeded
from tests.security.conftest import point
from tests.surveys.conftest import walk_obs


def hotspot_page(*args: Any, **kwargs: Any) -> str:
    """The page of ``maps`` builder ``hotspot_page``, rendered as the app does."""
    return render_map_page(build_hotspot_page(*args, **kwargs))


def _planted(seeded: Seeded) -> tuple[set[str], set[str]]:
    night = seeded.walks["bv_night"]["id"]
    mk = seeded.walks["mk_day"]["id"]
    low = [o for o in seeded.observations if o["feeling"] <= 1 and o["moderation"] != "masquee"]
    bv = {o["id"] for o in low if o["walk"] == night and o["stop"] == "S1"}
    mkz = {o["id"] for o in low if o["walk"] == mk and o["stop"] == "M1"}
    return bv, mkz


def test_zones_found_where_seeded_and_not_elsewhere(
    client: TestClient, seeded: Seeded, planner: dict[str, str]
) -> None:
    body = client.get("/api/hotspots", headers=planner).json()
    bv, mk = _planted(seeded)
    zones = [set(f["properties"]["observation_ids"]) for f in body["features"]]
    assert zones == [bv, mk]  # largest first: 8 in Bellevue, 5 in Malakoff
    first, second = (f["properties"] for f in body["features"])
    assert first["qpv_codes"] == [BELLEVUE] and second["qpv_codes"] == [MALAKOFF]
    assert first["themes"][0]["theme"] == "visibilite" and first["slots"][0]["slot"] == "nuit"
    assert second["themes"] == [
        {"theme": "entretien", "label": "Lieu propre et accueillant", "count": 5}
    ]
    by_id = {o["id"]: o for o in seeded.observations}
    expected_mean = sum(by_id[i]["feeling"] for i in bv) / len(bv)
    assert first["feeling_mean"] == round(expected_mean, 2)
    for feature, ids in zip(body["features"], (bv, mk), strict=True):
        area = shape(feature["geometry"])
        assert all(area.contains(Point(by_id[i]["lon"], by_id[i]["lat"])) for i in ids)
    # the dense group of HIGH feeling by day at S1 is in no zone
    high = {o["id"] for o in seeded.observations if o["feeling"] == 3}
    assert not high & set().union(*zones)
    # every other low observation of the last year is counted as isolated
    low_recent = [
        o
        for o in seeded.observations
        if o["feeling"] <= 1
        and o["moderation"] != "masquee"
        and o["walk"] in (seeded.walks[w]["id"] for w in ("bv_day", "bv_night", "mk_day"))
    ]
    assert body["isolated"] == len(low_recent) - len(bv) - len(mk)


def test_parameters_change_the_zones(client: TestClient, planner: dict[str, str]) -> None:
    strict = client.get("/api/hotspots?min_points=6", headers=planner).json()
    assert [f["properties"]["count"] for f in strict["features"]] == [8]
    assert strict["parametres"]["min_points"] == 6
    only = client.get(f"/api/hotspots?qpv={MALAKOFF}", headers=planner).json()
    assert [f["properties"]["qpv_codes"] for f in only["features"]] == [[MALAKOFF]]
    zero = client.get("/api/hotspots?max_feeling=0&min_points=5", headers=planner).json()
    assert zero["features"] == []


def test_bounds_and_access(
    client: TestClient, planner: dict[str, str], facilitator: dict[str, str]
) -> None:
    for query in (
        "eps_m=5",
        "eps_m=1001",
        "min_points=1",
        "min_points=101",
        "max_feeling=3",
        "since=2026-05-01&until=2026-04-01",
        "eps_m=NaN",
        "qpv=XX",
    ):
        resp = client.get(f"/api/hotspots?{query}", headers=planner)
        assert resp.status_code == 422, query
        assert isinstance(resp.json()["detail"], str)
    assert client.get("/api/hotspots").status_code == 401
    assert client.get("/api/hotspots", headers=facilitator).status_code == 403
    assert client.get("/quartiers/zones-sensibles").status_code == 401


def test_layer_builder_escapes_and_tables() -> None:
    square = shapely.geometry.mapping(shapely.box(-1.56, 47.2, -1.55, 47.21))
    fc: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "zone-1",
                "geometry": square,
                "properties": {
                    "rank": 1,
                    "count": 6,
                    "feeling_mean": 0.5,
                    "themes": [{"theme": "x", "label": "<script>alert(1)</script>", "count": 6}],
                    "slots": [{"slot": "nuit", "label": "Nuit", "count": 6}],
                    "qpv_codes": ["QP044005"],
                    "first_seen": "2026-01-01",
                    "last_seen": "2026-01-02",
                    "centre": [-1.555, 47.205],
                    "observation_ids": [],
                },
            }
        ],
        "isolated": 2,
        "methode": "DBSCAN",
    }
    assert hotspot_layer(fc).data["features"][0]["properties"]["themes"].startswith("&lt;script")
    assert hotspot_rows(fc)[0][:3] == ["Zone 1", 6, 0.5]
    page = hotspot_page(fc, None)
    assert "<script>alert(1)</script>" not in page and "Zone 1" in page and "cdn" not in page


def test_observations_in_two_qpv_generations_are_counted_once(
    client: TestClient,
    conn: psycopg.Connection[Any],
    admin_headers: dict[str, str],
    shared_data: Path,
) -> None:
    """A point inside a QPV of 2015 and of 2024 carries both codes: each observation is still
    one observation of its zone (the codes of the generations never multiply the rows)."""
    with conn.transaction():
        carry_contours(
            conn, read_2024_codes(shared_data / "qpv" / "qpv_2024_codes_dep44.csv"), "test"
        )
    walk = client.post(
        "/api/walks",
        json={
            "title": "Deux générations",
            "date": "2026-05-02",
            "time_slot": "nuit",
            "qpv_codes": [BELLEVUE],
        },
        headers=admin_headers,
    )
    assert walk.status_code == 201, walk.text
    ids = set()
    for dx in (0, 6):
        body = walk_obs(walk.json()["id"], *point(conn, BELLEVUE, dx, 0), feeling=0)
        resp = client.post("/api/observations", json=body, headers=admin_headers)
        assert resp.status_code == 201, resp.text
        assert [q["code"] for q in resp.json()["qpv"]] == [BELLEVUE, "QN04405M"]
        ids.add(body["id"])
    found = client.get(
        "/api/hotspots?eps_m=20&min_points=2&qpv=QN04405M", headers=admin_headers
    ).json()
    [zone] = found["features"]
    assert zone["properties"]["count"] == 2
    assert sorted(zone["properties"]["observation_ids"]) == sorted(ids)
    assert zone["properties"]["qpv_codes"] == sorted([BELLEVUE, "QN04405M"])
    assert found["isolated"] == 0
