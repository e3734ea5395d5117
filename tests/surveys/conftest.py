"""Fixtures of the surveys tests: staff accounts, a walk in Malakoff, participants, and helpers
building observation payloads at real positions (points taken inside the real QPV polygons)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

Headers = dict[str, str]


def bearer(token: str) -> Headers:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Staff:
    admin: Headers
    facilitator: Headers
    facilitator2: Headers
    planner: Headers
    moderator: Headers


@pytest.fixture
def staff(client: TestClient, admin_headers: Headers) -> Staff:
    """One account per staff role (two facilitators, to test scopes)."""
    tokens = {}
    for login, role in (
        ("claire.anim", "facilitator"),
        ("samir.anim", "facilitator"),
        ("lea.urba", "planner"),
        ("marc.modo", "moderator"),
    ):
        resp = client.post(
            "/api/users",
            json={"login": login, "role": role, "organisation": "Ville de Nantes"},
            headers=admin_headers,
        )
        assert resp.status_code == 201, resp.text
        tokens[login] = bearer(resp.json()["token"])
    return Staff(
        admin=admin_headers,
        facilitator=tokens["claire.anim"],
        facilitator2=tokens["samir.anim"],
        planner=tokens["lea.urba"],
        moderator=tokens["marc.modo"],
    )


@pytest.fixture
def point_in(conn: psycopg.Connection[Any]) -> Callable[..., tuple[float, float]]:
    """``point_in("QP044013")`` → a (lon, lat) inside that QPV; ``dx``/``dy`` metres shift it."""

    def find(code: str, dx: float = 0.0, dy: float = 0.0) -> tuple[float, float]:
        row = conn.execute(
            """
            SELECT ST_X(p), ST_Y(p) FROM (
                SELECT ST_Transform(ST_Translate(ST_Transform(ST_PointOnSurface(geom), 2154),
                                                 %s, %s), 4326) AS p
                FROM qpv WHERE code = %s AND generation = 2015) s
            """,
            (dx, dy, code),
        ).fetchone()
        assert row is not None, code
        return (round(row[0], 7), round(row[1], 7))

    return find


OUTSIDE_QPV = (-1.5536, 47.2173)
"""Place Royale, Nantes: in the territory, in no QPV."""


@pytest.fixture
def walk(
    client: TestClient, staff: Staff, point_in: Callable[..., tuple[float, float]]
) -> dict[str, Any]:
    """A night walk in Malakoff with a route and two stops, created by the facilitator."""
    a, b = point_in("QP044013"), point_in("QP044013", 80, 40)
    resp = client.post(
        "/api/walks",
        json={
            "title": "Marche exploratoire Malakoff — nuit",
            "date": (datetime.now(UTC) - timedelta(days=20)).date().isoformat(),
            "time_slot": "nuit",
            "qpv_codes": ["QP044013"],
            "women_only": True,
            "organiser": "Centre socioculturel Malakoff",
            "group_size": 8,
            "route": {"type": "LineString", "coordinates": [list(a), list(b)]},
            "stops": [
                {"name": "Passerelle", "location": {"type": "Point", "coordinates": list(a)}},
                {"name": "Arrêt de tram", "location": {"type": "Point", "coordinates": list(b)}},
            ],
        },
        headers=staff.facilitator,
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


def join(client: TestClient, walk: dict[str, Any], pseudonym: str) -> Headers:
    resp = client.post(
        "/api/walks/join", json={"invite_code": walk["invite_code"], "pseudonym": pseudonym}
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["walk_id"] == walk["id"]
    return bearer(resp.json()["token"])


@pytest.fixture
def participant(client: TestClient, walk: dict[str, Any]) -> Headers:
    return join(client, walk, "Aïcha")


def walk_obs(
    walk_id: str, lon: float, lat: float, *, hours_ago: float = 1, **fields: Any
) -> dict[str, Any]:
    """A valid walk observation payload with a fresh client UUID."""
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": "marche",
        "walk_id": walk_id,
        "location": {"type": "Point", "coordinates": [lon, lat]},
        "observed_at": (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(),
        "theme": "visibilite",
        "items": ["eclairage"],
        "rating": 1,
        "feeling": 1,
        "comment": "Lampadaire éteint sous la passerelle",
        "proposal": "Réparer l'éclairage",
    }
    body.update(fields)
    return body


def gusp_obs(
    lon: float, lat: float, category: str = "depot_sauvage", **fields: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": "gusp",
        "location": {"type": "Point", "coordinates": [lon, lat]},
        "observed_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "category": category,
        "comment": "Encombrants au pied de l'immeuble",
    }
    body.update(fields)
    return body


def count_rows(conn: psycopg.Connection[Any], table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])
