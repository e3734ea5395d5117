"""Object-level authorization (OWASP API1) and field-level exposure (API3): participant A never
reads, changes or deletes what B sent, even guessing ids; lists are cut to one's scope; points,
texts and pseudonyms only reach the roles that need them."""

from __future__ import annotations

import uuid
from typing import Any

from tests.security.conftest import BELLEVUE, MALAKOFF, World, point
from tests.surveys.conftest import walk_obs
from tests.surveys.images import phone_jpeg


def ids(fc: dict[str, Any]) -> set[str]:
    return {f["id"] for f in fc["features"]}


def test_participant_a_cannot_touch_b_observation_or_photo(world: World) -> None:
    a, c = world.h("participant_a"), world.client
    for url in (
        f"/api/observations/{world.obs_b}",
        f"/api/observations/{world.obs_b}/photos/{world.photo_b}",
        f"/api/observations/{world.obs_a}/photos/{world.photo_b}",  # B's photo under A's id
        f"/api/observations/{uuid.uuid4()}",
        f"/api/walks/{world.walk_b['id']}",
    ):
        resp = c.get(url, headers=a)
        assert resp.status_code == 404, (url, resp.text)
        assert "Inès" not in resp.text and "Lampadaire" not in resp.text
    # write: a photo on B's observation, a transition, a resend of B's id with other content
    photo = c.post(
        f"/api/observations/{world.obs_b}/photos",
        files={"file": ("p.jpg", phone_jpeg(), "image/jpeg")},
        data={"photo_id": str(uuid.uuid4())},
        headers=a,
    )
    assert photo.status_code == 404
    assert (
        c.post(
            f"/api/observations/{world.obs_b}/transitions", json={"action": "ouvrir"}, headers=a
        ).status_code
        == 403
    )  # participants have no transition at all (function level)
    hijack = walk_obs(world.walk_a["id"], *point(world.conn, MALAKOFF), id=world.obs_b)
    resp = c.post("/api/observations", json=hijack, headers=a)
    assert resp.status_code == 409 and "autre observation" in resp.json()["detail"]
    # delete: erasing one's data never touches B's
    erased = c.delete("/api/me", headers=a)
    assert erased.status_code == 200 and erased.json()["observations"] == 1
    assert c.get(f"/api/observations/{world.obs_b}", headers=world.h("admin")).status_code == 200
    row = world.conn.execute(
        "SELECT count(*) FROM observation_photos WHERE id = %s", (world.photo_b,)
    ).fetchone()
    assert row is not None and row[0] == 1


def test_sync_status_does_not_confirm_other_peoples_ids(world: World) -> None:
    resp = world.client.post(
        "/api/observations/sync-status",
        json={"ids": [world.obs_a, world.obs_b]},
        headers=world.h("participant_a"),
    ).json()
    held = {i["id"]: i["held"] for i in resp["items"]}
    assert held == {world.obs_a: True, world.obs_b: False}


def test_lists_are_cut_to_the_scope(world: World) -> None:
    c = world.client
    seen = {
        who: ids(c.get("/api/observations", headers=world.h(who)).json())
        for who in (
            "participant_a",
            "participant_b",
            "facilitator_a",
            "facilitator_b",
            "planner_in",
            "planner_out",
            "moderator",
            "admin",
        )
    }
    a, b = world.obs_a, world.obs_b
    assert seen == {
        "participant_a": {a},
        "participant_b": {b},
        "facilitator_a": {a},
        "facilitator_b": {b},
        "planner_in": {a},
        "planner_out": {b},
        "moderator": {a, b},
        "admin": {a, b},
    }
    walks = {
        who: {w["id"] for w in c.get("/api/walks", headers=world.h(who)).json()}
        for who in ("participant_a", "planner_in", "planner_out")
    }
    assert walks["participant_a"] == {world.walk_a["id"]}
    assert world.walk_a["id"] in walks["planner_in"]
    assert world.walk_a["id"] not in walks["planner_out"]
    assert world.walk_b["id"] in walks["planner_out"]
    actions = c.get("/api/actions", headers=world.h("planner_out")).json()
    assert actions == []
    grouped = c.get("/api/actions/open", headers=world.h("planner_out")).json()
    assert grouped == {"by_walk": [], "by_qpv": []}
    assert c.get("/api/actions", headers=world.h("planner_in")).json()[0]["id"] == world.action


def test_planner_scope_by_commune(world: World) -> None:
    """A territory given as communes covers the QPV of those communes."""
    c, admin = world.client, world.h("admin")
    resp = c.patch(
        "/api/users/hugo.urba",
        json={"scope_qpv": None, "scope_communes": ["44109"]},
        headers=admin,
    )
    assert resp.status_code == 200, resp.text
    me = c.get("/api/me", headers=world.h("planner_out")).json()
    assert MALAKOFF in me["scope_qpv"] and BELLEVUE in me["scope_qpv"]
    seen = ids(c.get("/api/observations", headers=world.h("planner_out")).json())
    assert seen == {world.obs_a, world.obs_b}
    bad = c.patch("/api/users/hugo.urba", json={"scope_qpv": ["QP999999"]}, headers=admin)
    assert bad.status_code == 422
    moderator_scope = c.patch("/api/users/marc.modo", json={"scope_qpv": [MALAKOFF]}, headers=admin)
    assert moderator_scope.status_code == 422 and "planner" in moderator_scope.json()["detail"]


def test_field_level_exposure(world: World) -> None:
    """Exact point for facilitator/planner/admin; 100 m cell for moderator and for participants
    reading others' published observations; pseudonyms for facilitator and admin only."""
    c = world.client
    exact = c.get(f"/api/observations/{world.obs_a}", headers=world.h("admin")).json()
    lon, lat = exact["location"]["coordinates"]
    for who, precise, author in (
        ("admin", True, "Aïcha"),
        ("facilitator_a", True, "Aïcha"),
        ("planner_in", True, None),
        ("moderator", False, None),
        ("participant_a", True, None),  # their own
    ):
        body = c.get(f"/api/observations/{world.obs_a}", headers=world.h(who)).json()
        assert body["author"] == author, who
        assert body["location_exact"] is precise, who
        got = body["location"]["coordinates"]
        if precise:
            assert got == [lon, lat], who
        else:
            assert got != [lon, lat], who
            assert abs(got[0] - lon) < 0.002 and abs(got[1] - lat) < 0.001, who
        assert body["comment"], who  # texts are for every role that sees the observation
    # a published observation of walk A read by another participant of A: coarse point
    other = world.join(world.walk_a, "Sara")
    assert (
        c.post(
            f"/api/observations/{world.obs_a}/transitions",
            json={"action": "publier"},
            headers=world.h("moderator"),
        ).status_code
        == 201
    )
    body = c.get(f"/api/observations/{world.obs_a}", headers=other).json()
    assert body["location_exact"] is False and body["author"] is None
    assert body["location"]["coordinates"] != [lon, lat]
    listed = c.get("/api/observations", headers=other).json()["features"]
    assert [f["geometry"]["coordinates"] for f in listed] == [body["location"]["coordinates"]]


def test_participants_list_only_for_the_walks_managers(world: World) -> None:
    c = world.client
    url = f"/api/walks/{world.walk_a['id']}/participants"
    assert c.get(url, headers=world.h("facilitator_a")).json()[0]["pseudonym"] == "Aïcha"
    assert c.get(url, headers=world.h("planner_in")).status_code == 403
    assert c.get(url, headers=world.h("participant_a")).status_code == 403
    assert c.get(url, headers=world.h("facilitator_b")).status_code == 404
