"""SQL of the actors' self-update: links sent by e-mail (kept as the SHA-256 of their token),
the proposals they bring back, and their review."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

from actors.repo.records import _json_default
from geo.errors import InvariantError


def add_link(
    conn: psycopg.Connection[Any],
    token_hash: bytes,
    actor_id: uuid.UUID,
    sent_to: str,
    sent_by: str | None,
    expires: datetime,
) -> int:
    row = conn.execute(
        """
        INSERT INTO actor_update_link (token_hash, actor_id, sent_to, sent_by, expires_at)
        VALUES (%s, %s, %s, %s, %s) RETURNING id
        """,
        (token_hash, actor_id, sent_to, sent_by, expires),
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return int(row[0])


def delivery_failed(conn: psycopg.Connection[Any], link_id: int, error: str) -> None:
    """A link whose e-mail did not leave can never be used (nobody holds it)."""
    conn.execute(
        "UPDATE actor_update_link SET delivery_error = %s, used_at = now() WHERE id = %s",
        (error, link_id),
    )


_LIVE = "token_hash = %s AND used_at IS NULL AND expires_at > now()"


def live_link(conn: psycopg.Connection[Any], token_hash: bytes) -> tuple[int, uuid.UUID] | None:
    """(link id, actor id) of a link neither used nor expired."""
    row = conn.execute(
        f"SELECT id, actor_id FROM actor_update_link WHERE {_LIVE}", (token_hash,)
    ).fetchone()
    return (int(row[0]), row[1]) if row else None


def consume(conn: psycopg.Connection[Any], token_hash: bytes) -> tuple[int, uuid.UUID] | None:
    """Mark a live link used, atomically (two submissions of one link: one wins)."""
    row = conn.execute(
        f"UPDATE actor_update_link SET used_at = now() WHERE {_LIVE} RETURNING id, actor_id",
        (token_hash,),
    ).fetchone()
    return (int(row[0]), row[1]) if row else None


def add_proposal(
    conn: psycopg.Connection[Any],
    link_id: int,
    actor_id: uuid.UUID,
    unchanged: bool,
    changes: dict[str, Any],
    note: str | None,
) -> int:
    row = conn.execute(
        """
        INSERT INTO actor_proposal (link_id, actor_id, unchanged, changes, note)
        VALUES (%s, %s, %s, %s::jsonb, %s) RETURNING id
        """,
        (link_id, actor_id, unchanged, json.dumps(changes, default=_json_default), note),
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return int(row[0])


_PROPOSAL = """
    SELECT p.id, p.actor_id, a.nom, a.commune, p.submitted_at, p.unchanged, p.changes, p.note,
           p.state, p.reviewed_at, p.reviewed_by, l.sent_to
    FROM actor_proposal p
    JOIN actor a ON a.id = p.actor_id
    JOIN actor_update_link l ON l.id = p.link_id
"""


def proposals(conn: psycopg.Connection[Any], state: str | None) -> list[dict[str, Any]]:
    """Proposals in one state (None: all), oldest first."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            _PROPOSAL + " WHERE %(state)s::text IS NULL OR p.state = %(state)s"
            " ORDER BY p.submitted_at, p.id",
            {"state": state},
        ).fetchall()


def proposal(
    conn: psycopg.Connection[Any], proposal_id: int, lock: bool = False
) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            _PROPOSAL + " WHERE p.id = %s" + (" FOR UPDATE OF p" if lock else ""),
            (proposal_id,),
        ).fetchone()


def decide(
    conn: psycopg.Connection[Any], proposal_id: int, state: str, by_login: str | None
) -> None:
    conn.execute(
        """
        UPDATE actor_proposal SET state = %s, reviewed_at = now(), reviewed_by = %s
        WHERE id = %s AND state = 'a_examiner'
        """,
        (state, by_login, proposal_id),
    )


def links_of(conn: psycopg.Connection[Any], actor_id: uuid.UUID) -> list[dict[str, Any]]:
    """The links sent to an actor, newest first (never their token)."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            """
            SELECT id, sent_to, sent_by, created_at, expires_at, used_at, delivery_error
            FROM actor_update_link WHERE actor_id = %s ORDER BY created_at DESC, id DESC
            """,
            (actor_id,),
        ).fetchall()


def recently_sent(conn: psycopg.Connection[Any], days: int) -> set[uuid.UUID]:
    """Actors with a link sent less than ``days`` ago that is still usable or was used."""
    rows = conn.execute(
        """
        SELECT DISTINCT actor_id FROM actor_update_link
        WHERE created_at > now() - make_interval(days => %s) AND delivery_error IS NULL
        """,
        (days,),
    ).fetchall()
    return {r[0] for r in rows}
