"""Walks through HTTP: creation contract, join, scopes, the whole lifecycle end to end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from tests.surveys.conftest import Staff, count_rows, join, walk_obs


def test_create_walk_contract(walk: dict[str, Any]) -> None:
    assert walk["invite_code"] and len(walk["invite_code"].replace("-", "")) == 8
    assert walk["status"] == "preparee" and walk["is_open"] is True
    assert walk["time_slot"] == "nuit" and walk["women_only"] is True
    assert walk["qpv_codes"] == ["QP044013"]
    assert walk["route"]["type"] == "LineString"
    assert [s["position"] for s in walk["stops"]] == [1, 2]
    assert all(s["id"] and s["location"]["type"] == "Point" for s in walk["stops"])
    assert walk["facilitator"] == "claire.anim"
    assert walk["participants_count"] == 0
    assert walk["demo"] is False


def test_join_gives_a_walk_scoped_token(client: TestClient, walk: dict[str, Any]) -> None:
    code = walk["invite_code"].lower().replace("-", " ")  # dictated codes are forgiving
    resp = client.post("/api/walks/join", json={"invite_code": code, "pseudonym": "Nadia"})
    assert resp.status_code == 200, resp.text
    token = resp.json()["token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "participant" and me["walk_id"] == walk["id"]
    seen = client.get(f"/api/walks/{walk['id']}", headers={"Authorization": f"Bearer {token}"})
    assert seen.status_code == 200
    assert seen.json()["invite_code"] is None  # only the walk's managers see it
    assert "participants" not in seen.json()


def test_join_with_unknown_code_or_contact_details_is_refused(
    client: TestClient, walk: dict[str, Any], conn: psycopg.Connection[Any]
) -> None:
    resp = client.post("/api/walks/join", json={"invite_code": "ZZZZ-ZZZZ", "pseudonym": "A"})
    assert resp.status_code == 404
    assert resp.json()["detail"] == "code d'invitation inconnu"
    resp = client.post(
        "/api/walks/join",
        json={"invite_code": walk["invite_code"], "pseudonym": "nadia@example.org"},
    )
    assert resp.status_code == 422
    assert "pseudonyme" in resp.json()["detail"]
    assert count_rows(conn, "participants") == 0


def test_facilitators_only_see_their_walks(
    client: TestClient, walk: dict[str, Any], staff: Staff
) -> None:
    other = client.get(f"/api/walks/{walk['id']}", headers=staff.facilitator2)
    assert other.status_code == 404
    assert client.get("/api/walks", headers=staff.facilitator2).json() == []
    mine = client.get("/api/walks", headers=staff.facilitator).json()
    assert [w["id"] for w in mine] == [walk["id"]]
    assert client.get(f"/api/walks/{walk['id']}", headers=staff.planner).status_code == 200
    refused = client.post(
        "/api/walks",
        json={"title": "x", "date": "2026-05-01", "time_slot": "jour"},
        headers=staff.planner,
    )
    assert refused.status_code == 403
    assert client.post("/api/walks", json={}).status_code == 401


def test_whole_walk_lifecycle_end_to_end(
    client: TestClient,
    walk: dict[str, Any],
    staff: Staff,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    walk_id = walk["id"]
    walker = join(client, walk, "Fatou")
    lon, lat = point_in("QP044013")
    first = walk_obs(walk_id, lon, lat, stop_id=walk["stops"][0]["id"])
    assert client.post("/api/observations", json=first, headers=walker).status_code == 201

    path = f"/api/walks/{walk_id}/transitions"
    # a participant cannot move the lifecycle, nor can another facilitator
    assert client.post(path, json={"action": "realiser"}, headers=walker).status_code == 403
    assert (
        client.post(path, json={"action": "realiser"}, headers=staff.facilitator2).status_code
        == 404
    )
    # skipping a step is refused
    skip = client.post(path, json={"action": "restituer"}, headers=staff.facilitator)
    assert skip.status_code == 409
    assert "transition impossible" in skip.json()["detail"]

    done = client.post(path, json={"action": "realiser"}, headers=staff.facilitator)
    assert done.status_code == 200 and done.json()["status"] == "realisee"
    late = walk_obs(walk_id, lon, lat, comment="saisie après la marche")
    assert client.post("/api/observations", json=late, headers=walker).status_code == 201

    told = client.post(
        path,
        json={"action": "restituer", "comment": "Restitution en mairie de quartier"},
        headers=staff.facilitator,
    )
    assert told.json()["status"] == "restituee" and told.json()["is_open"] is False
    # closed: no new observation, no new participant — but a resend is still a 200
    closed = walk_obs(walk_id, lon, lat)
    assert client.post("/api/observations", json=closed, headers=walker).status_code == 409
    assert client.post("/api/observations", json=first, headers=walker).status_code == 200
    rejoin = client.post(
        "/api/walks/join", json={"invite_code": walk["invite_code"], "pseudonym": "Zoé"}
    )
    assert rejoin.status_code == 409

    review = client.post(path, json={"action": "faire_bilan"}, headers=staff.facilitator)
    assert review.json()["status"] == "bilan"
    again = client.post(path, json={"action": "faire_bilan"}, headers=staff.facilitator)
    assert again.status_code == 409

    final = client.get(f"/api/walks/{walk_id}", headers=staff.facilitator).json()
    assert [h["to"] for h in final["history"]] == ["realisee", "restituee", "bilan"]
    assert final["history"][1]["comment"] == "Restitution en mairie de quartier"
    assert all(h["by"] == "claire.anim" for h in final["history"])
    assert final["observations_count"] == 2
    assert [p["pseudonym"] for p in final["participants"]] == ["Fatou"]
    assert count_rows(conn, "walk_transitions") == 3
