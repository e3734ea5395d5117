"""Helpers shared by the directory's API tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from pyproj import Geod

from tests.conftest import ADMIN_TOKEN

GEOD = Geod(ellps="WGS84")
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
REFUSED: set[str] = set()
"""Rows of the shared file refused by the import: none (the two rows with a malformed field,
hours or phone and e-mail, are imported with that field left empty)."""
AT = "2026-12-07T10:30:00"
"""A Monday morning, Paris time: every test evaluates « open now » at a fixed moment."""


def shared_features(actors_file: Path) -> list[dict[str, Any]]:
    """The imported features of the shared file, read without the application's code."""
    features = json.loads(actors_file.read_text())["features"]
    return [f for f in features if f["properties"].get("source_id") not in REFUSED]


def key(feature: dict[str, Any]) -> tuple[str, float, float]:
    lon, lat = feature["geometry"]["coordinates"]
    return (feature["properties"]["nom"], round(lon, 5), round(lat, 5))


def geod_m(lon: float, lat: float, feature: dict[str, Any]) -> float:
    flon, flat = feature["geometry"]["coordinates"]
    return float(GEOD.inv(lon, lat, flon, flat)[2])


def token(client: TestClient, role: str, login: str | None = None) -> dict[str, str]:
    """Headers of a new staff account with ``role``."""
    response = client.post(
        "/api/users", json={"login": login or f"u-{role}", "role": role}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
