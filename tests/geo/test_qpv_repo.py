"""QPV import into PostGIS and point lookups, on the real boundaries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pyproj import Geod

from geo import qpv
from geo.qpv import ImportProblems, read_qpv
from geo.qpv.read import read_2024_codes
from geo.qpv.repo import carry_contours


def college(shared_data: Path, name: str) -> tuple[float, float]:
    data = json.loads(
        (shared_data / "schools" / "colleges_dep44.geojson").read_text(encoding="utf-8")
    )
    for feature in data["features"]:
        if feature["properties"]["nom"] == name:
            lon, lat = feature["geometry"]["coordinates"]
            return float(lon), float(lat)
    raise AssertionError(f"{name} not in the shared schools file")


def test_template_holds_19_valid_qpv(conn: psycopg.Connection[Any]) -> None:
    assert qpv.count(conn, 2015) == 19
    row = conn.execute(
        "SELECT bool_and(ST_IsValid(geom)), count(DISTINCT code) FROM qpv"
    ).fetchone()
    assert row == (True, 19)


def test_reimport_replaces_and_never_duplicates(
    conn: psycopg.Connection[Any], shared_data: Path
) -> None:
    read = read_qpv(shared_data / "qpv" / "qpv_2015_dep44.geojson")
    conn.execute("UPDATE qpv SET name = 'ancien nom' WHERE code = 'QP044005'")
    with conn.transaction():
        summary = qpv.upsert(conn, read)
    assert (summary.inserted, summary.updated) == (0, 19)
    assert qpv.count(conn) == 19
    name = conn.execute("SELECT name FROM qpv WHERE code = 'QP044005'").fetchone()
    assert name == ("Bellevue",)


def test_replace_all_removes_absent_codes(conn: psycopg.Connection[Any], shared_data: Path) -> None:
    nm = read_qpv(shared_data / "qpv" / "qpv_2015_nantes_metropole.geojson")
    with conn.transaction():
        summary = qpv.upsert(conn, nm, replace_all=True)
    assert (summary.updated, summary.removed) == (15, 4)
    assert qpv.count(conn) == 15


def test_failed_import_leaves_database_as_it_was(
    conn: psycopg.Connection[Any], shared_data: Path
) -> None:
    read = read_qpv(shared_data / "qpv" / "qpv_2015_dep44.geojson")
    before = conn.execute(
        "SELECT md5(string_agg(code || name || ST_AsText(geom), ',' ORDER BY code)) FROM qpv"
    ).fetchone()
    read.frame.loc[read.frame.index[-1], "code"] = "BAD"  # violates the CHECK in the database
    with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
        qpv.upsert(conn, read)
    after = conn.execute(
        "SELECT md5(string_agg(code || name || ST_AsText(geom), ',' ORDER BY code)) FROM qpv"
    ).fetchone()
    assert before == after


def test_debussy_college_lies_in_bellevue(conn: psycopg.Connection[Any], shared_data: Path) -> None:
    lon, lat = college(shared_data, "Collège Claude Debussy")
    found = qpv.lookup(conn, lon, lat, 2015)
    assert found["qpv"]["code"] == "QP044005"
    assert found["qpv"]["name"] == "Bellevue"
    assert found["nearest"] is None


def test_point_outside_every_qpv_gets_the_nearest_with_true_distance(
    conn: psycopg.Connection[Any], shared_data: Path
) -> None:
    # Place du Commerce, Nantes city centre: in no QPV.
    lon, lat = -1.5589, 47.2131
    found = qpv.lookup(conn, lon, lat, 2015)
    assert found["qpv"] is None
    near = found["nearest"]
    # Independent check: geodesic distance to the closest vertex of each QPV is >= the distance
    # PostGIS reports to the polygon, and the reported QPV has the smallest such bound.
    data = json.loads((shared_data / "qpv" / "qpv_2015_dep44.geojson").read_text(encoding="utf-8"))
    geod = Geod(ellps="WGS84")
    best = {}
    for f in data["features"]:
        ring = f["geometry"]["coordinates"][0]
        best[f["properties"]["code_qp"]] = min(geod.inv(lon, lat, x, y)[2] for x, y in ring)
    closest = min(best, key=lambda c: best[c])
    assert near["code"] == closest
    assert 0 < near["distance_m"] <= best[closest] + 1


def test_malakoff_lookup(conn: psycopg.Connection[Any]) -> None:
    # A point in the middle of Malakoff's polygon.
    row = conn.execute(
        "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM qpv WHERE code = 'QP044013'"
    ).fetchone()
    assert row is not None
    assert qpv.lookup(conn, row[0], row[1], 2015)["qpv"]["name"] == "Malakoff"


def test_2024_contours_carried_are_flagged_approximate(
    conn: psycopg.Connection[Any], shared_data: Path
) -> None:
    pairs = read_2024_codes(shared_data / "qpv" / "qpv_2024_codes_dep44.csv")
    with conn.transaction():
        assert carry_contours(conn, pairs, "test") == 19
    row = conn.execute(
        "SELECT name, approximate FROM qpv WHERE code = 'QN04405M' AND generation = 2024"
    ).fetchone()
    assert row == ("Bellevue", True)
    conn.execute("UPDATE qpv SET approximate = false WHERE code = 'QN04405M'")  # now "official"
    with conn.transaction():
        assert carry_contours(conn, pairs, "test") == 18  # the official one is left alone


def test_problems_are_not_half_written(conn: psycopg.Connection[Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code_qp": "QP044005", "nom_qp": "Bellevue"},
                        "geometry": {"type": "Point", "coordinates": [-1.6, 47.2]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImportProblems, match="polygone attendu"):
        read_qpv(bad)
    assert qpv.count(conn) == 19
