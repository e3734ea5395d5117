"""Fixtures of the security tests: a small world with every role — two walks in two QPV
(A in Malakoff, B in Bellevue), a participant and a facilitator on each, planners scoped to
each QPV, a moderator, the admin — an observation with a photo on each walk, an action, a
routing rule, a school, an exhibition and a showing, all made through the API."""

from __future__ import annotations

import functools
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from accounts import passwords
from app.settings import Settings
from tests.actors.test_write_api import NEW as ACTOR
from tests.surveys.conftest import bearer, walk_obs
from tests.surveys.images import phone_jpeg

Headers = dict[str, str]
PASSWORD = "Vingt-huit lampadaires, 2026 !"
MALAKOFF = "QP044013"
BELLEVUE = "QP044005"
UNLIMITED = tuple(
    (name, 1_000_000, 1_000_000)
    for name in ("ip", "token", "login", "login_account", "join", "anon_write")
)

IDENTITIES = (
    "anonymous",
    "participant_a",
    "participant_b",
    "facilitator_a",
    "facilitator_b",
    "planner_in",
    "planner_out",
    "moderator",
    "admin",
    "body",
)
"""Who calls: A is walk A's side (Malakoff); planner_in's territory holds A, planner_out's B;
``body`` is a responsible body (Open311) to which nothing of A or B is routed."""


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The test app without rate limits (the rate-limit tests build their own app)."""
    return Settings(
        database_url=db_url,
        env="test",
        admin_token="cg_test-admin-token-0123456789abcdef",
        tile_url=None,
        pool_max=20,
        rate_limits=UNLIMITED,
    )


def point(conn: psycopg.Connection[Any], code: str, dx: float = 0, dy: float = 0) -> list[float]:
    row = conn.execute(
        """
        SELECT ST_X(p), ST_Y(p) FROM (
            SELECT ST_Transform(ST_Translate(ST_Transform(ST_PointOnSurface(geom), 2154),
                                             %s, %s), 4326) AS p
            FROM qpv WHERE code = %s AND generation = 2015) s
        """,
        (dx, dy, code),
    ).fetchone()
    assert row is not None
    return [round(row[0], 7), round(row[1], 7)]


@dataclass
class World:
    client: TestClient
    conn: psycopg.Connection[Any]
    headers: dict[str, Headers]
    logins: dict[str, str]
    walk_a: dict[str, Any]
    walk_b: dict[str, Any]
    obs_a: str
    obs_b: str
    photo_a: str
    photo_b: str
    action: str
    rule: int
    uai: str
    exhibition: str
    showing: str
    actor: str = ""
    session: str = ""
    counter: Any = field(default_factory=itertools.count)

    def h(self, who: str) -> Headers:
        return self.headers[who]

    def n(self) -> int:
        return next(self.counter)

    def login(self, who: str) -> Headers:
        """A fresh session token of a staff identity."""
        resp = self.client.post(
            "/api/auth/login", json={"login": self.logins[who], "password": PASSWORD}
        )
        assert resp.status_code == 200, resp.text
        return bearer(resp.json()["token"])

    def join(self, walk: dict[str, Any], pseudonym: str = "Nour") -> Headers:
        resp = self.client.post(
            "/api/walks/join", json={"invite_code": walk["invite_code"], "pseudonym": pseudonym}
        )
        assert resp.status_code == 200, resp.text
        return bearer(resp.json()["token"])

    def observation(self, who: str = "participant_a", walk: str = "a", **fields: Any) -> str:
        w = self.walk_a if walk == "a" else self.walk_b
        code = MALAKOFF if walk == "a" else BELLEVUE
        body = walk_obs(w["id"], *point(self.conn, code, self.n() % 50, 3), **fields)
        resp = self.client.post("/api/observations", json=body, headers=self.h(who))
        assert resp.status_code == 201, resp.text
        return str(body["id"])

    def photo(self, obs_id: str, who: str) -> str:
        photo_id = str(uuid.uuid4())
        resp = self.client.post(
            f"/api/observations/{obs_id}/photos",
            files={"file": ("p.jpg", phone_jpeg(), "image/jpeg")},
            data={"photo_id": photo_id},
            headers=self.h(who),
        )
        assert resp.status_code == 201, resp.text
        return photo_id

    def new_action(self) -> str:
        resp = self.client.post(
            "/api/actions",
            json={
                "title": f"Éclairage {self.n()}",
                "owner_org": "Nantes Métropole",
                "observation_ids": [self.obs_a],
            },
            headers=self.h("admin"),
        )
        assert resp.status_code == 201, resp.text
        return str(resp.json()["id"])

    def new_rule(self) -> int:
        resp = self.client.put(
            "/api/routing-rules",
            json={"category": "proprete", "qpv_code": MALAKOFF, "body": f"Organisme {self.n()}"},
            headers=self.h("admin"),
        )
        assert resp.status_code in (200, 201), resp.text
        return int(resp.json()["id"])

    def new_walk(self, who: str = "facilitator_a", code: str = MALAKOFF) -> dict[str, Any]:
        resp = self.client.post(
            "/api/walks",
            json={
                "title": f"Marche {code} {self.n()}",
                "date": (datetime.now(UTC) - timedelta(days=3)).date().isoformat(),
                "time_slot": "nuit",
                "qpv_codes": [code],
                "stops": [
                    {
                        "name": "Passerelle",
                        "location": {"type": "Point", "coordinates": point(self.conn, code)},
                    }
                ],
            },
            headers=self.h(who),
        )
        assert resp.status_code == 201, resp.text
        return dict(resp.json())

    def new_session(self) -> str:
        """A self-check group session opened by facilitator A; its code."""
        resp = self.client.post(
            "/api/selfcheck/sessions", json={"label": "4e A"}, headers=self.h("facilitator_a")
        )
        assert resp.status_code == 201, resp.text
        return str(resp.json()["code"])

    def new_showing(self) -> str:
        start = date(2025, 9, 1) + timedelta(days=7 * self.n())
        resp = self.client.post(
            f"/api/exhibitions/{self.exhibition}/showings",
            json={
                "copy_number": 1,
                "uai": self.uai,
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=2)).isoformat(),
                "classes": 1,
                "pupils": 20,
            },
            headers=self.h("facilitator_a"),
        )
        assert resp.status_code == 201, resp.text
        return str(resp.json()["id"])


SCHOOL = {
    "name": "Collège Claude Debussy",
    "level": "college",
    "sector": "public",
    "insee_code": "44109",
    "commune": "Nantes",
    "lon": -1.6065,
    "lat": 47.2232,
    "priority": "rep_plus",
    "enrolment": 520,
}


@functools.cache
def password_hash() -> str:
    """One argon2 hash of :data:`PASSWORD` for the session (hashing costs ~0.15 s each)."""
    return passwords.hash_password(PASSWORD)


def _staff(
    client: TestClient, conn: psycopg.Connection[Any], admin: Headers
) -> tuple[dict[str, Headers], dict[str, str]]:
    """The staff accounts, made through the API; their password (the same for all) is written
    once in SQL — the password routes themselves are tested in ``test_accounts.py``."""
    headers: dict[str, Headers] = {}
    logins = {"admin": "admin"}
    for who, login, role, scope in (
        ("facilitator_a", "claire.anim", "facilitator", None),
        ("facilitator_b", "samir.anim", "facilitator", None),
        ("planner_in", "lea.urba", "planner", [MALAKOFF]),
        ("planner_out", "hugo.urba", "planner", [BELLEVUE]),
        ("moderator", "marc.modo", "moderator", None),
        ("body", "eclairage.nantes", "body", None),
    ):
        body: dict[str, Any] = {"login": login, "role": role}
        if role == "body":
            body["organisation"] = "Ville de Nantes — éclairage"
        if scope:
            body["scope_qpv"] = scope
        resp = client.post("/api/users", json=body, headers=admin)
        assert resp.status_code == 201, resp.text
        headers[who] = bearer(resp.json()["token"])
        logins[who] = login
    conn.execute("UPDATE users SET password_hash = %s", (password_hash(),))
    return headers, logins


@pytest.fixture
def world(client: TestClient, conn: psycopg.Connection[Any], admin_headers: Headers) -> World:
    headers, logins = _staff(client, conn, admin_headers)
    headers["admin"] = admin_headers
    headers["anonymous"] = {}
    w = World(client, conn, headers, logins, {}, {}, "", "", "", "", "", 0, "", "", "")
    w.walk_a = w.new_walk("facilitator_a", MALAKOFF)
    w.walk_b = w.new_walk("facilitator_b", BELLEVUE)
    headers["participant_a"] = w.join(w.walk_a, "Aïcha")
    headers["participant_b"] = w.join(w.walk_b, "Inès")
    w.obs_a = w.observation("participant_a", "a")
    w.obs_b = w.observation("participant_b", "b")
    w.photo_a = w.photo(w.obs_a, "participant_a")
    w.photo_b = w.photo(w.obs_b, "participant_b")
    w.action = w.new_action()
    w.rule = w.new_rule()
    w.uai = "0440286X"
    resp = client.put(f"/api/schools/{w.uai}", json=SCHOOL, headers=admin_headers)
    assert resp.status_code in (200, 201), resp.text
    resp = client.post(
        "/api/exhibitions",
        json={
            "title": "Ma terre est ma couleur",
            "partner": "MRAP",
            "themes": ["racisme"],
            "copies": 2,
        },
        headers=admin_headers,
    )
    assert resp.status_code == 201, resp.text
    w.exhibition = str(resp.json()["id"])
    w.showing = w.new_showing()
    resp = client.post("/api/actors", json=ACTOR, headers=admin_headers)
    assert resp.status_code == 201, resp.text
    w.actor = str(resp.json()["id"])
    w.session = w.new_session()
    return w


WorldFactory = Callable[[], World]
