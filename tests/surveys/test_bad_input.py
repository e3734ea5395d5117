"""Every bad input of the issue gets a clear French 4xx, nothing is stored, the process lives."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from tests.surveys.conftest import Headers, Staff, count_rows, gusp_obs, walk_obs

JSON = {"content-type": "application/json"}


def _cases(walk: dict[str, Any], lon: float, lat: float) -> list[tuple[str, Any, int, str]]:
    """(name, body — dict or raw JSON text, expected status, expected fragment of detail)."""
    ok = walk_obs(walk["id"], lon, lat)
    raw = json.dumps(ok)
    coords = json.dumps(ok["location"]["coordinates"])
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    return [
        ("non-UUID id", {**ok, "id": "123"}, 422, "identifiant UUID invalide"),
        ("non-UUID walk", {**ok, "walk_id": "marche-1"}, 422, "identifiant UUID invalide"),
        ("NaN", raw.replace(coords, "[NaN, 47.2]"), 422, "JSON invalide"),
        ("Infinity", raw.replace(coords, "[-1.5, Infinity]"), 422, "JSON invalide"),
        ("overflow", raw.replace(coords, "[-1.5, 1e400]"), 422, "JSON invalide"),
        ("huge rating", {**ok, "rating": 1e300}, 422, "nombre entier attendu"),
        (
            "huge coordinate",
            {**ok, "location": {"type": "Point", "coordinates": [1e300, 47.2]}},
            422,
            "hors de la zone couverte",
        ),
        (
            "longitude out of range",
            {**ok, "location": {"type": "Point", "coordinates": [200, 47.2]}},
            422,
            "hors de la zone couverte",
        ),
        (
            "swapped lat/lon",
            {**ok, "location": {"type": "Point", "coordinates": [lat, lon]}},
            422,
            "inversées",
        ),
        (
            "Lambert-93 metres",
            {**ok, "location": {"type": "Point", "coordinates": [355000.0, 6689000.0]}},
            422,
            "hors de la zone couverte",
        ),
        (
            "Paris",
            {**ok, "location": {"type": "Point", "coordinates": [2.3522, 48.8566]}},
            422,
            "hors de la zone couverte",
        ),
        (
            "LineString location",
            {
                **ok,
                "location": {"type": "LineString", "coordinates": [[lon, lat], [lon, lat + 0.001]]},
            },
            422,
            "non accepté ici",
        ),
        (
            "Polygon location",
            {**ok, "location": {"type": "Polygon", "coordinates": [[[lon, lat]] * 4]}},
            422,
            "non accepté ici",
        ),
        (
            "unknown geometry",
            {**ok, "location": {"type": "Cercle", "coordinates": [lon, lat]}},
            422,
            "type de géométrie inconnu",
        ),
        ("bare coordinates", {**ok, "location": [lon, lat]}, 422, "objet attendu"),
        (
            "text coordinates",
            {**ok, "location": {"type": "Point", "coordinates": ["-1.5", "47.2"]}},
            422,
            "nombre",
        ),
        ("future observed_at", {**ok, "observed_at": future}, 422, "dans le futur"),
        ("no time zone", {**ok, "observed_at": "2026-05-01T21:00:00"}, 422, "fuseau horaire"),
        ("not a date", {**ok, "observed_at": "hier soir"}, 422, "date et heure invalides"),
        ("unknown walk", {**ok, "walk_id": str(uuid.uuid4())}, 422, "marche inconnue"),
        ("unknown stop", {**ok, "stop_id": str(uuid.uuid4())}, 422, "étape inconnue"),
        ("unknown theme", {**ok, "theme": "ambiance"}, 422, "thème inconnu"),
        ("unknown item", {**ok, "items": ["licornes"]}, 422, "élément inconnu"),
        ("item of another theme", {**ok, "items": ["proprete"]}, 422, "élément inconnu"),
        ("unknown category", gusp_obs(lon, lat, category="ovni"), 422, "catégorie GUSP inconnue"),
        (
            "category on a walk",
            {**ok, "category": "proprete"},
            422,
            "réservé aux observations GUSP",
        ),
        (
            "theme on GUSP",
            {**gusp_obs(lon, lat), "theme": "visibilite"},
            422,
            "réservés aux observations de marche",
        ),
        (
            "missing theme",
            {k: v for k, v in ok.items() if k != "theme"},
            422,
            "theme est obligatoire",
        ),
        ("missing rating", {k: v for k, v in ok.items() if k != "rating"}, 422, "rating"),
        (
            "missing location",
            {k: v for k, v in ok.items() if k != "location"},
            422,
            "champ obligatoire manquant",
        ),
        ("unknown kind", {**ok, "kind": "balade"}, 422, "valeur inconnue"),
        ("rating 4", {**ok, "rating": 4}, 422, "maximum 3"),
        ("rating -1", {**ok, "rating": -1}, 422, "minimum 0"),
        ("feeling 7", {**ok, "feeling": 7}, 422, "maximum 3"),
        ("rating as text", {**ok, "rating": "2"}, 422, "nombre entier attendu"),
        ("rating as boolean", {**ok, "rating": True}, 422, "nombre entier attendu"),
        ("unknown field", {**ok, "gps_accuracy": 5}, 422, "champ inconnu"),
        (
            "unknown geometry field",
            {**ok, "location": {"type": "Point", "coordinates": [lon, lat], "x": 1}},
            422,
            "champs inconnus",
        ),
        ("comment too long", {**ok, "comment": "a" * 2001}, 422, "texte trop long"),
        ("not JSON", "{id: 1", 422, "JSON invalide"),
        (
            "oversized body",
            {**ok, "comment": "a" * (3 * 1024 * 1024)},
            413,
            "requête trop volumineuse",
        ),
    ]


def test_bad_observations_are_refused_in_french_and_nothing_is_stored(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    lon, lat = point_in("QP044013")
    for name, body, status, fragment in _cases(walk, lon, lat):
        text = body if isinstance(body, str) else json.dumps(body)
        resp = client.post("/api/observations", content=text, headers={**participant, **JSON})
        assert resp.status_code == status, (name, resp.text[:300])
        detail = resp.json()["detail"]
        assert fragment in detail, (name, detail)
        assert "Traceback" not in detail and "pydantic" not in detail.lower(), name
    assert count_rows(conn, "observations") == 0
    assert count_rows(conn, "observation_versions") == 0
    # still alive and serving
    good = client.post(
        "/api/observations", json=walk_obs(walk["id"], lon, lat), headers=participant
    )
    assert good.status_code == 201


def test_bad_walks_are_refused_in_french(
    client: TestClient, staff: Staff, conn: psycopg.Connection[Any]
) -> None:
    base = {"title": "Marche", "date": "2026-05-01", "time_slot": "soiree"}
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("time slot", {**base, "time_slot": "aube"}, "valeur inconnue"),
        ("no date", {k: v for k, v in base.items() if k != "date"}, "champ obligatoire manquant"),
        ("bad date", {**base, "date": "01/05/2026"}, "date invalide"),
        ("unknown QPV", {**base, "qpv_codes": ["QP044999"]}, "code(s) QPV inconnu(s)"),
        ("malformed QPV", {**base, "qpv_codes": ["Malakoff"]}, "format invalide"),
        (
            "route as point",
            {**base, "route": {"type": "Point", "coordinates": [-1.55, 47.21]}},
            "non accepté ici",
        ),
        (
            "route outside",
            {
                **base,
                "route": {"type": "LineString", "coordinates": [[-1.55, 47.21], [2.35, 48.85]]},
            },
            "hors de la zone couverte",
        ),
        (
            "stop outside",
            {
                **base,
                "stops": [
                    {"name": "Paris", "location": {"type": "Point", "coordinates": [2.35, 48.85]}}
                ],
            },
            "hors de la zone couverte",
        ),
        ("group size", {**base, "group_size": 0}, "minimum 1"),
        ("women_only as text", {**base, "women_only": "oui"}, "booléen attendu"),
        ("unknown field", {**base, "budget": 12}, "champ inconnu"),
        (
            "unknown paired walk",
            {**base, "paired_walk_id": str(uuid.uuid4())},
            "marche introuvable",
        ),
        ("facilitator by non-admin", {**base, "facilitator": "samir.anim"}, "seul un compte admin"),
    ]
    for name, body, fragment in cases:
        resp = client.post("/api/walks", json=body, headers=staff.facilitator)
        assert 400 <= resp.status_code < 500, (name, resp.text)
        assert fragment in resp.json()["detail"], (name, resp.json()["detail"])
    assert count_rows(conn, "walks") == 0
    created = client.post(
        "/api/walks", json={**base, "facilitator": "samir.anim"}, headers=staff.admin
    )
    assert created.status_code == 201 and created.json()["facilitator"] == "samir.anim"
