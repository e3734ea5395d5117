"""Every back-office page (each GET route under /equipe of the access table) checked with
axe-core in Chromium, signed in as an admin, with data on the pages: 0 serious or critical
violations."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import access
from tests.browser import LiveServer, run_axe
from tests.equipe.helpers import PASSWORD, make_staff
from tests.equipe.seed import walk_with_observations


@pytest.mark.browser
def test_every_back_office_page_is_axe_clean(
    browser: Any,
    live_server: LiveServer,
    client: TestClient,
    conn: Any,
    admin_headers: dict[str, str],
) -> None:
    ids = walk_with_observations(client, admin_headers, 2)
    walk_id = conn.execute("SELECT id::text FROM walks").fetchone()[0]
    make_staff(client, admin_headers, "ad.min", "admin")
    values = {"walk_id": walk_id, "obs_id": ids[0], "actor_id": str(uuid.uuid4())}
    pages = []
    for method, path in sorted(access.RULES):
        if method != "GET" or not path.startswith("/equipe"):
            continue
        if "{actor_id}" in path or "{proposal_id}" in path:
            continue  # no actor in this database; the directory pages are swept in tests/actors
        for name, value in values.items():
            path = path.replace("{" + name + "}", value)
        pages.append(path)
    assert len(pages) >= 12
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/connexion?next=/equipe")
    page.get_by_label("Identifiant").fill("ad.min")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/equipe")
    failures = {}
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        found = run_axe(page)
        if found:
            failures[path] = [(v["id"], v["help"]) for v in found]
    context.close()
    assert failures == {}
