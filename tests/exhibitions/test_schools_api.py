"""Schools through the API: GeoJSON list, one school, create/update by UAI inside the territory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from exhibitions import repo
from tests.exhibitions.conftest import DEBUSSY

# A real école of Nantes (annuaire): the model is not collège-only.
ECOLE = {
    "name": "École élémentaire publique Jean Moulin",
    "level": "ecole",
    "sector": "public",
    "insee_code": "44109",
    "commune": "Nantes",
    "lon": -1.5736,
    "lat": 47.2269,
    "priority": "hors_ep",
    "enrolment": 210,
}
ECOLE_UAI = "0440999X"


def test_list_is_geojson_of_the_territory(client: TestClient) -> None:
    resp = client.get("/api/schools")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/geo+json"
    features = resp.json()["features"]
    assert len(features) == 76
    debussy = next(f for f in features if f["id"] == DEBUSSY)
    assert debussy["properties"]["priority"] == "rep_plus"
    assert debussy["geometry"]["type"] == "Point"
    assert client.get("/api/schools?level=lycee").json()["features"] == []
    assert client.get("/api/schools?level=universite").status_code == 422


def test_one_school_and_unknown_uai(client: TestClient) -> None:
    assert client.get(f"/api/schools/{DEBUSSY.lower()}").json()["name"] == "Collège Claude Debussy"
    resp = client.get("/api/schools/0449999E")
    assert resp.status_code == 404
    assert resp.json()["detail"] == "établissement inconnu : UAI 0449999E"


def test_planner_creates_then_updates_an_ecole(
    client: TestClient,
    make_user: Callable[[str, str], dict[str, str]],
    conn: psycopg.Connection[Any],
) -> None:
    planner = make_user("plan", "planner")
    created = client.put(f"/api/schools/{ECOLE_UAI}", json=ECOLE, headers=planner)
    assert created.status_code == 201, created.text
    assert created.json()["level"] == "ecole" and created.json()["source"] == "saisie"
    updated = client.put(
        f"/api/schools/{ECOLE_UAI}", json={**ECOLE, "enrolment": 230}, headers=planner
    )
    assert updated.status_code == 200
    assert repo.count_schools(conn) == 77
    school = repo.get_school(conn, ECOLE_UAI)
    assert school is not None and school.enrolment == 230


@pytest.mark.parametrize(
    ("uai", "body", "message"),
    [
        (
            ECOLE_UAI,
            {"lon": -1.2873, "lat": 47.1036, "insee_code": "44043"},
            "hors de la zone couverte",
        ),  # Clisson: outside the envelope
        (
            ECOLE_UAI,
            {"lon": -1.6491, "lat": 47.3127, "insee_code": "44209", "commune": "Treillières"},
            "commune Treillières 44209 hors de la zone couverte",
        ),  # Treillières: inside the envelope
        (ECOLE_UAI, {"lon": 47.2269, "lat": -1.5736}, "latitude et longitude inversées"),
        (ECOLE_UAI, {"lon": float("nan")}, "nombre"),
        ("0440999A", {}, "UAI invalide : 0440999A (lettre de contrôle X attendue)"),
        ("04409", {}, "UAI invalide"),
        (ECOLE_UAI, {"level": "universite"}, "valeur inconnue"),
        (ECOLE_UAI, {"insee_code": "nantes"}, "format invalide"),
        (ECOLE_UAI, {"enrolment": -3}, "valeur trop petite"),
    ],
)
def test_bad_school_is_422_and_stores_nothing(
    client: TestClient,
    admin_headers: dict[str, str],
    conn: psycopg.Connection[Any],
    uai: str,
    body: dict[str, Any],
    message: str,
) -> None:
    if body.get("lon") != body.get("lon"):  # NaN cannot be sent as JSON: send the raw text
        raw = (
            '{"name": "X", "level": "ecole", "sector": "public", "insee_code": "44109", '
            '"lon": NaN, "lat": 47.2}'
        )
        resp = client.put(
            f"/api/schools/{uai}",
            content=raw,
            headers={**admin_headers, "Content-Type": "application/json"},
        )
    else:
        resp = client.put(f"/api/schools/{uai}", json={**ECOLE, **body}, headers=admin_headers)
    assert resp.status_code == 422, resp.text
    assert message in resp.json()["detail"]
    assert repo.count_schools(conn) == 76


def test_only_planners_and_admins_write_schools(
    client: TestClient, make_user: Callable[[str, str], dict[str, str]]
) -> None:
    facilitator = make_user("coord", "facilitator")
    assert (
        client.put(f"/api/schools/{ECOLE_UAI}", json=ECOLE, headers=facilitator).status_code == 403
    )
    assert client.put(f"/api/schools/{ECOLE_UAI}", json=ECOLE).status_code == 401
