"""Interoperability: the planning collections in OGC API – Features, read by GDAL's own OAPIF
driver (what QGIS uses), and the GeoPackage / GeoJSON / CSV exports, which round-trip."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pyogrio
import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import shape

from tests.planning.seed import Seeded

PUBLIC = ("actors", "schools", "observations-public")
ALL = (*PUBLIC, "observations")


def _ids(client: TestClient, headers: dict[str, str] | None = None) -> set[str]:
    body = client.get("/ogc/collections", headers=headers or {}).json()
    return {c["id"] for c in body["collections"]}


def _features(client: TestClient, cid: str, headers: dict[str, str]) -> dict[str, Any]:
    body = client.get(f"/ogc/collections/{cid}/items?limit=10000", headers=headers).json()
    return {str(f["id"]): f for f in body["features"]}


def test_collections_by_caller(
    client: TestClient,
    seeded: Seeded,
    planner: dict[str, str],
    facilitator: dict[str, str],
    conn: psycopg.Connection[Any],
) -> None:
    assert set(PUBLIC) <= _ids(client) and "observations" not in _ids(client)
    assert "observations" in _ids(client, planner)
    assert client.get("/ogc/collections/observations/items").status_code == 404
    assert client.get("/api/exports/observations.csv").status_code == 404
    everything = _features(client, "observations", planner)
    (n,) = conn.execute("SELECT count(*) FROM observations WHERE NOT demo").fetchone()  # type: ignore[misc]
    assert len(everything) == n
    # a facilitator sees the observations of the walks they lead, not the GUSP reports
    theirs = _features(client, "observations", facilitator)
    assert set(theirs) == {o["id"] for o in seeded.observations}
    assert {f["properties"]["kind"] for f in theirs.values()} == {"marche"}
    # exact points read through OGC are audited (who, which collection, how many); public
    # collections are not
    audited = conn.execute(
        "SELECT actor_role, object_id, item_count FROM audit_log WHERE action = 'read_ogc'"
        " ORDER BY id"
    ).fetchall()
    assert audited == [("planner", "observations", n), ("facilitator", "observations", len(theirs))]
    actors = _features(client, "actors", {})
    (active,) = conn.execute(
        "SELECT count(*) FROM actor WHERE status = 'active' AND visibility = 'public'"
    ).fetchone()  # type: ignore[misc]
    assert len(actors) == active > 50
    assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'read_ogc'").fetchone() == (
        2,
    )
    schools = _features(client, "schools", {})
    debussy = schools[seeded.showing["uai"]]["properties"]
    assert debussy["eleves"] == 52 and debussy["atteint"] is True
    assert sum(1 for f in schools.values() if f["properties"]["atteint"]) == 1


def test_public_grid_follows_the_public_rules(client: TestClient) -> None:
    api = client.get("/api/public/observations").json()["features"]
    ogc = _features(client, "observations-public", {})
    assert api, "the seeded data must fill at least one public cell"
    want = {
        (
            f["properties"]["cell"],
            f["properties"]["kind"],
            f["properties"]["theme"],
            f["properties"]["count"],
        )
        for f in api
    }
    got = {
        (
            f["properties"]["cell"],
            f["properties"]["kind"],
            f["properties"]["theme"],
            f["properties"]["count"],
        )
        for f in ogc.values()
    }
    assert got == want
    k = min(f["properties"]["count"] for f in ogc.values())
    assert k >= 5


def _norm(value: Any) -> str:
    """A property as text, whatever the format: null, NaN (pandas) and "" are the same."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _read_export(
    fmt: str, content: bytes, tmp: Path, cid: str
) -> dict[str, tuple[Any, dict[str, Any]]]:
    """id → (shapely geometry, properties) from an export."""
    if fmt == "geojson":
        fc = json.loads(content)
        return {str(f["id"]): (shape(f["geometry"]), f["properties"]) for f in fc["features"]}
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
        out = {}
        for row in rows:
            geom = shapely.from_wkt(row.pop("wkt"))
            lon, lat = float(row.pop("lon")), float(row.pop("lat"))
            assert geom.distance(shapely.Point(lon, lat)) < 1e-6  # lat/lon on the feature
            out[row.pop("id")] = (geom, row)
        return out
    path = tmp / f"{cid}.gpkg"
    path.write_bytes(content)
    frame = pyogrio.read_dataframe(path, layer=cid)
    return {
        str(r["id"]): (r.geometry, {k: v for k, v in r.items() if k not in ("id", "geometry")})
        for _, r in frame.iterrows()
    }


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "csv"])
def test_exports_round_trip(
    client: TestClient, planner: dict[str, str], fmt: str, tmp_path: Path
) -> None:
    for cid in ALL:
        source = _features(client, cid, planner)
        resp = client.get(f"/api/exports/{cid}.{fmt}", headers=planner)
        assert resp.status_code == 200, (cid, resp.text[:200])
        assert f'filename="{cid}.{fmt}"' in resp.headers["content-disposition"]
        back = _read_export(fmt, resp.content, tmp_path, cid)
        assert set(back) == set(source), cid
        name = {
            "actors": "nom",
            "schools": "nom",
            "observations-public": "count",
            "observations": "theme",
        }[cid]
        for fid, feature in source.items():
            geom, props = back[fid]
            assert shapely.equals_exact(geom, shape(feature["geometry"]), tolerance=1e-6), fid
            assert _norm(props[name]) == _norm(feature["properties"][name]), (cid, fid)


