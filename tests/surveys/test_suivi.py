"""A walker's « suivi »: her own observations with their follow-up and the actions answering
them, the restitution once presented and the bilan once written; read with her walk token or a
read-only link she keeps; nothing of other walkers; the walk's report opens to her after the
restitution."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.surveys.conftest import Staff, join, walk_obs


def _post(client: TestClient, body: dict[str, Any], headers: dict[str, str]) -> str:
    resp = client.post("/api/observations", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    return str(body["id"])


def test_suivi_round_trip(
    client: TestClient, conn: Any, staff: Staff, walk: dict[str, Any], participant: dict[str, str]
) -> None:
    lon, lat = walk["stops"][0]["location"]["coordinates"]
    mine = _post(client, walk_obs(walk["id"], lon, lat, comment="Mon passage sombre"), participant)
    other = join(client, walk, "Inès")
    _post(client, walk_obs(walk["id"], lon, lat, comment="Texte d'Inès"), other)
    before = client.get("/api/me/suivi", headers=participant).json()
    assert [o["followup"] for o in before["observations"]] == ["Hors suivi"]
    assert before["restitution"] == [] and before["report_available"] is False

    # the planner opens an issue from it, routes it and plans an action
    for action, extra in (("ouvrir", {}), ("transmettre", {"responsible_body": "Ville de Nantes"})):
        step = client.post(
            f"/api/observations/{mine}/transitions",
            json={"action": action, **extra},
            headers=staff.planner,
        )
        assert step.status_code == 201, step.text
    planned = client.post(
        "/api/actions",
        json={
            "title": "Éclairer le passage",
            "owner_org": "Nantes Métropole",
            "due_date": "2027-03-31",
            "observation_ids": [mine],
        },
        headers=staff.planner,
    )
    assert planned.status_code == 201, planned.text
    report = f"/marches/{walk['id']}/rapport"
    assert client.get(report, headers=participant).status_code == 403  # not presented yet

    # the facilitator presents the restitution and writes it
    for action in ("realiser", "restituer"):
        moved = client.post(
            f"/api/walks/{walk['id']}/transitions",
            json={"action": action},
            headers=staff.facilitator,
        )
        assert moved.status_code == 200, moved.text
    conn.execute(
        "UPDATE walks SET restitution_text = %s WHERE id = %s",
        ("Premier paragraphe.\n\nSecond paragraphe.", walk["id"]),
    )
    after = client.get("/api/me/suivi", headers=participant).json()
    assert after["restitution"] == ["Premier paragraphe.", "Second paragraphe."]
    assert after["bilan"] == []
    [obs] = after["observations"]
    assert obs["followup"] == "Transmis à l'organisme responsable"
    assert obs["body"] == "Ville de Nantes"
    assert obs["actions"][0]["title"] == "Éclairer le passage"
    assert obs["actions"][0]["due"] == "31/03/2027" and obs["actions"][0]["state"] == "Proposée"
    assert client.get(report, headers=participant).status_code == 200
    assert client.get(report + "?version=bilan", headers=participant).status_code == 403

    # a link she keeps: read-only, the same suivi, nothing of Inès
    made = client.post("/api/me/suivi/lien", headers=participant)
    assert made.status_code == 201
    path = made.json()["url"].split("testserver", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    assert "Éclairer le passage" in page.text and "Second paragraphe." in page.text
    assert "Texte d" not in page.text and "Inès" not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    token = path.rsplit("/", 1)[1]
    assert (
        client.post(
            "/api/observations",
            json=walk_obs(walk["id"], lon, lat),
            headers={"Authorization": f"Bearer {token}"},
        ).status_code
        == 401
    )
    assert client.get(path[:-4] + "abcd").status_code == 404
    conn.execute("UPDATE suivi_links SET expires_at = now() - interval '1 second'")
    assert client.get(path).status_code == 404


def test_erasure_removes_the_link(
    client: TestClient, walk: dict[str, Any], participant: dict[str, str]
) -> None:
    path = client.post("/api/me/suivi/lien", headers=participant).json()["url"]
    path = path.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    assert client.delete("/api/me", headers=participant).status_code == 200
    assert client.get(path).status_code == 404


def test_staff_have_no_suivi(client: TestClient, staff: Staff) -> None:
    assert client.get("/api/me/suivi", headers=staff.facilitator).status_code == 403
    assert client.post("/api/me/suivi/lien", headers=staff.planner).status_code == 403
