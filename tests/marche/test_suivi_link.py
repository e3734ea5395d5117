"""On the phone, a walker gets her « suivi » link from the walk's page and, once the team has
routed her observation, planned an action and presented the restitution, reads it there."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.browser import readme_screen, run_axe
from tests.marche.steps import capture, join, wait_synced
from tests.surveys.conftest import Staff


@pytest.mark.browser
def test_walker_gets_and_opens_her_suivi_link(
    phone: Any, walk: dict[str, Any], client: TestClient, staff: Staff, conn: Any
) -> None:
    join(phone, walk["invite_code"], "Mina")
    capture(phone, comment="Passage très sombre sous la passerelle")
    wait_synced(phone, 1)
    phone.get_by_role("button", name="Obtenir mon lien de suivi").tap()
    link = phone.locator("#suivi-url")
    expect(link).to_be_visible()
    url = link.get_attribute("href")
    assert url is not None and "/suivi/cg_" in url

    obs_id = str(conn.execute("SELECT id FROM observations").fetchone()[0])
    for action, extra in (("ouvrir", {}), ("transmettre", {"responsible_body": "Ville de Nantes"})):
        step = client.post(
            f"/api/observations/{obs_id}/transitions",
            json={"action": action, **extra},
            headers=staff.planner,
        )
        assert step.status_code == 201, step.text
    planned = client.post(
        "/api/actions",
        json={
            "title": "Éclairer la passerelle",
            "owner_org": "Nantes Métropole",
            "due_date": "2027-03-31",
            "observation_ids": [obs_id],
        },
        headers=staff.planner,
    )
    assert planned.status_code == 201, planned.text
    for action in ("realiser", "restituer"):
        moved = client.post(
            f"/api/walks/{walk['id']}/transitions",
            json={"action": action},
            headers=staff.facilitator,
        )
        assert moved.status_code == 200, moved.text
    conn.execute(
        "UPDATE walks SET restitution_text = %s WHERE id = %s",
        ("Le groupe a présenté ses constats aux élues du quartier le 1er décembre.", walk["id"]),
    )

    phone.goto(url)
    expect(
        phone.get_by_role("heading", name="Ce que sont devenues mes observations")
    ).to_be_visible()
    expect(phone.locator("body")).to_contain_text("« Mina »")
    expect(phone.locator("body")).to_contain_text("présenté ses constats")
    expect(phone.get_by_role("listitem").filter(has_text="Éclairer la passerelle")).to_contain_text(
        "échéance : 31/03/2027"
    )
    readme_screen(phone, "suivi", (390, 844))
    assert run_axe(phone) == []
    assert phone.log.errors == [] and phone.log.external == []
