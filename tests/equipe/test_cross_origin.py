"""A page on another origin posts to every back-office form while a staff member is signed in
(real Chromium, a second origin served by the test): every post is refused with 403 and
nothing is written.

The second origin is ``127.0.0.1`` on another port: the same *site* as the app, so Chromium
does send the ``SameSite=Strict`` session cookie — the strongest case; only the origin check
and the CSRF token stand between the forged form and a write.
"""

from __future__ import annotations

import html
import re
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import access
from tests.browser import LiveServer
from tests.conftest import free_port
from tests.equipe.helpers import PASSWORD, make_staff

FORGED_FIELDS = {
    "title": "Marche forgée",
    "date": "2026-12-01",
    "time_slot": "nuit",
    "action": "publier",
    "ids": "00000000-0000-4000-8000-000000000000",
    "login": "pirate.compte",
    "role": "admin",
    "password": "Un-mot-de-passe-solide-2026",
    "disabled": "true",
    "csrf_token": "devine",
}


def forged_page(target: str, paths: list[str]) -> str:
    forms = "".join(
        f'<form id="f{i}" method="post" action="{html.escape(target + p)}">'
        + "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
            for k, v in FORGED_FIELDS.items()
        )
        + f'<button id="b{i}" type="submit">go {i}</button></form>'
        for i, p in enumerate(paths)
    )
    return f"<!doctype html><html><body>{forms}</body></html>"


@pytest.fixture
def other_origin() -> Iterator[dict[str, Any]]:
    """A second web server (another origin) serving whatever page the test puts in it."""
    state: dict[str, Any] = {"page": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = state["page"].encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()


def _counts(conn: Any) -> tuple[int, ...]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM walks), (SELECT count(*) FROM users),"
        " (SELECT count(*) FROM walk_transitions), (SELECT count(*) FROM observation_transitions),"
        " (SELECT count(*) FROM users WHERE disabled_at IS NOT NULL)"
    ).fetchone()
    return tuple(row)


@pytest.mark.browser
def test_forms_posted_from_another_origin_are_refused(
    browser: Any,
    live_server: LiveServer,
    other_origin: dict[str, Any],
    client: TestClient,
    conn: Any,
    admin_headers: dict[str, str],
) -> None:
    make_staff(client, admin_headers, "ad.min", "admin")
    made = client.post(
        "/api/walks",
        json={"title": "Marche réelle", "date": "2026-11-20", "time_slot": "nuit"},
        headers=admin_headers,
    )
    walk_id = made.json()["id"]
    paths = sorted(
        re.sub(
            r"{\w+}",
            lambda m: str(uuid.uuid4()),
            path.replace("{walk_id}", walk_id).replace("{login}", "ad.min"),
        )
        for (method, path), rule in access.RULES.items()
        if rule.form and method == "POST"
    )
    assert len(paths) >= 6
    before = _counts(conn)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/connexion?next=/equipe")
    page.get_by_label("Identifiant").fill("ad.min")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/equipe")
    other_origin["page"] = forged_page(live_server.url, paths)
    statuses = {}
    for i, path in enumerate(paths):
        page.goto(other_origin["url"] + "/piege")
        with page.expect_response(lambda r, p=path: r.url.startswith(live_server.url + p)) as got:
            page.click(f"#b{i}")
        response = got.value
        statuses[path] = response.status
        assert response.request.headers.get("origin") == other_origin["url"]
    context.close()
    assert statuses == dict.fromkeys(paths, 403)
    assert _counts(conn) == before
