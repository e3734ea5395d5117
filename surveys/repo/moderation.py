"""SQL of the moderation queue: observations waiting for a decision, oldest first, without any
place (the queue shows texts and photos, never a location)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row

from surveys.policy import Scope
from surveys.repo.observations import scope_sql


@dataclass(frozen=True)
class QueueRow:
    id: uuid.UUID
    kind: str
    received_at: datetime
    observed_at: datetime
    walk_id: uuid.UUID | None
    walk_title: str | None
    qpv_codes: list[str]
    theme: str | None
    category: str | None
    comment: str | None
    proposal: str | None
    photo_ids: list[uuid.UUID]
    demo: bool
    total: int


def pending(
    conn: psycopg.Connection[Any],
    scope: Scope,
    state: str,
    filters: dict[str, Any],
    limit: int,
    offset: int,
) -> list[QueueRow]:
    """One page of the observations in moderation ``state`` visible in ``scope``, oldest first
    (each row carries the total count of the filtered queue)."""
    where, params = scope_sql(scope)
    cur = conn.cursor(row_factory=class_row(QueueRow))
    return cur.execute(
        f"""
        SELECT c.id, c.kind, c.received_at, c.observed_at, c.walk_id, w.title AS walk_title,
               c.qpv_codes, c.theme, c.category, c.comment, c.proposal, c.photo_ids, c.demo,
               count(*) OVER () AS total
        FROM observation_current c
        LEFT JOIN walks w ON w.id = c.walk_id
        WHERE {where} AND NOT c.deleted AND c.moderation = %(state)s
          AND (%(walk_id)s::uuid IS NULL OR c.walk_id = %(walk_id)s)
          AND (%(qpv)s::text IS NULL OR %(qpv)s = ANY(c.qpv_codes))
          AND (%(theme)s::text IS NULL OR c.theme = %(theme)s OR c.category = %(theme)s)
        ORDER BY c.received_at, c.id
        LIMIT %(lim)s OFFSET %(off)s
        """,
        {
            **params,
            "state": state,
            "walk_id": filters.get("walk_id"),
            "qpv": filters.get("qpv"),
            "theme": filters.get("theme"),
            "lim": limit,
            "off": offset,
        },
    ).fetchall()


def count(conn: psycopg.Connection[Any], scope: Scope, state: str) -> int:
    """How many observations wait in ``state`` in ``scope`` (no filter)."""
    where, params = scope_sql(scope)
    row = conn.execute(
        f"""SELECT count(*) FROM observation_current c LEFT JOIN walks w ON w.id = c.walk_id
        WHERE {where} AND NOT c.deleted AND c.moderation = %(state)s""",
        {**params, "state": state},
    ).fetchone()
    return int(row[0]) if row else 0
