"""OGC API – Features core, checked by hand and by GDAL's own OAPIF driver (what QGIS uses)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pyogrio
import pytest
import shapely
from fastapi.testclient import TestClient


def test_landing_conformance_collections(client: TestClient) -> None:
    landing = client.get("/ogc").json()
    assert {link["rel"] for link in landing["links"]} >= {
        "self",
        "conformance",
        "data",
        "service-desc",
    }
    conf = client.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conf
    ids = [c["id"] for c in client.get("/ogc/collections").json()["collections"]]
    assert {"qpv-2015", "qpv-2024"} <= set(ids)
    one = client.get("/ogc/collections/qpv-2015").json()
    (bbox,) = one["extent"]["spatial"]["bbox"]
    assert -2.3 < bbox[0] < bbox[2] < -1.3 and 47.1 < bbox[1] < bbox[3] < 47.8


def test_items_pages_follow_next_links(client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/ogc/collections/qpv-2015/items?limit=5"
    pages = 0
    while url:
        resp = client.get(url)
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("application/geo+json")
        page = resp.json()
        assert page["type"] == "FeatureCollection"
        assert page["numberMatched"] == 19
        assert page["numberReturned"] == len(page["features"]) <= 5
        seen += [f["id"] for f in page["features"]]
        nxt = [link["href"] for link in page["links"] if link["rel"] == "next"]
        url = nxt[0].replace("http://testserver", "") if nxt else None
        pages += 1
    assert pages == 4
    assert len(seen) == len(set(seen)) == 19


def test_bbox_filters_items(client: TestClient) -> None:
    page = client.get(
        "/ogc/collections/qpv-2015/items", params={"bbox": "-1.85,47.07,-1.33,47.37"}
    ).json()
    assert page["numberMatched"] == 15
    assert (
        client.get("/ogc/collections/qpv-2015/items", params={"bbox": "1,2,3"}).status_code == 422
    )
    assert client.get("/ogc/collections/qpv-2015/items", params={"limit": 0}).status_code == 422
    assert (
        client.get("/ogc/collections/qpv-2015/items", params={"limit": 10_001}).status_code == 422
    )


def test_single_item_and_unknowns(client: TestClient) -> None:
    feature = client.get("/ogc/collections/qpv-2015/items/QP044005").json()
    assert feature["properties"]["name"] == "Bellevue"
    assert client.get("/ogc/collections/qpv-2015/items/QP000000").status_code == 404
    resp = client.get("/ogc/collections/nope/items")
    assert resp.status_code == 404
    assert "collection inconnue" in resp.json()["detail"]


def _gdal(*args: str) -> str:
    proc = subprocess.run(list(args), capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.browser
def test_gdal_reads_every_collection_and_gpkg_round_trips(
    live_server: Any, tmp_path: Path, conn: Any
) -> None:
    url = f"OAPIF:{live_server.url}/ogc"
    listing = _gdal("ogrinfo", "-ro", "-q", url)
    public = [c for c in ("qpv-2015", "qpv-2024")]
    for cid in public:
        assert cid in listing
    out = tmp_path / "export.gpkg"
    _gdal("ogr2ogr", "-f", "GPKG", str(out), url, "qpv-2015", "-oo", "PAGE_SIZE=4")
    frame = pyogrio.read_dataframe(out, layer="qpv-2015")
    assert len(frame) == 19
    stored = {
        code: shapely.from_wkb(bytes(wkb))
        for code, wkb in conn.execute(
            "SELECT code, ST_AsBinary(geom) FROM qpv WHERE generation = 2015"
        )
    }
    by_code = dict(zip(frame["code"], frame.geometry, strict=True))
    assert set(by_code) == set(stored)
    for code, geom in stored.items():
        assert shapely.hausdorff_distance(geom, by_code[code]) < 1e-5, code  # 6-decimal GeoJSON
