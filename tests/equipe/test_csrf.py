"""Browser writes: the session cookie authorises a back-office form only from this site and
with the session's CSRF token; anything else is 403 and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import access
from api.csrf import token_for
from tests.equipe.helpers import ORIGIN, csrf_of, make_staff, sign_in

WALK = {"title": "Marche test", "date": "2026-11-20", "time_slot": "nuit", "stops": ""}


def walks(conn: Any) -> int:
    return int(conn.execute("SELECT count(*) FROM walks").fetchone()[0])


def test_the_token_is_per_session_and_not_the_session() -> None:
    a, b = token_for("cg_session_a"), token_for("cg_session_b")
    assert a != b and a == token_for("cg_session_a")
    assert "cg_session_a" not in a and len(a) >= 40


def test_every_back_office_write_is_a_form_route() -> None:
    forms = {key for key, rule in access.RULES.items() if rule.form}
    posts = {key for key in access.RULES if key[1].startswith("/equipe") and key[0] == "POST"}
    assert forms == posts and len(forms) >= 6


@pytest.mark.parametrize(
    ("headers", "with_token"),
    [
        ({}, True),  # no Origin at all
        ({"Origin": "http://evil.example"}, True),
        ({"Origin": "null"}, True),
        ({"Origin": ORIGIN, "Sec-Fetch-Site": "cross-site"}, True),
        ({"Origin": ORIGIN, "Sec-Fetch-Site": "same-site"}, True),
        ({"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}, False),  # no token
    ],
)
def test_a_cookie_write_without_origin_or_token_is_refused(
    client: TestClient,
    conn: Any,
    admin_headers: dict[str, str],
    headers: dict[str, str],
    with_token: bool,
) -> None:
    make_staff(client, admin_headers, "claire.anim", "facilitator")
    sign_in(client, "claire.anim")
    token = csrf_of(client.get("/equipe/marches/nouvelle").text)
    data = {**WALK, **({"csrf_token": token} if with_token else {})}
    before = walks(conn)
    resp = client.post(
        "/equipe/marches/nouvelle", data=data, headers=headers, follow_redirects=False
    )
    assert resp.status_code == 403, resp.text
    assert walks(conn) == before


def test_a_wrong_token_is_refused_and_the_right_one_writes(
    client: TestClient, conn: Any, admin_headers: dict[str, str]
) -> None:
    make_staff(client, admin_headers, "claire.anim", "facilitator")
    make_staff(client, admin_headers, "samir.anim", "facilitator")
    sign_in(client, "samir.anim")
    other = csrf_of(client.get("/equipe/marches/nouvelle").text)  # another session's token
    sign_in(client, "claire.anim")
    same = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}
    bad = client.post(
        "/equipe/marches/nouvelle",
        data={**WALK, "csrf_token": other},
        headers=same,
        follow_redirects=False,
    )
    assert bad.status_code == 403 and walks(conn) == 0
    token = csrf_of(client.get("/equipe/marches/nouvelle").text)
    ok = client.post(
        "/equipe/marches/nouvelle",
        data={**WALK, "csrf_token": token},
        headers=same,
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    assert walks(conn) == 1
    assert "fait=marche_creee" in ok.headers["location"]


def test_the_api_still_refuses_cookie_writes(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    make_staff(client, admin_headers, "claire.anim", "facilitator")
    sign_in(client, "claire.anim")
    resp = client.post(
        "/api/walks",
        json={"title": "t", "date": "2026-11-01", "time_slot": "nuit"},
        headers={"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"},
    )
    assert resp.status_code == 401
