"""GUSP managers in the back office: triage a report, hand it to the responsible body, plan an
action with an owner and a due date; the plan lists overdue actions first, per QPV."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.equipe.helpers import make_staff, post_form, sign_in
from tests.surveys.conftest import gusp_obs, point_in  # noqa: F401  (fixture)

BELLEVUE = "QP044005"


def test_triage_route_and_plan(
    client: TestClient,
    conn: Any,
    admin_headers: dict[str, str],
    point_in: Any,  # noqa: F811
) -> None:
    made = client.post(
        "/api/users", json={"login": "gusp.agent", "role": "planner"}, headers=admin_headers
    )
    agent = {"Authorization": f"Bearer {made.json()['token']}"}
    obs = gusp_obs(*point_in(BELLEVUE), comment="Encombrants devant le n° 12")
    assert client.post("/api/observations", json=obs, headers=agent).status_code == 201
    make_staff(client, admin_headers, "urba.nantes", "planner")
    sign_in(client, "urba.nantes")

    listing = client.get(f"/equipe/signalements?qpv={BELLEVUE}").text
    assert "Encombrants devant le n° 12" in listing and "Nouveau" in listing
    page = f"/equipe/signalements/{obs['id']}"
    assert "Prendre en compte" in client.get(page).text
    step = post_form(client, f"{page}/suivi", {"action": "prendre_en_compte"}, page=page)
    assert step.status_code == 303
    refused = post_form(client, f"{page}/suivi", {"action": "rejeter"}, page=page)
    assert refused.status_code == 409 and "commentaire (motif) est obligatoire" in refused.text
    sent = post_form(
        client,
        f"{page}/suivi",
        {"action": "transmettre", "responsible_body": "Nantes Métropole — propreté"},
        page=page,
    )
    assert sent.status_code == 303
    detail = client.get(page).text
    assert "Transmis à l&#39;organisme responsable" in detail
    assert "Nantes Métropole — propreté" in detail
    assert conn.execute(
        "SELECT followup, responsible_body FROM observations WHERE id = %s", (obs["id"],)
    ).fetchone() == ("transmis", "Nantes Métropole — propreté")

    bad = post_form(
        client,
        f"{page}/action",
        {"title": "Enlever les encombrants", "owner_org": "", "due_date": "2027-01-15"},
        page=page,
    )
    assert bad.status_code == 422 and 'value="Enlever les encombrants"' in bad.text
    late = (date.today() - timedelta(days=3)).isoformat()
    later = (date.today() + timedelta(days=30)).isoformat()
    for title, due in (("Poser une benne", later), ("Enlever les encombrants", late)):
        ok = post_form(
            client,
            f"{page}/action",
            {"title": title, "owner_org": "Bailleur Atlantique", "due_date": due},
            page=page,
        )
        assert ok.status_code == 303, ok.text
    plan = client.get(f"/equipe/actions?qpv={BELLEVUE}").text
    assert plan.index("Enlever les encombrants") < plan.index("Poser une benne")  # overdue first
    assert "(en retard)" in plan
    action_id = conn.execute(
        "SELECT id::text FROM actions WHERE title = 'Enlever les encombrants'"
    ).fetchone()[0]
    valid = post_form(
        client,
        f"/equipe/actions/{action_id}/etat",
        {"action": "valider", "retour": f"/equipe/actions?qpv={BELLEVUE}"},
        page="/equipe/actions",
    )
    assert valid.status_code == 303 and f"qpv={BELLEVUE}" in valid.headers["location"]
    assert conn.execute("SELECT status FROM actions WHERE id = %s", (action_id,)).fetchone() == (
        "validee",
    )
    assert "Validée" in client.get(page).text  # the report lists its actions and their state


def test_routing_rules_page_within_the_planners_territory(
    client: TestClient,
    conn: Any,
    admin_headers: dict[str, str],
    point_in: Any,  # noqa: F811
) -> None:
    made = client.post(
        "/api/users", json={"login": "gusp.agent", "role": "planner"}, headers=admin_headers
    )
    agent = {"Authorization": f"Bearer {made.json()['token']}"}
    lon, lat = point_in(BELLEVUE)
    obs = gusp_obs(lon, lat, category="eclairage_panne")
    assert client.post("/api/observations", json=obs, headers=agent).status_code == 201
    make_staff(client, admin_headers, "urba.bellevue", "planner", scope_qpv=[BELLEVUE])
    sign_in(client, "urba.bellevue")
    page = "/equipe/orientation"
    other = post_form(
        client, page, {"category": "eclairage_panne", "qpv": "QP044013", "body": "Régie"}
    )
    assert other.status_code == 422 and 'id="f-qpv-erreur"' in other.text
    mine = post_form(
        client,
        page,
        {"category": "eclairage_panne", "qpv": BELLEVUE, "body": "Nantes Métropole — éclairage"},
    )
    assert mine.status_code == 303
    assert "Nantes Métropole — éclairage" in client.get(page).text
    report = f"/equipe/signalements/{obs['id']}"
    sent = post_form(client, f"{report}/suivi", {"action": "transmettre"}, page=report)
    assert sent.status_code == 303  # no body named: the rule of the category and QPV applies
    assert conn.execute(
        "SELECT responsible_body FROM observations WHERE id = %s", (obs["id"],)
    ).fetchone() == ("Nantes Métropole — éclairage",)
