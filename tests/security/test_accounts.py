"""Staff sessions (OWASP API2): argon2 passwords, expiring tokens stored hashed, logout revokes,
reset revokes, disabled accounts stop at once, participant tokens expire after the walk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.security.conftest import PASSWORD, World
from tests.surveys.conftest import bearer


def test_login_logout_and_hashes(world: World) -> None:
    c = world.client
    resp = c.post("/api/auth/login", json={"login": "lea.urba", "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    session = resp.json()
    assert session["role"] == "planner" and session["login"] == "lea.urba"
    expires = datetime.fromisoformat(session["expires_at"])
    assert timedelta(hours=11) < expires - datetime.now(UTC) <= timedelta(hours=12)
    token = bearer(session["token"])
    assert c.get("/api/me", headers=token).json()["login"] == "lea.urba"
    stored = world.conn.execute(
        "SELECT password_hash FROM users WHERE login = 'lea.urba'"
    ).fetchone()
    assert stored is not None and stored[0].startswith("$argon2id$")
    assert PASSWORD not in stored[0]
    raw = session["token"].encode()
    assert all(raw not in bytes(r[0]) for r in world.conn.execute("SELECT token_hash FROM tokens"))
    assert c.post("/api/auth/logout", headers=token).status_code == 204
    assert c.get("/api/me", headers=token).status_code == 401
    # the audit knows who logged in, not with what
    lea = world.conn.execute("SELECT id::text FROM users WHERE login = 'lea.urba'").fetchone()
    rows = world.conn.execute(
        "SELECT action, object_id FROM audit_log WHERE action = 'login'"
    ).fetchall()
    assert lea is not None and ("login", lea[0]) in rows


def test_wrong_password_unknown_login_and_disabled_look_the_same(world: World) -> None:
    c = world.client
    answers = [
        c.post("/api/auth/login", json={"login": "lea.urba", "password": "mauvais mot de passe"}),
        c.post("/api/auth/login", json={"login": "personne", "password": PASSWORD}),
        c.post("/api/auth/login", json={"login": "lea.urba", "password": "x" * 256}),
    ]
    assert (
        c.patch(
            "/api/users/marc.modo", json={"disabled": True}, headers=world.h("admin")
        ).status_code
        == 200
    )
    answers.append(c.post("/api/auth/login", json={"login": "marc.modo", "password": PASSWORD}))
    assert {a.status_code for a in answers} == {401}
    assert {a.json()["detail"] for a in answers} == {"identifiant ou mot de passe incorrect"}
    # disabling revoked the moderator's existing token at once
    assert c.get("/api/me", headers=world.h("moderator")).status_code == 401
    failed = world.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'login_failed'"
    ).fetchone()
    assert failed == (4,)


def test_password_rules_reset_and_change(world: World) -> None:
    c, admin = world.client, world.h("admin")
    for bad in ("court", "lea.urba-2026-secret", "aaaaaaaaaaaaaaaa"):
        resp = c.put("/api/users/lea.urba/password", json={"password": bad}, headers=admin)
        assert resp.status_code == 422, bad
    session = world.login("planner_in")
    new = "Un autre mot de passe, bien long"
    assert (
        c.put("/api/users/lea.urba/password", json={"password": new}, headers=admin).status_code
        == 204
    )
    assert c.get("/api/me", headers=session).status_code == 401  # reset revokes sessions
    assert (
        c.post("/api/auth/login", json={"login": "lea.urba", "password": PASSWORD}).status_code
        == 401
    )
    mine = bearer(
        c.post("/api/auth/login", json={"login": "lea.urba", "password": new}).json()["token"]
    )
    other = bearer(
        c.post("/api/auth/login", json={"login": "lea.urba", "password": new}).json()["token"]
    )
    wrong = c.post(
        "/api/auth/password",
        json={"current_password": "pas le bon", "new_password": PASSWORD},
        headers=mine,
    )
    assert wrong.status_code == 403
    ok = c.post(
        "/api/auth/password", json={"current_password": new, "new_password": PASSWORD}, headers=mine
    )
    assert ok.status_code == 204
    assert c.get("/api/me", headers=mine).status_code == 200
    assert c.get("/api/me", headers=other).status_code == 401


def test_expired_tokens_are_refused(world: World) -> None:
    c = world.client
    joined = c.post(
        "/api/walks/join",
        json={"invite_code": world.walk_a["invite_code"], "pseudonym": "Lou"},
    ).json()
    expires = datetime.fromisoformat(joined["expires_at"])
    assert timedelta(days=170) < expires - datetime.now(UTC) < timedelta(days=190)
    token = bearer(joined["token"])
    assert c.get("/api/me", headers=token).status_code == 200
    world.conn.execute(
        "UPDATE tokens SET expires_at = now() - interval '1 second' WHERE role = 'participant'"
    )
    world.conn.execute(
        "UPDATE tokens SET expires_at = now() - interval '1 second' "
        "WHERE user_id = (SELECT id FROM users WHERE login = 'lea.urba')"
    )
    assert c.get("/api/me", headers=token).status_code == 401
    assert c.get("/api/me", headers=world.h("participant_a")).status_code == 401
    assert c.get("/api/me", headers=world.h("planner_in")).status_code == 401
    assert c.get("/api/me", headers=world.h("admin")).status_code == 200  # bootstrap token


def test_bad_authorization_headers(world: World) -> None:
    c = world.client
    for header in ("Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer " + "x" * 5000, "cg_abc"):
        resp = c.get("/api/me", headers={"Authorization": header})
        assert resp.status_code == 401, header
        assert resp.headers["www-authenticate"] == "Bearer"
