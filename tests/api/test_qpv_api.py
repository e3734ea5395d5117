from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


def test_list_is_a_feature_collection(client: TestClient) -> None:
    resp = client.get("/api/qpv", params={"generation": 2015})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/geo+json")
    fc = resp.json()
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 19
    props = fc["features"][0]["properties"]
    assert {"code", "name", "communes", "generation"} <= set(props)
    assert {f["properties"]["generation"] for f in fc["features"]} == {2015}


def test_list_of_an_empty_generation(client: TestClient) -> None:
    fc = client.get("/api/qpv", params={"generation": 2024}).json()
    assert fc == {"type": "FeatureCollection", "features": []}


def test_bbox_filter(client: TestClient) -> None:
    fc = client.get("/api/qpv", params={"bbox": "-1.85,47.07,-1.33,47.37"}).json()
    assert len(fc["features"]) == 15  # Nantes Métropole only


@pytest.mark.parametrize("generation", ["2019", "abc"])
def test_unknown_generation_is_422(client: TestClient, generation: str) -> None:
    resp = client.get("/api/qpv", params={"generation": generation})
    assert resp.status_code == 422
    assert isinstance(resp.json()["detail"], str)


def test_one_feature(client: TestClient) -> None:
    feature = client.get("/api/qpv/QP044005").json()
    assert feature["type"] == "Feature"
    assert feature["properties"]["name"] == "Bellevue"
    assert feature["geometry"]["type"] == "MultiPolygon"


def test_unknown_code_is_404_in_french(client: TestClient) -> None:
    resp = client.get("/api/qpv/QP999999")
    assert resp.status_code == 404
    assert resp.json() == {"detail": "quartier prioritaire inconnu : QP999999"}


def test_lookup_debussy_in_bellevue(client: TestClient, shared_data: Path) -> None:
    data = json.loads(
        (shared_data / "schools" / "colleges_dep44.geojson").read_text(encoding="utf-8")
    )
    ((lon, lat),) = [
        f["geometry"]["coordinates"]
        for f in data["features"]
        if f["properties"]["nom"] == "Collège Claude Debussy"
    ]
    body = client.get("/api/qpv/lookup", params={"lon": lon, "lat": lat}).json()
    assert body["qpv"] == {
        "code": "QP044005",
        "name": "Bellevue",
        "generation": 2015,
        "approximate": False,
    }
    assert "Bellevue" in body["message"]


def test_lookup_outside_gives_nearest(client: TestClient) -> None:
    body = client.get("/api/qpv/lookup", params={"lon": -1.5589, "lat": 47.2131}).json()
    assert body["qpv"] is None
    assert body["nearest"]["distance_m"] > 0
    assert "le plus proche" in body["message"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"lon": "NaN", "lat": "47.2"}, "nombre fini"),
        ({"lon": "Infinity", "lat": "47.2"}, "nombre fini"),
        ({"lon": "-1.55", "lat": "-inf"}, "nombre fini"),
        ({"lon": "abc", "lat": "47.2"}, "nombre"),
        ({"lon": "-1.55"}, "obligatoire"),
        ({"lon": "-1.55", "lat": "95"}, "latitude hors limites"),
        ({"lon": "-190", "lat": "47.2"}, "longitude hors limites"),
        ({"lon": "47.2131", "lat": "-1.5589"}, "inversées"),
        ({"lon": "355000", "lat": "6689000"}, "hors limites"),  # Lambert-93 metres
        ({"lon": "2.35", "lat": "48.85"}, "hors de la zone couverte"),  # Paris
    ],
)
def test_bad_coordinates_are_4xx_in_french(
    client: TestClient, params: dict[str, str], fragment: str
) -> None:
    resp = client.get("/api/qpv/lookup", params=params)
    assert resp.status_code == 422
    assert fragment in resp.json()["detail"]
