"""SQL of the follow-up: transitions (audit rows) and routing rules."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from geo.errors import InvariantError
from surveys.models import TransitionInput


def insert_transition(
    conn: psycopg.Connection[Any],
    obs_id: uuid.UUID,
    machine: str,
    data: TransitionInput,
    current: str,
    target: str,
    responsible_body: str | None,
    actor: uuid.UUID,
) -> uuid.UUID:
    """Write the audit row of a follow-up or moderation transition; returns its id."""
    row = conn.execute(
        """
        INSERT INTO observation_transitions (id, observation_id, machine, action, from_state,
                                             to_state, comment, responsible_body, actor_user_id)
        VALUES (COALESCE(%s, gen_random_uuid()), %s, %s, %s, %s, %s, %s, %s, %s)
        RETURNING id
        """,
        (
            data.id,
            obs_id,
            machine,
            data.action,
            current,
            target,
            data.comment,
            responsible_body,
            actor,
        ),
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return uuid.UUID(str(row[0]))


def find_transition(
    conn: psycopg.Connection[Any], transition_id: uuid.UUID
) -> dict[str, Any] | None:
    """A stored transition (for idempotent retries of the same client id)."""
    row = conn.execute(
        """
        SELECT observation_id, action, comment, responsible_body, actor_user_id
        FROM observation_transitions WHERE id = %s
        """,
        (transition_id,),
    ).fetchone()
    keys = ("observation_id", "action", "comment", "responsible_body", "actor_user_id")
    return dict(zip(keys, row, strict=True)) if row else None


def route(conn: psycopg.Connection[Any], category: str, qpv_codes: tuple[str, ...]) -> str | None:
    """The responsible body for ``category``: a rule of one of ``qpv_codes`` first, else the
    rule valid everywhere, else None."""
    row = conn.execute(
        """
        SELECT body FROM routing_rules
        WHERE category = %s AND (qpv_code IS NULL OR qpv_code = ANY(%s))
        ORDER BY qpv_code IS NULL, qpv_code
        LIMIT 1
        """,
        (category, list(qpv_codes)),
    ).fetchone()
    return str(row[0]) if row else None


def list_rules(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Every routing rule, by category (rules valid everywhere first)."""
    rows = conn.execute(
        """
        SELECT r.id, r.category, r.qpv_code, r.body, r.note, u.login, r.updated_at
        FROM routing_rules r LEFT JOIN users u ON u.id = r.updated_by
        ORDER BY r.category, r.qpv_code NULLS FIRST
        """
    ).fetchall()
    keys = ("id", "category", "qpv_code", "body", "note", "updated_by", "updated_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def upsert_rule(
    conn: psycopg.Connection[Any],
    category: str,
    qpv_code: str | None,
    body: str,
    note: str | None,
    user_id: uuid.UUID,
) -> tuple[int, bool]:
    """Create or override the rule of (category, qpv_code); (id, created)."""
    row = conn.execute(
        """
        INSERT INTO routing_rules (category, qpv_code, body, note, updated_by)
        VALUES (%s, %s, %s, %s, %s)
        ON CONFLICT (category, qpv_code) DO UPDATE SET
            body = EXCLUDED.body, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by,
            updated_at = now()
        RETURNING id, (xmax = 0)
        """,
        (category, qpv_code, body, note, user_id),
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return int(row[0]), bool(row[1])


def rule_qpv(conn: psycopg.Connection[Any], rule_id: int) -> tuple[bool, str | None]:
    """(exists, QPV code or None when valid everywhere) of a routing rule."""
    row = conn.execute("SELECT qpv_code FROM routing_rules WHERE id = %s", (rule_id,)).fetchone()
    return (row is not None, row[0] if row else None)


def delete_rule(conn: psycopg.Connection[Any], rule_id: int) -> bool:
    """Delete a rule; False when it did not exist."""
    return conn.execute("DELETE FROM routing_rules WHERE id = %s", (rule_id,)).rowcount == 1
