"""No mass assignment (OWASP API3): every request model of the app forbids unknown fields, and
attempts to set states, authors, roles or moderation through a body are refused with 422 and
change nothing."""

from __future__ import annotations

import types
import typing
import uuid
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.schemas import StrictModel
from tests.security.conftest import MALAKOFF, World, point
from tests.surveys.conftest import walk_obs


def _models(annotation: Any) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.add(annotation)
        for field in annotation.model_fields.values():
            found |= _models(field.annotation)
    for arg in typing.get_args(annotation):
        found |= _models(arg)
    if isinstance(annotation, types.UnionType):
        for arg in annotation.__args__:
            found |= _models(arg)
    return found


def request_models(client: TestClient) -> dict[str, set[type[BaseModel]]]:
    """Every pydantic model reachable from a request body, per route."""
    found: dict[str, set[type[BaseModel]]] = {}
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        for param in route.dependant.body_params:
            models = _models(param.field_info.annotation)
            if models:
                found.setdefault(f"{sorted(route.methods or ())} {route.path}", set()).update(
                    models
                )
    return found


def test_every_request_model_forbids_unknown_fields(client: TestClient) -> None:
    found = request_models(client)
    assert len(found) >= 20, found.keys()  # the enumeration sees the app's bodies
    lax = {
        f"{route}: {model.__name__}"
        for route, models in found.items()
        for model in models
        if model.model_config.get("extra") != "forbid"
        or model.model_config.get("allow_inf_nan") is not False
        or not issubclass(model, StrictModel)
    }
    assert lax == set()


def test_the_enumeration_can_fail() -> None:
    class Lax(BaseModel):
        status: str

    class Outer(StrictModel):
        inner: list[Lax] | None = None

    assert Lax in _models(Outer)
    assert Lax.model_config.get("extra") != "forbid"


def _count(world: World, sql: str) -> int:
    row = world.conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_mass_assignment_attempts_are_refused(world: World) -> None:
    c = world.client
    obs = walk_obs(world.walk_a["id"], *point(world.conn, MALAKOFF, 7, 7))
    walk = {"title": "Marche", "date": "2026-05-02", "time_slot": "jour"}
    attempts: list[tuple[str, str, dict[str, Any], str]] = [
        ("POST", "/api/observations", {**obs, "moderation": "publiee"}, "participant_a"),
        ("POST", "/api/observations", {**obs, "followup": "resolu"}, "participant_a"),
        (
            "POST",
            "/api/observations",
            {**obs, "author_user_id": str(uuid.uuid4())},
            "participant_a",
        ),
        (
            "POST",
            "/api/observations",
            {**obs, "participant_id": str(uuid.uuid4())},
            "participant_a",
        ),
        ("POST", "/api/observations", {**obs, "demo": True}, "participant_a"),
        ("POST", "/api/walks", {**walk, "status": "bilan"}, "facilitator_a"),
        ("POST", "/api/walks", {**walk, "facilitator_id": str(uuid.uuid4())}, "facilitator_a"),
        ("POST", "/api/walks", {**walk, "invite_code": "AAAA0000"}, "facilitator_a"),
        (
            "POST",
            "/api/walks/join",
            {"invite_code": world.walk_a["invite_code"], "pseudonym": "X", "role": "admin"},
            "anonymous",
        ),
        (
            "POST",
            "/api/walks/join",
            {
                "invite_code": world.walk_a["invite_code"],
                "pseudonym": "X",
                "walk_id": world.walk_b["id"],
            },
            "anonymous",
        ),
        ("PATCH", "/api/users/marc.modo", {"role": "admin"}, "admin"),
        ("PATCH", "/api/users/marc.modo", {"login": "root"}, "admin"),
        ("POST", "/api/users", {"login": "zz", "role": "planner", "disabled_at": None}, "admin"),
        (
            "POST",
            "/api/auth/login",
            {"login": "marc.modo", "password": "x", "role": "admin"},
            "anonymous",
        ),
        (
            "POST",
            f"/api/observations/{world.obs_a}/transitions",
            {"action": "ouvrir", "to_state": "resolu"},
            "planner_in",
        ),
        (
            "POST",
            "/api/actions",
            {"title": "A", "owner_org": "B", "status": "realisee"},
            "planner_in",
        ),
        (
            "PATCH",
            f"/api/exhibitions/showings/{world.showing}",
            {"recorded_by": str(uuid.uuid4())},
            "facilitator_b",
        ),
        (
            "PUT",
            "/api/routing-rules",
            {"category": "proprete", "body": "X", "updated_by": str(uuid.uuid4())},
            "planner_in",
        ),
    ]
    before = {
        t: _count(world, f"SELECT count(*) FROM {t}")
        for t in ("observations", "walks", "participants", "users", "actions", "tokens")
    }
    states = world.conn.execute(
        "SELECT moderation, followup FROM observations WHERE id = %s", (world.obs_a,)
    ).fetchone()
    for method, url, body, who in attempts:
        resp = c.request(method, url, json=body, headers=world.h(who))
        assert resp.status_code == 422, (method, url, body, resp.text)
        assert "champ inconnu" in resp.text
    after = {t: _count(world, f"SELECT count(*) FROM {t}") for t in before}
    assert after == before
    assert (
        world.conn.execute(
            "SELECT moderation, followup FROM observations WHERE id = %s", (world.obs_a,)
        ).fetchone()
        == states
    )
    role = world.conn.execute("SELECT role FROM users WHERE login = 'marc.modo'").fetchone()
    assert role == ("moderator",)


def test_query_parameters_do_not_assign_either(world: World) -> None:
    resp = world.client.get("/api/me?role=admin", headers=world.h("participant_a"))
    assert resp.json()["role"] == "participant"
    resp = world.client.get(
        f"/api/walks/{world.walk_b['id']}?walk_id={world.walk_a['id']}",
        headers=world.h("participant_a"),
    )
    assert resp.status_code == 404
