"""Help at the point of observation: on a phone gone offline, choosing « Harcèlement vécu »
shows at once the emergency and help lines (tel:/sms: links, each with its source) and the
three nearest support actors handling that ground, cached when the walk was joined."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.browser import run_axe
from tests.marche.steps import join, wait_controlled
from tests.surveys.conftest import bearer


def test_the_help_of_a_walk_comes_from_the_grid_and_the_lines_file(
    client: TestClient, walk: dict[str, Any], conn: Any
) -> None:
    joined = client.post(
        "/api/walks/join", json={"invite_code": walk["invite_code"], "pseudonym": "Awa"}
    ).json()
    help_ = client.get(f"/api/walks/{walk['id']}/aide", headers=bearer(joined["token"])).json()
    assert help_["items"]["harcelement_vecu"] == "harcelement_sexuel"
    assert help_["items"]["tags_haineux"] == "origine"
    uris = [line["sms_uri"] or line["tel_uri"] for line in help_["lines"]]
    assert uris[:4] == ["tel:17", "tel:112", "sms:114", "tel:3919"]
    assert "tel:+33240419596" in uris and "tel:3928" in uris  # AlloNantes, 39 28
    assert all(line["source"] and line["source_date"] for line in help_["lines"])
    assert client.get(f"/api/walks/{walk['id']}/aide").status_code == 401


@pytest.mark.browser
def test_harassment_shows_help_offline(phone: Any, walk: dict[str, Any], conn: Any) -> None:
    conn.execute(
        """
        INSERT INTO actor (source, source_id, nom, geom, grounds, telephone, visibility, status)
        SELECT 'test', 'a' || n, 'Lieu d''écoute ' || n,
               ST_SetSRID(ST_MakePoint(-1.58 + n * 0.001, 47.20), 4326),
               ARRAY['harcelement_sexuel'], '+33240000000', 'public', 'active'
        FROM generate_series(1, 4) AS n
        """
    )
    join(phone, walk["invite_code"], "Awa")
    wait_controlled(phone)
    phone.context.set_offline(True)
    phone.get_by_role("link", name="Nouvelle observation").tap()
    phone.get_by_label("Agir ensemble : usages, conflits, harcèlement", exact=True).tap()
    panel = phone.locator("#help-now")
    expect(panel).to_be_hidden()
    phone.get_by_label("Harcèlement vécu", exact=True).tap()
    expect(panel).to_be_visible()
    hrefs = panel.locator("#help-lines a").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))"
    )
    assert hrefs[:4] == ["tel:17", "tel:112", "sms:114", "tel:3919"]
    assert "tel:+33240419596" in hrefs and "tel:3928" in hrefs
    expect(panel).to_contain_text("Source : Service-Public.fr")
    expect(panel.locator("#help-actors li")).to_have_count(3)
    expect(panel.locator("#help-actors")).to_contain_text("Lieu d'écoute")
    assert run_axe(phone) == []
    phone.get_by_label("Harcèlement vécu", exact=True).tap()  # unticked: the panel goes
    expect(panel).to_be_hidden()
    assert phone.log.external == []
