"""The participant's submission in one statement (issue 19): same answers as the checks in
Python, the token checked by the database at the moment of the insert, and the caller refused
before any detail about the body."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from psycopg import _queries

from surveys.repo import observations as repo
from tests.surveys.conftest import Headers, Staff, count_rows, walk_obs

TRANSIENT = {"received_at"}
HERE = (-1.5249, 47.2153)  # Malakoff, Nantes


def test_the_statements_stay_in_psycopgs_parsed_query_cache() -> None:
    # psycopg parses a statement again on every call when it is longer than this (measured:
    # 13 % of the submission's Python time). A longer statement still works: it is slower.
    limit = _queries.MAX_CACHED_STATEMENT_LENGTH
    assert len(repo._SUBMIT.encode()) <= limit
    assert len(repo._INSERT.encode()) <= limit


def _token_hash(headers: Headers) -> bytes:
    return hashlib.sha256(headers["Authorization"].removeprefix("Bearer ").encode()).digest()


def test_the_one_statement_answer_is_the_observation_as_read_back(
    client: TestClient, walk: dict[str, Any], participant: Headers
) -> None:
    body = walk_obs(walk["id"], *HERE, stop_id=walk["stops"][0]["id"])
    created = client.post("/api/observations", json=body, headers=participant)
    assert created.status_code == 201, created.text
    read = client.get(f"/api/observations/{body['id']}", headers=participant)
    assert read.status_code == 200
    got = {k: v for k, v in created.json().items() if k not in TRANSIENT}
    assert got == {k: v for k, v in read.json().items() if k not in TRANSIENT}
    assert got["location"]["coordinates"] == body["location"]["coordinates"]  # her own: exact
    assert got["author"] is None and got["history"] is None and got["photos"] == []
    # a resend is answered from the stored row, identical
    again = client.post("/api/observations", json=body, headers=participant)
    assert again.status_code == 200
    assert {k: v for k, v in again.json().items() if k not in TRANSIENT} == got


def test_revocation_and_expiry_stop_the_next_submission(
    client: TestClient, walk: dict[str, Any], participant: Headers, conn: psycopg.Connection[Any]
) -> None:
    first = client.post("/api/observations", json=walk_obs(walk["id"], *HERE), headers=participant)
    assert first.status_code == 201
    digest = _token_hash(participant)
    conn.execute(
        "UPDATE tokens SET expires_at = now() - interval '1 second' WHERE token_hash = %s",
        (digest,),
    )
    before = count_rows(conn, "observations")
    expired = client.post(
        "/api/observations", json=walk_obs(walk["id"], *HERE), headers=participant
    )
    assert expired.status_code == 401
    conn.execute(
        "UPDATE tokens SET expires_at = now() + interval '1 day', revoked_at = now()"
        " WHERE token_hash = %s",
        (digest,),
    )
    revoked = client.post(
        "/api/observations", json=walk_obs(walk["id"], *HERE), headers=participant
    )
    assert revoked.status_code == 401
    assert count_rows(conn, "observations") == before


def test_callers_who_may_not_submit_learn_nothing_about_the_body(
    client: TestClient, walk: dict[str, Any], staff: Staff, conn: psycopg.Connection[Any]
) -> None:
    bad = {"id": "pas-un-uuid", "kind": "marche", "location": {"type": "Point"}}
    valid = walk_obs(walk["id"], *HERE)
    unknown = {"Authorization": "Bearer cg_" + uuid.uuid4().hex}
    assert client.post("/api/observations", json=bad, headers=unknown).status_code == 401
    assert client.post("/api/observations", json=valid, headers=unknown).status_code == 401
    assert client.post("/api/observations", content=b"{", headers=unknown).status_code == 401
    before = count_rows(conn, "observations")
    for headers in (staff.moderator,):
        assert client.post("/api/observations", json=bad, headers=headers).status_code == 403
        assert client.post("/api/observations", json=valid, headers=headers).status_code == 403
    assert client.post("/api/observations", json=bad).status_code == 401  # no token at all
    assert count_rows(conn, "observations") == before
    # a caller who may submit gets the detail
    detail = client.post("/api/observations", json=bad, headers=staff.facilitator)
    assert detail.status_code == 422


def test_staff_and_refused_participants_take_the_checks_in_python(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    conn: psycopg.Connection[Any],
) -> None:
    # the walk's facilitator writes with her staff token: created, her login as author
    mine = client.post(
        "/api/observations", json=walk_obs(walk["id"], *HERE), headers=staff.facilitator
    )
    assert mine.status_code == 201, mine.text
    # another facilitator may not write to that walk; the participant may not write elsewhere
    theirs = walk_obs(walk["id"], *HERE)
    other = client.post("/api/observations", json=theirs, headers=staff.facilitator2)
    assert other.status_code == 422 and "marche inconnue" in other.json()["detail"]  # as unknown
    elsewhere = walk_obs(str(uuid.uuid4()), *HERE)
    assert client.post("/api/observations", json=elsewhere, headers=participant).status_code == 422
    # a stop of no walk of hers, a point outside the territory: refused with the reason
    stray = walk_obs(walk["id"], *HERE, stop_id=str(uuid.uuid4()))
    refused = client.post("/api/observations", json=stray, headers=participant)
    assert refused.status_code == 422 and "étape" in refused.json()["detail"]
    outside = client.post(
        "/api/observations", json=walk_obs(walk["id"], 2.35, 48.85), headers=participant
    )
    assert outside.status_code == 422
    rows = conn.execute(
        "SELECT count(*) FROM observations WHERE id = ANY(%s)",
        ([uuid.UUID(o["id"]) for o in (elsewhere, stray, theirs)],),
    ).fetchone()
    assert rows is not None and rows[0] == 0


def test_an_unchecked_token_cannot_make_the_server_read_a_large_body(
    client: TestClient, walk: dict[str, Any], participant: Headers
) -> None:
    # the token is checked with the insert, after the body is read: the body stays small
    body = walk_obs(walk["id"], *HERE, comment="x" * 2000)
    padded = json.dumps(body) + " " * (70 * 1024)  # valid JSON, over 64 KiB
    unknown = {"Authorization": "Bearer cg_" + uuid.uuid4().hex, "Content-Type": "application/json"}
    assert client.post("/api/observations", content=padded, headers=unknown).status_code == 413
    assert (
        client.post(
            "/api/observations",
            content=padded,
            headers={**participant, "Content-Type": "application/json"},
        ).status_code
        == 413
    )
    # the largest observation the grid allows is far below the cap
    assert client.post("/api/observations", json=body, headers=participant).status_code == 201
