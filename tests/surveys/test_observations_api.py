"""Observations through HTTP: the contract, idempotency (resend, conflict, concurrency), batches,
sync status and who may read or write what."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx2
import psycopg
from fastapi.testclient import TestClient

from tests.browser import LiveServer
from tests.surveys.conftest import OUTSIDE_QPV, Headers, Staff, count_rows, gusp_obs, join, walk_obs


def test_observation_is_stored_with_its_qpv_and_states(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
    staff: Staff,
) -> None:
    body = walk_obs(walk["id"], *point_in("QP044013"), stop_id=walk["stops"][0]["id"])
    resp = client.post("/api/observations", json=body, headers=participant)
    assert resp.status_code == 201, resp.text
    stored = resp.json()
    assert stored["id"] == body["id"]
    assert [q["code"] for q in stored["qpv"]] == ["QP044013"]
    assert stored["qpv"][0]["name"] == "Malakoff" and stored["qpv"][0]["generation"] == 2015
    assert stored["moderation"] == "en_attente" and stored["followup"] == "hors_suivi"
    assert stored["theme_label"] == "Voir et être vue"
    assert stored["location"]["coordinates"] == body["location"]["coordinates"]
    assert stored["author"] is None  # a participant sees no pseudonym, not even their own here

    fetched = client.get(f"/api/observations/{body['id']}", headers=participant).json()
    assert fetched["comment"] == body["comment"] and fetched["stop_id"] == walk["stops"][0]["id"]
    as_staff = client.get(f"/api/observations/{body['id']}", headers=staff.facilitator).json()
    assert as_staff["author"] == "Aïcha" and as_staff["history"] == []
    as_planner = client.get(f"/api/observations/{body['id']}", headers=staff.planner).json()
    assert as_planner["author"] is None and as_planner["history"] == []  # #7: no pseudonym
    hidden = client.get(f"/api/observations/{body['id']}", headers=staff.facilitator2)
    assert hidden.status_code == 404


def test_observation_outside_every_qpv_gets_none(
    client: TestClient, walk: dict[str, Any], participant: Headers
) -> None:
    resp = client.post(
        "/api/observations", json=walk_obs(walk["id"], *OUTSIDE_QPV), headers=participant
    )
    assert resp.status_code == 201
    assert resp.json()["qpv"] == []


def test_identical_resend_is_200_in_any_key_order_or_time_zone(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    body = walk_obs(walk["id"], *point_in("QP044013"), items=["recoins", "eclairage"])
    assert client.post("/api/observations", json=body, headers=participant).status_code == 201
    paris = timezone(timedelta(hours=2))
    same = dict(reversed(list(body.items())))
    same["observed_at"] = datetime.fromisoformat(body["observed_at"]).astimezone(paris).isoformat()
    same["items"] = ["eclairage", "recoins"]
    again = client.post("/api/observations", json=same, headers=participant)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == body["id"]
    assert count_rows(conn, "observations") == 1
    assert count_rows(conn, "observation_versions") == 1


def test_same_id_with_other_content_is_409_and_row_unchanged(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    body = walk_obs(walk["id"], *point_in("QP044013"))
    assert client.post("/api/observations", json=body, headers=participant).status_code == 201
    query = (
        "SELECT o.payload_hash, o.received_at, v.rating, v.comment, ST_AsText(v.geom), "
        "v.observed_at FROM observations o JOIN observation_versions v ON v.observation_id = o.id"
    )
    before = conn.execute(query).fetchall()
    for change in (
        {"rating": 3},
        {"comment": "autre chose"},
        {"location": {"type": "Point", "coordinates": list(point_in("QP044013", 30))}},
    ):
        resp = client.post("/api/observations", json={**body, **change}, headers=participant)
        assert resp.status_code == 409, change
        assert "contenu différent" in resp.json()["detail"]
    assert conn.execute(query).fetchall() == before
    assert count_rows(conn, "observation_versions") == 1


def test_ten_concurrent_identical_posts_make_one_row(
    settings: Any,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    body = walk_obs(walk["id"], *point_in("QP044013"))
    statuses: list[int] = []
    barrier = threading.Barrier(10)
    from tests.conftest import free_port

    with LiveServer(settings, free_port()) as server:

        def post() -> None:
            with httpx2.Client(base_url=server.url, timeout=30) as http:
                barrier.wait()
                statuses.append(
                    http.post("/api/observations", json=body, headers=participant).status_code
                )

        threads = [threading.Thread(target=post) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(statuses) == [200] * 9 + [201]
    assert count_rows(conn, "observations") == 1
    assert count_rows(conn, "observation_versions") == 1


def test_participants_write_only_to_their_walk(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    lon, lat = point_in("QP044013")
    other = client.post(
        "/api/walks",
        json={"title": "Bellevue jour", "date": "2026-05-02", "time_slot": "jour"},
        headers=staff.facilitator2,
    ).json()
    resp = client.post(
        "/api/observations", json=walk_obs(other["id"], lon, lat), headers=participant
    )
    # #7: a walk one cannot see is answered like a missing one (no existence oracle)
    assert resp.status_code == 422
    assert "marche inconnue" in resp.json()["detail"]
    resp = client.post(
        "/api/observations", json=walk_obs(walk["id"], lon, lat), headers=staff.facilitator2
    )
    assert resp.status_code == 422
    assert client.post("/api/observations", json=walk_obs(walk["id"], lon, lat)).status_code == 401
    assert count_rows(conn, "observations") == 0
    # a participant's GUSP observation without walk goes to their walk
    gusp = client.post("/api/observations", json=gusp_obs(lon, lat), headers=participant)
    assert gusp.status_code == 201 and gusp.json()["walk_id"] == walk["id"]
    assert gusp.json()["followup"] == "nouveau"
    # staff may file GUSP observations outside any walk
    staff_gusp = client.post("/api/observations", json=gusp_obs(lon, lat), headers=staff.planner)
    assert staff_gusp.status_code == 201 and staff_gusp.json()["walk_id"] is None


def test_participants_see_their_own_and_published_observations_only(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Callable[..., tuple[float, float]],
) -> None:
    lon, lat = point_in("QP044013")
    other = join(client, walk, "Inès")
    theirs = walk_obs(walk["id"], lon, lat)
    assert client.post("/api/observations", json=theirs, headers=other).status_code == 201
    path = f"/api/observations/{theirs['id']}"
    assert client.get(path, headers=participant).status_code == 404
    listed = client.get(f"/api/observations?walk_id={walk['id']}", headers=participant).json()
    assert listed["features"] == []
    published = client.post(
        f"{path}/transitions", json={"action": "publier"}, headers=staff.moderator
    )
    assert published.status_code == 201, published.text
    assert client.get(path, headers=participant).status_code == 200
    listed = client.get(f"/api/observations?walk_id={walk['id']}", headers=participant).json()
    assert [f["id"] for f in listed["features"]] == [theirs["id"]]
    assert listed["features"][0]["properties"]["author"] is None
    as_staff = client.get(
        f"/api/observations?walk_id={walk['id']}", headers=staff.facilitator
    ).json()
    assert as_staff["features"][0]["properties"]["author"] == "Inès"


def test_batch_mixes_created_duplicate_conflict_and_invalid(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    lon, lat = point_in("QP044013")
    already = walk_obs(walk["id"], lon, lat)
    assert client.post("/api/observations", json=already, headers=participant).status_code == 201
    fresh = [walk_obs(walk["id"], lon, lat, rating=r) for r in (0, 2)]
    items: list[Any] = [
        fresh[0],
        already,  # duplicate
        {**already, "rating": 3},  # conflict
        {**walk_obs(walk["id"], lon, lat), "theme": "inconnu"},  # unknown theme
        {**walk_obs(walk["id"], lon, lat), "id": "pas-un-uuid"},
        walk_obs(walk["id"], 355000.0, 6689000.0),  # Lambert-93 metres
        "pas un objet",
        fresh[1],
        fresh[1],  # the same item twice in one batch
    ]
    resp = client.post("/api/observations/batch", json={"items": items}, headers=participant)
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert [r["status"] for r in out["results"]] == [
        "created",
        "duplicate",
        "conflict",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "created",
        "duplicate",
    ]
    assert [r["code"] for r in out["results"]] == [201, 200, 409, 422, 422, 422, 422, 201, 200]
    assert "thème inconnu" in out["results"][3]["detail"]
    assert "UUID" in out["results"][4]["detail"] and out["results"][4]["id"] == "pas-un-uuid"
    assert out["results"][0]["id"] == fresh[0]["id"] and out["results"][6]["id"] is None
    assert "hors de la zone couverte" in out["results"][5]["detail"]
    assert (out["created"], out["duplicate"], out["conflict"], out["invalid"]) == (2, 2, 1, 4)
    assert count_rows(conn, "observations") == 3


def test_batch_over_500_items_is_refused_whole(
    client: TestClient, walk: dict[str, Any], participant: Headers, conn: psycopg.Connection[Any]
) -> None:
    items = [walk_obs(walk["id"], *OUTSIDE_QPV) for _ in range(501)]
    resp = client.post("/api/observations/batch", json={"items": items}, headers=participant)
    assert resp.status_code == 422
    assert "maximum 500" in resp.json()["detail"]
    assert count_rows(conn, "observations") == 0


def test_sync_status_tells_what_is_held_and_which_photos_are_expected(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Callable[..., tuple[float, float]],
) -> None:
    photos = [str(uuid.uuid4()), str(uuid.uuid4())]
    held = walk_obs(walk["id"], *point_in("QP044013"), photo_ids=photos)
    assert client.post("/api/observations", json=held, headers=participant).status_code == 201
    other = join(client, walk, "Inès")
    not_mine = walk_obs(walk["id"], *point_in("QP044013"))
    assert client.post("/api/observations", json=not_mine, headers=other).status_code == 201
    unknown = str(uuid.uuid4())
    resp = client.post(
        "/api/observations/sync-status",
        json={"ids": [held["id"], unknown, not_mine["id"]]},
        headers=participant,
    )
    assert resp.status_code == 200, resp.text
    items = {i["id"]: i for i in resp.json()["items"]}
    assert items[held["id"]]["held"] is True
    assert sorted(items[held["id"]]["photos_expected"]) == sorted(photos)
    assert items[unknown]["held"] is False
    assert items[not_mine["id"]]["held"] is False  # exists, but not this participant's
    assert (resp.json()["held"], resp.json()["missing"]) == (1, 2)
    facil = client.post(
        "/api/observations/sync-status", json={"ids": [not_mine["id"]]}, headers=staff.facilitator
    )
    assert facil.json()["held"] == 1


def test_observed_at_in_the_recent_past_and_small_skew_are_accepted(
    client: TestClient, walk: dict[str, Any], participant: Headers
) -> None:
    soon = (datetime.now(UTC) + timedelta(seconds=60)).isoformat()
    body = walk_obs(walk["id"], *OUTSIDE_QPV, observed_at=soon)
    assert client.post("/api/observations", json=body, headers=participant).status_code == 201


def test_qpv_of_both_generations_are_attributed_at_insert(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
    shared_data: Any,
) -> None:
    from geo.qpv.read import read_2024_codes
    from geo.qpv.repo import carry_contours

    carry_contours(conn, read_2024_codes(shared_data / "qpv" / "qpv_2024_codes_dep44.csv"), "test")
    body = walk_obs(walk["id"], *point_in("QP044013"))
    stored = client.post("/api/observations", json=body, headers=participant).json()
    assert [(q["code"][:2], q["generation"]) for q in stored["qpv"]] == [("QP", 2015), ("QN", 2024)]
    row = conn.execute("SELECT qpv_codes FROM observation_versions").fetchone()
    assert row is not None and row[0] == [q["code"] for q in stored["qpv"]]
