"""Responsible bodies receive and answer reports: a body account (role ``body``) gets the
report handed to it by e-mail (a real SMTP server listening in the test), fetches it through
Open311 GeoReport v2 with its key — placed at its 100 m cell, not at the exact point — and
answers; the answer moves the follow-up and reaches the walker's suivi. It sees nothing else."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from app.settings import Settings
from tests.smtp import SmtpInbox
from tests.surveys.conftest import Staff, bearer, join, walk_obs

BODY = "Ville de Nantes — éclairage"


@pytest.fixture
def mail_client(settings: Settings, inbox: SmtpInbox) -> Iterator[TestClient]:
    port = inbox.server_address[1]
    configured = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=port)
    with TestClient(create_app(configured)) as c:
        yield c


def test_routed_report_round_trip(
    mail_client: TestClient,
    inbox: SmtpInbox,
    conn: Any,
    admin_headers: dict[str, str],
    staff: Staff,
    walk: dict[str, Any],
) -> None:
    client = mail_client
    made = client.post(
        "/api/users",
        json={
            "login": "eclairage.nantes",
            "role": "body",
            "organisation": BODY,
            "email": "eclairage@example.org",
        },
        headers=admin_headers,
    )
    assert made.status_code == 201, made.text
    key = made.json()["token"]
    other = client.post(
        "/api/users",
        json={"login": "bailleur", "role": "body", "organisation": "Bailleur Atlantique"},
        headers=admin_headers,
    )
    assert other.status_code == 201
    walker = join(client, walk, "Awa")
    lon, lat = walk["stops"][0]["location"]["coordinates"]
    exact = (round(lon + 0.0003, 6), round(lat + 0.0002, 6))
    mine = walk_obs(walk["id"], *exact, comment="Lampadaire éteint sous la passerelle")
    assert client.post("/api/observations", json=mine, headers=walker).status_code == 201
    elsewhere = walk_obs(walk["id"], lon, lat, comment="Porte de hall cassée")
    assert client.post("/api/observations", json=elsewhere, headers=walker).status_code == 201
    for obs, body in ((mine, BODY), (elsewhere, "Bailleur Atlantique")):
        for action, extra in (("ouvrir", {}), ("transmettre", {"responsible_body": body})):
            step = client.post(
                f"/api/observations/{obs['id']}/transitions",
                json={"action": action, **extra},
                headers=staff.planner,
            )
            assert step.status_code == 201, step.text

    # the e-mail reached the body (and only the body that has an address)
    assert len(inbox.messages) == 1
    mail = message_from_bytes(inbox.messages[0], policy=policy.default)
    assert mail["To"] == "eclairage@example.org"
    assert "Signalement transmis" in str(mail["Subject"])
    text = mail.get_content()
    assert mine["id"] in text and "Lampadaire éteint" in text and "Awa" not in text
    sent = conn.execute("SELECT channel, recipient, error FROM report_deliveries").fetchall()
    assert sent == [("email", "eclairage@example.org", None)]

    # Open311: services are public; requests need the key and show only this body's report
    services = client.get("/open311/v2/services.json").json()
    assert {"service_code", "service_name", "type"} <= set(services[0])
    assert client.get("/open311/v2/requests.json").status_code == 401
    listed = client.get(f"/open311/v2/requests.json?api_key={key}")
    assert listed.status_code == 200
    [request] = listed.json()
    assert request["service_request_id"] == mine["id"]
    assert request["agency_responsible"] == BODY and request["status"] == "open"
    assert (round(request["long"], 6), round(request["lat"], 6)) != exact  # the cell centre
    assert abs(request["long"] - exact[0]) < 0.002 and abs(request["lat"] - exact[1]) < 0.002
    assert f"{request['lat']:.5f}, {request['long']:.5f}" in text  # the e-mail: the same rule
    assert f"{exact[1]:.5f}, {exact[0]:.5f}" not in text
    assert (
        client.get(f"/open311/v2/requests/{elsewhere['id']}.json?api_key={key}").status_code == 404
    )

    # the body answers: in progress, then closed with a note
    url = f"/open311/v2/requests/{mine['id']}.json?api_key={key}"
    assert client.post(url, data={"status": "in_progress"}).json()[0]["status"] == "open"
    closed = client.post(url, data={"status": "closed", "status_notes": "Lampe changée"})
    assert closed.status_code == 200 and closed.json()[0]["status"] == "closed"
    assert client.post(url, data={"status": "reopened"}).status_code == 422
    row = conn.execute(
        "SELECT o.followup, u.login, t.comment FROM observations o "
        "JOIN observation_transitions t ON t.observation_id = o.id AND t.to_state = 'resolu' "
        "JOIN users u ON u.id = t.actor_user_id WHERE o.id = %s",
        (mine["id"],),
    ).fetchone()
    assert row == ("resolu", "eclairage.nantes", "Lampe changée")
    suivi = client.get("/api/me/suivi", headers=walker).json()
    states = {o["body"]: o["followup"] for o in suivi["observations"]}
    assert states[BODY] == "Résolu"

    # a body's key opens nothing else
    as_body = bearer(key)
    assert client.get("/api/walks", headers=as_body).json() == []
    assert client.get(f"/api/observations/{elsewhere['id']}", headers=as_body).status_code == 404
    assert client.get("/equipe", headers=as_body).status_code == 403
    assert client.post(
        f"/api/observations/{elsewhere['id']}/transitions",
        json={"action": "resoudre"},
        headers=as_body,
    ).status_code in (403, 404)


def test_a_body_needs_its_name(client: TestClient, admin_headers: dict[str, str]) -> None:
    made = client.post(
        "/api/users", json={"login": "sans.nom", "role": "body"}, headers=admin_headers
    )
    assert made.status_code == 422 and "organisation" in made.text


def test_staff_are_not_bodies(client: TestClient, staff: Staff) -> None:
    assert client.get("/open311/v2/requests.json", headers=staff.planner).status_code == 403


def test_a_team_member_files_a_report_through_open311(
    client: TestClient, conn: Any, staff: Staff, point_in: Any
) -> None:
    lon, lat = point_in("QP044013")
    token = staff.planner["Authorization"].split(" ", 1)[1]
    url = f"/open311/v2/requests.json?api_key={token}"
    form = {
        "service_code": "depot_sauvage",
        "lat": str(lat),
        "long": str(lon),
        "description": "Encombrants devant le hall",
        "service_request_id": str(uuid.uuid4()),
    }
    made = client.post(url, data=form)
    assert made.status_code == 201, made.text
    [created] = made.json()
    assert created["service_request_id"] == form["service_request_id"]
    again = client.post(url, data=form)  # a retry: the same request, not a second one
    assert again.status_code == 200
    row = conn.execute(
        "SELECT kind, category, followup FROM observation_current WHERE id = %s",
        (form["service_request_id"],),
    ).fetchone()
    assert row == ("gusp", "depot_sauvage", "nouveau")
    bad = client.post(
        url, data={**form, "service_request_id": str(uuid.uuid4()), "service_code": "inconnu"}
    )
    assert bad.status_code == 422
    swapped = client.post(
        url,
        data={**form, "service_request_id": str(uuid.uuid4()), "lat": str(lon), "long": str(lat)},
    )
    assert swapped.status_code == 422
    assert client.post("/open311/v2/requests.json", data=form).status_code == 401
