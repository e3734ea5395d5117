"""SQL of the delivery of routed reports to their responsible body: what the e-mail says (the
place through the one field-level rule, :mod:`surveys.repo.located`) and each attempt."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row

from surveys.policy import View
from surveys.repo import located


def report(conn: psycopg.Connection[Any], obs_id: uuid.UUID, view: View) -> dict[str, Any] | None:
    """The routed report as ``view`` may see it, with its body's e-mail address (or None)."""
    cur = conn.cursor(row_factory=dict_row)
    return cur.execute(
        f"""
        SELECT c.responsible_body AS body, c.category, c.theme,
               {located.shown_text("comment")} AS comment,
               ST_Y({located.point()}) AS lat, ST_X({located.point()}) AS lon,
               u.email
        FROM observation_current c
        LEFT JOIN users u ON u.role = 'body' AND u.organisation = c.responsible_body
                         AND u.disabled_at IS NULL
        WHERE c.id = %(id)s
        """,
        {**located.params(view), "id": obs_id},
    ).fetchone()


def record(
    conn: psycopg.Connection[Any],
    obs_id: uuid.UUID,
    body: str,
    recipient: str | None,
    error: str | None,
) -> None:
    conn.execute(
        "INSERT INTO report_deliveries (observation_id, body, recipient, channel, error) "
        "VALUES (%s, %s, %s, 'email', %s)",
        (obs_id, body, recipient, error),
    )
