"""Staff accounts with a password, signed in with the browser form (session cookie)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "Marche-de-nuit-2026!"
ORIGIN = "http://testserver"
"""The origin TestClient's requests come from (its base URL)."""


def make_staff(
    client: TestClient, admin_headers: dict[str, str], login: str, role: str, **scope: list[str]
) -> None:
    body = {"login": login, "role": role, "password": PASSWORD, **scope}
    resp = client.post("/api/users", json=body, headers=admin_headers)
    assert resp.status_code == 201, resp.text


def sign_in(client: TestClient, login: str) -> None:
    client.cookies.clear()
    resp = client.post(
        "/connexion", data={"login": login, "password": PASSWORD}, follow_redirects=False
    )
    assert resp.status_code == 303, resp.text


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def post_form(
    client: TestClient, path: str, data: Mapping[str, str | list[str]], page: str | None = None
) -> Any:
    """Post like the browser does from a page of this site: Origin, Sec-Fetch-Site, token."""
    token = csrf_of(client.get(page or path).text)
    return client.post(
        path,
        data={**data, "csrf_token": token},
        headers={"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
