"""Staff sign-in for browsers: the session cookie opens staff pages on GET only."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.csrf import SESSION_COOKIE
from api.pages.session import safe_next
from tests.browser import save_screenshot

PASSWORD = "Marche-de-nuit-2026!"


def _planner(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert (
        client.post(
            "/api/users", json={"login": "urba.nantes", "role": "planner"}, headers=admin_headers
        ).status_code
        == 201
    )
    resp = client.put(
        "/api/users/urba.nantes/password", json={"password": PASSWORD}, headers=admin_headers
    )
    assert resp.status_code in (200, 204), resp.text


def test_login_sets_a_strict_httponly_cookie_that_opens_staff_pages(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    _planner(client, admin_headers)
    page = client.get("/cartes/securite", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/connexion?next=%2Fcartes%2Fsecurite"
    bad = client.post(
        "/connexion",
        data={"login": "urba.nantes", "password": "faux", "next": "/cartes/securite"},
        follow_redirects=False,
    )
    assert bad.status_code == 401
    assert "incorrect" in bad.text
    assert SESSION_COOKIE not in bad.headers.get("set-cookie", "")
    ok = client.post(
        "/connexion",
        data={"login": "urba.nantes", "password": PASSWORD, "next": "/cartes/securite"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert ok.headers["location"] == "/cartes/securite"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/cartes/securite").status_code == 200
    assert client.get("/api/me").json()["login"] == "urba.nantes"


def test_cookie_never_authorises_a_write(client: TestClient, admin_headers: dict[str, str]) -> None:
    _planner(client, admin_headers)
    client.post("/connexion", data={"login": "urba.nantes", "password": PASSWORD})
    assert client.cookies.get(SESSION_COOKIE)
    resp = client.post("/api/walks", json={"title": "t", "date": "2026-11-01", "time_slot": "nuit"})
    assert resp.status_code == 401  # a forged cross-site form would get nothing


def test_logout_revokes_the_session(client: TestClient, admin_headers: dict[str, str]) -> None:
    _planner(client, admin_headers)
    client.post("/connexion", data={"login": "urba.nantes", "password": PASSWORD})
    token = client.cookies.get(SESSION_COOKIE)
    assert client.post("/deconnexion", follow_redirects=False).status_code == 303
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/cartes/securite?qpv=QP044005", "/cartes/securite?qpv=QP044005"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
    ],
)
def test_no_open_redirect(target: str, expected: str) -> None:
    assert safe_next(target) == expected


@pytest.mark.browser
def test_planner_signs_in_with_a_browser(
    page: Any, client: TestClient, admin_headers: dict[str, str]
) -> None:
    _planner(client, admin_headers)
    page.goto(page.base_url + "/cartes/securite")
    assert "/connexion" in page.url
    page.get_by_label("Identifiant").fill("urba.nantes")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/cartes/securite")
    page.wait_for_function("() => typeof L !== 'undefined'")
    assert page.log.errors == []
    save_screenshot(page, "staff-login-safety-map")


def _login_cookie(client: TestClient, admin_headers: dict[str, str], **headers: str) -> str:
    if client.get("/api/users", headers=admin_headers).text.count('"urba.nantes"') == 0:
        _planner(client, admin_headers)
    ok = client.post(
        "/connexion",
        data={"login": "urba.nantes", "password": PASSWORD, "next": "/"},
        headers=headers,
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    return str(ok.headers["set-cookie"]).lower()


def test_https_deployment_marks_the_cookie_secure_and_sends_hsts(
    settings: Any, admin_headers: dict[str, str]
) -> None:
    from api.main import create_app

    with TestClient(create_app(settings.with_(secure_cookies=True))) as client:
        assert "secure" in _login_cookie(client, admin_headers).split("; ")
        hsts = client.get("/health").headers["strict-transport-security"]
        assert hsts.startswith("max-age=31536000")


def test_forwarded_proto_is_believed_from_trusted_proxies_only(
    settings: Any, admin_headers: dict[str, str]
) -> None:
    from api.main import create_app

    https = {"X-Forwarded-Proto": "https"}
    with TestClient(create_app(settings)) as client:  # tests: no proxy trusted, plain HTTP
        assert "secure" not in _login_cookie(client, admin_headers, **https).split("; ")
        assert "strict-transport-security" not in client.get("/health").headers
    trusted = settings.with_(trusted_proxies=("testclient",))  # the test client's peer
    with TestClient(create_app(trusted)) as client:
        assert "secure" in _login_cookie(client, admin_headers, **https).split("; ")
