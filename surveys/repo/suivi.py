"""SQL of a walker's « suivi »: her link, and her own observations with their follow-up and the
actions answering them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row


def insert_link(
    conn: psycopg.Connection[Any], token_hash: bytes, participant_id: uuid.UUID, expires: datetime
) -> None:
    conn.execute(
        "INSERT INTO suivi_links (token_hash, participant_id, expires_at) VALUES (%s, %s, %s)",
        (token_hash, participant_id, expires),
    )


def participant_of(conn: psycopg.Connection[Any], token_hash: bytes) -> uuid.UUID | None:
    """The participant of a link that has not expired."""
    row = conn.execute(
        "SELECT participant_id FROM suivi_links WHERE token_hash = %s AND expires_at > now()",
        (token_hash,),
    ).fetchone()
    return row[0] if row else None


def walk_of(conn: psycopg.Connection[Any], participant_id: uuid.UUID) -> dict[str, Any] | None:
    cur = conn.cursor(row_factory=dict_row)
    return cur.execute(
        """
        SELECT w.id, w.title, w.walk_date, w.time_slot, w.status, w.restitution_text,
               w.bilan_text, p.pseudonym
        FROM participants p JOIN walks w ON w.id = p.walk_id WHERE p.id = %s
        """,
        (participant_id,),
    ).fetchone()


def my_observations(
    conn: psycopg.Connection[Any], participant_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Her observations (not deleted), oldest first, each with the actions answering it."""
    cur = conn.cursor(row_factory=dict_row)
    return cur.execute(
        """
        SELECT c.id, c.observed_at, c.theme, c.category, c.followup, c.responsible_body,
               COALESCE((
                   SELECT json_agg(json_build_object(
                       'title', a.title, 'owner_org', a.owner_org, 'due_date', a.due_date,
                       'status', a.status,
                       'changed_at', COALESCE((SELECT max(t.created_at) FROM action_transitions t
                                               WHERE t.action_id = a.id), a.created_at))
                       ORDER BY a.created_at)
                   FROM action_observations ao JOIN actions a ON a.id = ao.action_id
                   WHERE ao.observation_id = c.id
               ), '[]'::json) AS actions
        FROM observation_current c
        WHERE c.participant_id = %s AND NOT c.deleted
        ORDER BY c.observed_at, c.id
        """,
        (participant_id,),
    ).fetchall()
