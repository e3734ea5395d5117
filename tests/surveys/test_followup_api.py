"""From observation to action through HTTP: follow-up state machine with audit rows, routing
rules (defaults, per-QPV, planner overrides), moderation, the action plan."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from tests.surveys.conftest import Headers, Staff, count_rows, gusp_obs, walk_obs

Point = Callable[..., tuple[float, float]]


def _post(client: TestClient, body: dict[str, Any], headers: Headers) -> str:
    resp = client.post("/api/observations", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    return str(body["id"])


def _act(client: TestClient, obs_id: str, headers: Headers, action: str, **extra: Any) -> Any:
    return client.post(
        f"/api/observations/{obs_id}/transitions", json={"action": action, **extra}, headers=headers
    )


def test_gusp_issue_is_routed_by_the_rules_and_every_step_is_audited(
    client: TestClient, walk: dict[str, Any], participant: Headers, staff: Staff, point_in: Point
) -> None:
    obs_id = _post(
        client, gusp_obs(*point_in("QP044013"), category="hall_parties_communes"), participant
    )
    seen = client.get(f"/api/observations/{obs_id}", headers=staff.planner).json()
    assert seen["followup"] == "nouveau" and seen["followup_category"] == "open"
    assert seen["suggested_body"] == "Nantes Métropole Habitat"  # the Malakoff rule wins
    assert _act(client, obs_id, staff.planner, "prendre_en_compte", comment="vu").status_code == 201
    # staff comments on the way stay internal; only a closing reason reaches the reporter
    assert (
        client.get(f"/api/observations/{obs_id}", headers=participant).json()["followup_reason"]
        is None
    )
    sent = _act(client, obs_id, staff.planner, "transmettre")
    assert sent.status_code == 201, sent.text
    assert sent.json()["followup"] == "transmis"
    assert sent.json()["responsible_body"] == "Nantes Métropole Habitat"
    done = _act(client, obs_id, staff.planner, "resoudre", comment="Hall nettoyé le 12/05")
    assert done.json()["followup"] == "resolu" and done.json()["followup_category"] == "closed"
    history = done.json()["history"]
    assert [(h["from"], h["to"]) for h in history] == [
        ("nouveau", "pris_en_compte"),
        ("pris_en_compte", "transmis"),
        ("transmis", "resolu"),
    ]
    assert all(h["by"] == "lea.urba" and h["at"] for h in history)
    assert history[1]["responsible_body"] == "Nantes Métropole Habitat"
    # the original content is untouched
    assert (
        done.json()["comment"] == "Encombrants au pied de l'immeuble"
        and done.json()["version"] == 1
    )


def test_illegal_transitions_are_refused_and_change_nothing(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Point,
    conn: psycopg.Connection[Any],
) -> None:
    obs_id = _post(client, gusp_obs(*point_in("QP044013")), participant)
    walk_id = _post(client, walk_obs(walk["id"], *point_in("QP044013")), participant)
    for obs, headers, action, extra, status, fragment in [
        (obs_id, staff.planner, "resoudre", {}, 409, "transition impossible"),
        (obs_id, staff.planner, "demarrer", {}, 409, "transition impossible"),
        (obs_id, staff.planner, "rejeter", {}, 422, "motif"),
        (obs_id, staff.planner, "voler", {}, 422, "action inconnue"),
        (obs_id, participant, "transmettre", {}, 403, "réservée aux rôles"),
        (obs_id, staff.moderator, "transmettre", {}, 403, "réservée aux rôles"),
        (obs_id, staff.planner, "publier", {}, 403, "réservée aux rôles"),
        (obs_id, staff.facilitator2, "prendre_en_compte", {}, 404, "introuvable"),
        (obs_id, staff.planner, "prendre_en_compte", {"responsible_body": "X"}, 422, "transmettre"),
        (walk_id, staff.planner, "transmettre", {}, 409, "transition impossible"),
        (str(uuid.uuid4()), staff.planner, "prendre_en_compte", {}, 404, "introuvable"),
    ]:
        resp = _act(client, obs, headers, action, **extra)
        assert resp.status_code == status, (action, resp.text)
        assert fragment in resp.json()["detail"], (action, resp.json()["detail"])
    assert count_rows(conn, "observation_transitions") == 0
    states = conn.execute("SELECT DISTINCT followup FROM observations ORDER BY 1").fetchall()
    assert states == [("hors_suivi",), ("nouveau",)]


def test_walk_observation_turned_into_an_issue_needs_a_body(
    client: TestClient, walk: dict[str, Any], participant: Headers, staff: Staff, point_in: Point
) -> None:
    obs_id = _post(client, walk_obs(walk["id"], *point_in("QP044013")), participant)
    assert _act(client, obs_id, staff.facilitator, "ouvrir").json()["followup"] == "nouveau"
    refused = _act(client, obs_id, staff.planner, "transmettre")
    assert refused.status_code == 422 and "responsible_body" in refused.json()["detail"]
    sent = _act(
        client,
        obs_id,
        staff.planner,
        "transmettre",
        responsible_body="Nantes Métropole — éclairage public",
    )
    assert sent.json()["responsible_body"] == "Nantes Métropole — éclairage public"


def test_rejection_reason_is_shown_to_the_reporter(
    client: TestClient, walk: dict[str, Any], participant: Headers, staff: Staff, point_in: Point
) -> None:
    obs_id = _post(client, gusp_obs(*point_in("QP044013"), category="stationnement"), participant)
    reason = "Parking privé de la copropriété : hors du champ de la GUSP"
    assert _act(client, obs_id, staff.planner, "rejeter", comment=reason).status_code == 201
    mine = client.get(f"/api/observations/{obs_id}", headers=participant).json()
    assert mine["followup"] == "rejete" and mine["followup_reason"] == reason
    assert mine["history"] is None  # who did what stays with the staff


def test_transition_with_a_client_id_is_applied_once(
    client: TestClient, walk: dict[str, Any], participant: Headers, staff: Staff, point_in: Point
) -> None:
    obs_id = _post(client, gusp_obs(*point_in("QP044013")), participant)
    tid = str(uuid.uuid4())
    first = _act(client, obs_id, staff.planner, "prendre_en_compte", id=tid)
    again = _act(client, obs_id, staff.planner, "prendre_en_compte", id=tid)
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(again.json()["history"]) == 1
    other = _act(client, obs_id, staff.planner, "transmettre", id=tid)
    assert other.status_code == 409


def test_routing_rules_are_overridable_by_planners(
    client: TestClient, walk: dict[str, Any], participant: Headers, staff: Staff, point_in: Point
) -> None:
    rules = client.get("/api/routing-rules", headers=staff.planner).json()
    bodies = {r["body"] for r in rules}
    assert {
        "Ville de Nantes — pôle de proximité",
        "Département de Loire-Atlantique",
        "Opérateur de transport (Naolib / Semitan)",
        "Nantes Métropole — voirie",
    } <= bodies
    rule = {
        "category": "depot_sauvage",
        "qpv_code": "QP044013",
        "body": "Nantes Métropole — pôle Loire-Chézine",
    }
    assert client.put("/api/routing-rules", json=rule, headers=staff.facilitator).status_code == 403
    created = client.put("/api/routing-rules", json=rule, headers=staff.planner)
    assert created.status_code == 201 and created.json()["updated_by"] == "lea.urba"
    changed = client.put(
        "/api/routing-rules", json={**rule, "body": "Pôle Sud"}, headers=staff.planner
    )
    assert changed.status_code == 200 and changed.json()["id"] == created.json()["id"]
    unknown = client.put(
        "/api/routing-rules", json={**rule, "category": "ovni"}, headers=staff.planner
    )
    assert unknown.status_code == 422
    inside = _post(client, gusp_obs(*point_in("QP044013")), participant)
    elsewhere = _post(client, gusp_obs(*point_in("QP044005")), staff.planner)
    assert (
        _act(client, inside, staff.planner, "transmettre").json()["responsible_body"] == "Pôle Sud"
    )
    assert _act(client, elsewhere, staff.planner, "transmettre").json()["responsible_body"] == (
        "Nantes Métropole — propreté"
    )
    gone = client.delete(f"/api/routing-rules/{created.json()['id']}", headers=staff.planner)
    assert gone.status_code == 204


def test_moderation_keeps_the_original_and_writes_an_audit_row(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Point,
    conn: psycopg.Connection[Any],
) -> None:
    obs_id = _post(
        client, walk_obs(walk["id"], *point_in("QP044013"), comment="propos injurieux"), participant
    )
    assert _act(client, obs_id, staff.moderator, "masquer").status_code == 422  # reason required
    hidden = _act(
        client, obs_id, staff.moderator, "masquer", comment="propos injurieux envers un tiers"
    )
    assert hidden.status_code == 201 and hidden.json()["moderation"] == "masquee"
    assert hidden.json()["comment"] == "propos injurieux"  # kept, for staff
    row = conn.execute(
        "SELECT machine, from_state, to_state, comment FROM observation_transitions"
    ).fetchall()
    assert row == [("moderation", "en_attente", "masquee", "propos injurieux envers un tiers")]
    assert _act(client, obs_id, staff.moderator, "masquer", comment="encore").status_code == 409


def test_action_plan_lists_open_actions_per_walk_and_per_qpv_in_one_call(
    client: TestClient, walk: dict[str, Any], participant: Headers, staff: Staff, point_in: Point
) -> None:
    in_malakoff = _post(client, walk_obs(walk["id"], *point_in("QP044013")), participant)
    in_bellevue = _post(client, gusp_obs(*point_in("QP044005")), staff.planner)
    body = {
        "title": "Rénover l'éclairage de la passerelle",
        "owner_org": "Nantes Métropole",
        "due_date": "2027-03-31",
        "observation_ids": [in_malakoff, in_bellevue],
    }
    assert client.post("/api/actions", json=body, headers=staff.facilitator).status_code == 403
    bad = client.post(
        "/api/actions", json={**body, "observation_ids": [str(uuid.uuid4())]}, headers=staff.planner
    )
    assert bad.status_code == 422 and "inconnue" in bad.json()["detail"]
    action = client.post("/api/actions", json=body, headers=staff.planner)
    assert action.status_code == 201, action.text
    assert action.json()["status"] == "proposee" and action.json()["is_open"] is True
    assert sorted(action.json()["qpv_codes"]) == ["QP044005", "QP044013"]
    closed = client.post(
        "/api/actions", json={**body, "title": "Ancienne action"}, headers=staff.planner
    ).json()
    path = f"/api/actions/{closed['id']}/transitions"
    assert client.post(path, json={"action": "realiser"}, headers=staff.planner).status_code == 409
    assert (
        client.post(path, json={"action": "abandonner"}, headers=staff.planner).status_code == 422
    )
    gave_up = client.post(
        path, json={"action": "abandonner", "comment": "doublon"}, headers=staff.planner
    )
    assert gave_up.json()["status"] == "abandonnee"

    grouped = client.get("/api/actions/open", headers=staff.facilitator)
    assert grouped.status_code == 200
    by_walk = grouped.json()["by_walk"]
    assert [w["walk_id"] for w in by_walk] == [walk["id"]]
    assert [a["title"] for a in by_walk[0]["actions"]] == [body["title"]]
    by_qpv = {q["code"]: [a["id"] for a in q["actions"]] for q in grouped.json()["by_qpv"]}
    assert by_qpv == {"QP044005": [action.json()["id"]], "QP044013": [action.json()["id"]]}

    per_walk = client.get(
        f"/api/actions?status=open&walk_id={walk['id']}", headers=staff.planner
    ).json()
    assert [a["id"] for a in per_walk] == [action.json()["id"]]
    per_qpv = client.get("/api/actions?status=closed&qpv=QP044013", headers=staff.planner).json()
    assert [a["id"] for a in per_qpv] == [closed["id"]]
    assert client.get("/api/actions/open", headers=participant).status_code == 403
