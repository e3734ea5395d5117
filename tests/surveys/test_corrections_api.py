"""Authors correct and delete their own observations while the walk is open (issue #8).

Corrections are new versions (the original row never changes), resends are recognised, someone
else's observation is 404 (or 403 when visible), a closed walk or an observation the team has
handled is read-only (409), a deletion takes the photos with it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from tests.surveys.conftest import Headers, Staff, count_rows, join, walk_obs
from tests.surveys.images import phone_jpeg

Point = Callable[..., tuple[float, float]]


def _submit(client: TestClient, headers: Headers, body: dict[str, Any]) -> dict[str, Any]:
    resp = client.post("/api/observations", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    return resp.json()


def _correction(body: dict[str, Any], base_version: int = 1, **changes: Any) -> dict[str, Any]:
    """The PATCH body for ``body`` (a submitted payload) with ``changes``."""
    keep = (
        "location",
        "stop_id",
        "theme",
        "items",
        "rating",
        "feeling",
        "comment",
        "proposal",
        "photo_ids",
    )
    out = {k: body[k] for k in keep if k in body}
    out.update(base_version=base_version, **changes)
    return out


def _version_rows(conn: psycopg.Connection[Any], obs_id: str) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT version, comment, rating, qpv_codes, geom::text, payload_hash IS NULL "
        "FROM observation_versions WHERE observation_id = %s ORDER BY version",
        (obs_id,),
    ).fetchall()


def test_correction_is_a_new_version_and_a_resend_writes_nothing(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Point,
    conn: psycopg.Connection[Any],
) -> None:
    body = walk_obs(walk["id"], *point_in("QP044013"), comment="Lampadaire éteint")
    _submit(client, participant, body)
    original = _version_rows(conn, body["id"])

    # moved out of Malakoff (Place Royale: no QPV), other rating and comment
    patch = _correction(
        body,
        comment="Lampadaire éteint depuis une semaine",
        rating=0,
        location={"type": "Point", "coordinates": [-1.5536, 47.2173]},
    )
    resp = client.patch(f"/api/observations/{body['id']}", json=patch, headers=participant)
    assert resp.status_code == 200, resp.text
    corrected = resp.json()
    assert corrected["version"] == 2 and corrected["rating"] == 0
    assert corrected["comment"] == "Lampadaire éteint depuis une semaine"
    assert corrected["qpv"] == [] and corrected["observed_at"] is not None

    rows = _version_rows(conn, body["id"])
    assert rows[0] == original[0]  # the original is never overwritten
    assert rows[1][:4] == (2, "Lampadaire éteint depuis une semaine", 0, [])
    assert rows[1][5] is False  # the correction's hash is kept for resends

    # the answer was lost: the phone sends the same correction again
    again = client.patch(f"/api/observations/{body['id']}", json=patch, headers=participant)
    assert again.status_code == 200 and again.json()["version"] == 2
    assert len(_version_rows(conn, body["id"])) == 2

    # the original submission resent by a phone that never heard back: recognised, not restored
    replay = client.post("/api/observations", json=body, headers=participant)
    assert replay.status_code == 200 and replay.json()["version"] == 2

    # another correction made on the outdated version 1: refused, nothing written
    stale = _correction(body, comment="autre chose")
    resp = client.patch(f"/api/observations/{body['id']}", json=stale, headers=participant)
    assert resp.status_code == 409 and "version" in resp.json()["detail"]
    assert len(_version_rows(conn, body["id"])) == 2

    fetched = client.get(f"/api/observations/{body['id']}", headers=participant).json()
    assert fetched["comment"] == "Lampadaire éteint depuis une semaine"


def test_invalid_correction_changes_nothing(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Point,
    conn: psycopg.Connection[Any],
) -> None:
    body = walk_obs(walk["id"], *point_in("QP044013"))
    _submit(client, participant, body)
    before = _version_rows(conn, body["id"])
    bad = [
        _correction(body, theme="inconnu"),
        _correction(body, items=["eclairage", "bancs_publics"]),
        _correction(body, rating=4),
        _correction(body, location={"type": "Point", "coordinates": [2.35, 48.85]}),  # Paris
        _correction(body, stop_id=str(uuid.uuid4())),
        _correction(body, base_version=0),
        {**_correction(body), "walk_id": walk["id"]},  # identity is not correctable
    ]
    for patch in bad:
        resp = client.patch(f"/api/observations/{body['id']}", json=patch, headers=participant)
        assert resp.status_code == 422, (patch, resp.text)
        assert resp.json()["detail"]
    assert _version_rows(conn, body["id"]) == before


def test_only_the_author_corrects_or_deletes(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Point,
    conn: psycopg.Connection[Any],
) -> None:
    body = walk_obs(walk["id"], *point_in("QP044013"))
    _submit(client, participant, body)
    other = join(client, walk, "Lucie")
    url = f"/api/observations/{body['id']}"
    patch = _correction(body, comment="réécrit par une autre")

    # another participant does not even see a pending observation: 404, like an unknown id
    assert client.patch(url, json=patch, headers=other).status_code == 404
    assert client.delete(url, headers=other).status_code == 404
    unknown = f"/api/observations/{uuid.uuid4()}"
    assert client.patch(unknown, json=patch, headers=other).status_code == 404
    # the facilitator sees it but did not write it: 403; so does anyone once it is published
    assert client.patch(url, json=patch, headers=staff.facilitator).status_code == 403
    assert client.delete(url, headers=staff.facilitator).status_code == 403
    # a facilitator of another walk does not see it
    assert client.delete(url, headers=staff.facilitator2).status_code == 404
    assert client.patch(url, json=patch).status_code == 401
    assert len(_version_rows(conn, body["id"])) == 1
    assert count_rows(conn, "observations") == 1

    mine = client.get("/api/me/observations", headers=other).json()
    assert mine == {"items": [], "count": 0}


def test_published_observation_is_visible_to_others_yet_not_theirs_to_change(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Point,
) -> None:
    body = walk_obs(walk["id"], *point_in("QP044013"))
    _submit(client, participant, body)
    url = f"/api/observations/{body['id']}"
    published = client.post(
        f"{url}/transitions", json={"action": "publier"}, headers=staff.moderator
    )
    assert published.status_code == 201, published.text
    other = join(client, walk, "Lucie")
    assert client.get(url, headers=other).status_code == 200
    assert client.patch(url, json=_correction(body), headers=other).status_code == 403
    # the author herself can no longer change what the moderation published
    resp = client.patch(url, json=_correction(body, rating=3), headers=participant)
    assert resp.status_code == 409 and "modération" in resp.json()["detail"]
    assert client.delete(url, headers=participant).status_code == 409
    item = client.get("/api/me/observations", headers=participant).json()["items"][0]
    assert item["editable"] is False and "modération" in item["locked_reason"]


def test_closed_walk_is_read_only(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Point,
    conn: psycopg.Connection[Any],
) -> None:
    body = walk_obs(walk["id"], *point_in("QP044013"))
    _submit(client, participant, body)
    url = f"/api/observations/{body['id']}"
    walk_url = f"/api/walks/{walk['id']}/transitions"

    # "réalisée" is still open: corrections allowed
    assert client.post(walk_url, json={"action": "realiser"}, headers=staff.facilitator).is_success
    resp = client.patch(url, json=_correction(body, rating=2), headers=participant)
    assert resp.status_code == 200 and resp.json()["version"] == 2
    assert client.get("/api/me/observations", headers=participant).json()["items"][0]["editable"]

    assert client.post(walk_url, json={"action": "restituer"}, headers=staff.facilitator).is_success
    resp = client.patch(url, json=_correction(body, base_version=2, rating=3), headers=participant)
    assert resp.status_code == 409 and "close" in resp.json()["detail"]
    assert client.delete(url, headers=participant).status_code == 409
    # the same correction resent after the closing is recognised (it was applied before)
    same = client.patch(url, json=_correction(body, rating=2), headers=participant)
    assert same.status_code == 200 and same.json()["version"] == 2
    item = client.get("/api/me/observations", headers=participant).json()["items"][0]
    assert item["editable"] is False and "close" in item["locked_reason"]
    assert len(_version_rows(conn, body["id"])) == 2 and count_rows(conn, "observations") == 1


def test_delete_takes_versions_and_photos_and_is_final(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Point,
    conn: psycopg.Connection[Any],
) -> None:
    photo_id = str(uuid.uuid4())
    body = walk_obs(walk["id"], *point_in("QP044013"), photo_ids=[photo_id])
    kept = walk_obs(walk["id"], *point_in("QP044013", 20, 0))
    _submit(client, participant, body)
    _submit(client, participant, kept)
    url = f"/api/observations/{body['id']}"
    upload = client.post(
        f"{url}/photos",
        files={"file": ("p.jpg", phone_jpeg(), "image/jpeg")},
        data={"photo_id": photo_id},
        headers=participant,
    )
    assert upload.status_code == 201
    patched = client.patch(url, json=_correction(body, rating=3), headers=participant)
    assert patched.status_code == 200

    assert client.delete(url, headers=participant).status_code == 204
    assert client.get(url, headers=participant).status_code == 404
    assert client.get(f"{url}/photos/{photo_id}", headers=staff.planner).status_code == 404
    assert client.delete(url, headers=participant).status_code == 404
    assert count_rows(conn, "observation_photos") == 0
    assert count_rows(conn, "observation_versions") == 1  # only the other observation's
    status = client.post(
        "/api/observations/sync-status", json={"ids": [body["id"]]}, headers=participant
    ).json()
    assert status["items"][0]["held"] is False
    mine = client.get("/api/me/observations", headers=participant).json()
    assert [i["id"] for i in mine["items"]] == [kept["id"]]


def test_correction_dropping_a_photo_erases_it_and_announcing_one_expects_it(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Point,
    conn: psycopg.Connection[Any],
) -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    body = walk_obs(walk["id"], *point_in("QP044013"), photo_ids=[first])
    _submit(client, participant, body)
    url = f"/api/observations/{body['id']}"
    client.post(
        f"{url}/photos",
        files={"file": ("p.jpg", phone_jpeg(), "image/jpeg")},
        data={"photo_id": first},
        headers=participant,
    )
    resp = client.patch(url, json=_correction(body, photo_ids=[second]), headers=participant)
    assert resp.status_code == 200 and resp.json()["photo_ids"] == [second]
    assert resp.json()["photos"] == []
    assert count_rows(conn, "observation_photos") == 0
    status = client.post(
        "/api/observations/sync-status", json={"ids": [body["id"]]}, headers=participant
    ).json()["items"][0]
    assert status["held"] and status["photos_expected"] == [second]


def test_my_observations_lists_only_mine_newest_first(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Point,
) -> None:
    older = walk_obs(walk["id"], *point_in("QP044013"), hours_ago=3)
    newer = walk_obs(walk["id"], *point_in("QP044013", 30, 0), hours_ago=1, theme="aide", items=[])
    _submit(client, participant, older)
    _submit(client, participant, newer)
    other = join(client, walk, "Lucie")
    _submit(client, other, walk_obs(walk["id"], *point_in("QP044013")))

    mine = client.get("/api/me/observations", headers=participant).json()
    assert mine["count"] == 2
    assert [i["id"] for i in mine["items"]] == [newer["id"], older["id"]]
    first = mine["items"][0]
    assert first["theme_label"] == "Lieux surveillés, pouvoir obtenir de l'aide"
    assert first["editable"] is True and first["locked_reason"] is None
    assert first["author"] is None and first["version"] == 1
    assert client.get("/api/me/observations").status_code == 401


def test_grid_is_served_with_scale_labels(client: TestClient) -> None:
    grid = client.get("/api/grid").json()
    assert [p["code"] for p in grid["principles"]] == [
        "reperage",
        "visibilite",
        "animation",
        "aide",
        "entretien",
        "usages",
    ]
    assert all(len(p["items"]) >= 5 for p in grid["principles"])
    assert grid["scales"]["feeling"]["label"] == "Sentiment de sécurité"
    assert [v["value"] for v in grid["scales"]["rating"]["values"]] == [0, 1, 2, 3]
    assert len(grid["categories"]) == 13
