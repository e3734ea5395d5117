"""Logs and error bodies carry no personal data: no coordinates, comments, tokens or e-mail
addresses, no stack trace in a response (OWASP API8)."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import access
from api.logsafe import scrub
from tests.security.conftest import MALAKOFF, World, point
from tests.surveys.conftest import walk_obs

SECRET_COMMENT = "Mon voisin Karim m'a suivie jusqu'au hall, écrivez-moi à aicha.b@exemple.fr"


def test_scrub_removes_what_must_not_be_logged() -> None:
    text = (
        "token cg_AbCdEf0123456789xyz Bearer abc.def for aicha@exemple.fr at -1.553612, "
        "47.217301 DETAIL: Failing row contains (secret)"
    )
    out = scrub(text)
    for leaked in ("cg_AbCdEf", "abc.def", "aicha@", "553612", "217301", "secret"):
        assert leaked not in out, leaked


def test_logs_stay_clean_during_normal_and_hostile_requests(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = world.client
    app: Any = c.app

    @app.get("/api/boom")
    def boom() -> None:  # a bug whose message quotes submitted data
        raise ValueError(f"{SECRET_COMMENT} at {point(world.conn, MALAKOFF)} with cg_secret123456")

    monkeypatch.setitem(access.RULES, ("GET", "/api/boom"), access.PUBLIC)
    caplog.set_level(logging.DEBUG)
    token = world.h("participant_a")
    lon, lat = point(world.conn, MALAKOFF, 11, 11)
    body = walk_obs(world.walk_a["id"], lon, lat, comment=SECRET_COMMENT, proposal=SECRET_COMMENT)
    assert c.post("/api/observations", json=body, headers=token).status_code == 201
    assert (
        c.get(f"/api/observations?walk_id={world.walk_a['id']}", headers=token).status_code == 200
    )
    hostile = [
        c.post("/api/observations", content=b'{"id": NaN}', headers=token),
        c.post("/api/observations", json={**body, "id": "' OR 1=1 --"}, headers=token),
        c.get(f"/api/qpv/lookup?lon={lon}&lat=NaN"),
        c.get("/api/me", headers={"Authorization": "Bearer cg_stolen-token-0123456789"}),
        c.post("/api/auth/login", json={"login": "aicha.b@exemple.fr", "password": "x"}),
        TestClient(app, raise_server_exceptions=False).get("/api/boom"),
    ]
    assert [r.status_code for r in hostile] == [422, 422, 422, 401, 401, 500]
    crash = hostile[-1]
    assert crash.json() == {"detail": "erreur interne du serveur"}
    assert "Traceback" not in crash.text and "Karim" not in crash.text
    logged = "\n".join(
        [r.getMessage() + "\n" + (r.exc_text or "") for r in caplog.records] + [caplog.text]
    )
    assert "boom" in logged and "ValueError" in logged  # the bug is still findable
    for secret in (
        "Karim",
        "aicha.b@",
        "exemple.fr",
        "cg_secret",
        "cg_stolen",
        token["Authorization"][7:],
        str(lon),
        str(lat),
        f"{lon:.4f}",
    ):
        assert secret not in logged, secret
    assert not re.search(r"\d{1,3}\.\d{4,}", logged), re.findall(r"\d{1,3}\.\d{4,}", logged)


def test_error_bodies_hold_no_stack_trace_or_other_peoples_data(world: World) -> None:
    c = world.client
    for resp in (
        c.get(f"/api/observations/{world.obs_b}", headers=world.h("participant_a")),
        c.get("/api/observations/pas-un-uuid", headers=world.h("participant_a")),
        c.post("/api/walks", json={"title": 5}, headers=world.h("facilitator_a")),
        c.get("/api/inconnu"),
    ):
        assert resp.status_code in (404, 422)
        assert set(resp.json()) <= {"detail", "errors"}
        for leaked in ("Traceback", 'File "', "psycopg", "Inès", "SELECT"):
            assert leaked not in resp.text