def test_cors_only_on_public_geojson_and_csv(client: TestClient, planner: dict[str, str]) -> None:
    for fmt in ("geojson", "csv"):
        resp = client.get(
            f"/api/exports/actors.{fmt}", headers={"Origin": "https://umap.openstreetmap.fr"}
        )
        assert resp.headers["access-control-allow-origin"] == "*"
        assert resp.headers["access-control-allow-methods"] == "GET"
    resp = client.get("/api/exports/observations.geojson", headers=planner)
    assert "access-control-allow-origin" not in resp.headers
    assert resp.headers["cache-control"] == "no-store"
    csv_text = client.get("/api/exports/actors.csv").text
    assert csv_text.splitlines()[0].endswith(",lon,lat,wkt")
    assert client.get("/api/exports/actors.shp").status_code == 422
    assert client.get("/api/exports/nope.csv").status_code == 404


def _gdal(*args: str, headers: dict[str, str] | None = None) -> str:
    env = dict(os.environ)
    if headers:
        env["GDAL_HTTP_HEADERS"] = "\r\n".join(f"{k}: {v}" for k, v in headers.items())
    proc = subprocess.run(
        list(args), capture_output=True, text=True, timeout=120, check=False, env=env
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.browser
def test_gdal_reads_every_collection_and_gpkg_round_trips(
    live_server: Any,
    seeded: Seeded,
    planner: dict[str, str],
    tmp_path: Path,
    conn: psycopg.Connection[Any],
) -> None:
    url = f"OAPIF:{live_server.url}/ogc"
    anonymous = _gdal("ogrinfo", "-ro", "-q", url)
    assert all(cid in anonymous for cid in PUBLIC) and "observations " not in anonymous + " "
    staff = _gdal("ogrinfo", "-ro", "-q", url, headers=planner)
    assert all(f": {cid} " in staff for cid in ALL), staff
    for cid in ALL:
        summary = _gdal("ogrinfo", "-ro", "-so", url, cid, headers=planner)
        assert f"Layer name: {cid}" in summary
        out = tmp_path / f"{cid}.gpkg"
        _gdal("ogr2ogr", "-f", "GPKG", str(out), url, cid, "-oo", "PAGE_SIZE=7", headers=planner)
        frame = pyogrio.read_dataframe(out, layer=cid)
        api = {}
        offset = 0
        with httpx2.Client(base_url=live_server.url, timeout=30) as http:
            while True:
                page = http.get(
                    f"/ogc/collections/{cid}/items?limit=50&offset={offset}", headers=planner
                ).json()
                api.update({str(f["id"]): shape(f["geometry"]) for f in page["features"]})
                offset += 50
                if offset >= page["numberMatched"]:
                    break
        assert len(frame) == len(api) > 0, cid
        got = dict(zip(frame["id"].astype(str), frame.geometry, strict=True))
        assert set(got) == set(api), cid
        for fid, geom in api.items():
            assert shapely.equals_exact(geom, got[fid], tolerance=1e-6), (cid, fid)
