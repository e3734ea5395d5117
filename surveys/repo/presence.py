"""SQL of the presence counts: insert once per client id, where the place is, and the counts
grouped the way the dashboards publish them."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from surveys.presence import PresenceInput


def place_of(conn: psycopg.Connection[Any], p: PresenceInput) -> tuple[float, float] | None:
    """(lon, lat) of the facility, or of the stop of that walk; None when unknown."""
    if p.facility_id is not None:
        row = conn.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM sport_facility WHERE id = %s", (p.facility_id,)
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM walk_stops WHERE id = %s AND walk_id = %s",
            (p.stop_id, p.walk_id),
        ).fetchone()
    return (float(row[0]), float(row[1])) if row else None


def existing_hash(conn: psycopg.Connection[Any], count_id: uuid.UUID) -> bytes | None:
    row = conn.execute(
        "SELECT payload_hash FROM presence_count WHERE id = %s", (count_id,)
    ).fetchone()
    return bytes(row[0]) if row else None


def insert(
    conn: psycopg.Connection[Any],
    p: PresenceInput,
    territory: str,
    author_user_id: uuid.UUID | None,
    participant_id: uuid.UUID | None,
) -> bool:
    """True when stored now; False when this id was already stored (a resend)."""
    row = conn.execute(
        """
        INSERT INTO presence_count (id, facility_id, stop_id, walk_id, observed_at, minutes,
                                    counts, author_user_id, participant_id, territory,
                                    payload_hash)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (id) DO NOTHING
        RETURNING 1
        """,
        (
            p.id,
            p.facility_id,
            p.stop_id,
            p.walk_id,
            p.observed_at,
            p.minutes,
            Jsonb(p.counts),
            author_user_id,
            participant_id,
            territory,
            p.payload_hash,
        ),
    ).fetchone()
    return row is not None


_SESSIONS = """
WITH s AS (
    SELECT p.id, p.observed_at, p.counts,
           COALESCE(f.id, 'arret:' || p.stop_id::text) AS place,
           COALESCE(f.name, st.name) AS place_name,
           COALESCE(f.qpv_code, (
               SELECT q.code FROM qpv q
               WHERE q.generation = %(g)s AND ST_Intersects(q.geom, st.geom) LIMIT 1)) AS qpv,
           CASE WHEN extract(hour FROM p.observed_at AT TIME ZONE 'Europe/Paris')
                     BETWEEN 7 AND 19 THEN 'jour' ELSE 'soir_nuit' END AS daypart,
           CASE WHEN extract(isodow FROM p.observed_at AT TIME ZONE 'Europe/Paris') >= 6
                THEN 'week_end' ELSE 'semaine' END AS week,
           to_char(p.observed_at AT TIME ZONE 'Europe/Paris', 'YYYY-"T"Q') AS quarter
    FROM presence_count p
    LEFT JOIN sport_facility f ON f.id = p.facility_id
    LEFT JOIN walk_stops st ON st.id = p.stop_id
    WHERE NOT p.demo
)
SELECT place, place_name, daypart, week, quarter, counts FROM s WHERE qpv = %(code)s
"""


def sessions_of_qpv(
    conn: psycopg.Connection[Any], code: str, generation: int
) -> list[dict[str, Any]]:
    """Every counting session at a place of the QPV (its facilities and walk stops): place,
    its name, day part, week part, quarter and the counts."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(_SESSIONS, {"code": code, "g": generation}).fetchall()
