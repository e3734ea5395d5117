from __future__ import annotations

from fastapi.testclient import TestClient


def test_admin_creates_staff_whose_token_works(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    resp = client.post(
        "/api/users",
        json={"login": "claire.p", "role": "facilitator", "organisation": "Ville de Nantes"},
        headers=admin_headers,
    )
    assert resp.status_code == 201, resp.text
    token = resp.json()["token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "facilitator"
    assert me["login"] == "claire.p"


def test_tokens_are_stored_hashed(client: TestClient, admin_headers: dict[str, str], conn) -> None:  # type: ignore[no-untyped-def]
    token = client.post(
        "/api/users", json={"login": "p1", "role": "planner"}, headers=admin_headers
    ).json()["token"]
    stored = [bytes(r[0]) for r in conn.execute("SELECT token_hash FROM tokens")]
    assert stored and all(token.encode() not in s for s in stored)
    assert all(len(s) == 32 for s in stored)


def test_duplicate_login_is_409(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = {"login": "dup", "role": "planner"}
    assert client.post("/api/users", json=body, headers=admin_headers).status_code == 201
    resp = client.post("/api/users", json=body, headers=admin_headers)
    assert resp.status_code == 409
    assert "existe déjà" in resp.json()["detail"]


def test_only_admin_creates_users(client: TestClient, admin_headers: dict[str, str]) -> None:
    token = client.post(
        "/api/users", json={"login": "plan", "role": "planner"}, headers=admin_headers
    ).json()["token"]
    resp = client.post(
        "/api/users",
        json={"login": "x2", "role": "admin"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 403
    assert client.post("/api/users", json={"login": "x3", "role": "planner"}).status_code == 401
    bad = client.get("/api/me", headers={"Authorization": "Bearer cg_not-a-real-token"})
    assert bad.status_code == 401


def test_unknown_fields_and_bad_role_are_refused(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    resp = client.post(
        "/api/users",
        json={"login": "x4", "role": "planner", "is_admin": True},
        headers=admin_headers,
    )
    assert resp.status_code == 422
    assert "champ inconnu" in resp.json()["detail"]
    resp = client.post(
        "/api/users", json={"login": "x5", "role": "participant"}, headers=admin_headers
    )
    assert resp.status_code == 422


def test_nan_and_huge_numbers_in_json_are_refused(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    for raw in (
        '{"login": "x6", "role": "planner", "n": NaN}',
        '{"login": 1e400, "role": "planner"}',
    ):
        resp = client.post(
            "/api/users", content=raw, headers={**admin_headers, "content-type": "application/json"}
        )
        assert resp.status_code == 422
        assert "JSON invalide" in resp.json()["detail"]


def test_oversized_body_is_413(client: TestClient, admin_headers: dict[str, str]) -> None:
    big = '{"login": "x7", "role": "planner", "display_name": "' + "a" * (3 * 1024 * 1024) + '"}'
    resp = client.post(
        "/api/users", content=big, headers={**admin_headers, "content-type": "application/json"}
    )
    assert resp.status_code == 413
    assert resp.json()["detail"] == "requête trop volumineuse"


def test_admin_bootstrap_is_idempotent(client: TestClient, conn) -> None:  # type: ignore[no-untyped-def]
    from accounts.service import bootstrap_admin
    from tests.conftest import ADMIN_TOKEN

    assert bootstrap_admin(conn, ADMIN_TOKEN) is False
    rows = conn.execute(
        "SELECT count(*) FROM tokens WHERE label = 'bootstrap-admin' AND revoked_at IS NULL"
    ).fetchone()
    assert rows == (1,)
    assert bootstrap_admin(conn, "cg_another-admin-token-abcdefghijkl") is True
    rows = conn.execute(
        "SELECT count(*) FROM tokens WHERE label = 'bootstrap-admin' AND revoked_at IS NULL"
    ).fetchone()
    assert rows == (1,)
