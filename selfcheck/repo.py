"""Every SQL statement of the self-check. ``conn`` first; never commits; driver errors are
translated here (``UniqueViolation`` → :class:`Conflict`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from geo.errors import Conflict, InvariantError
from selfcheck.models import GroupSession, Testimony

# --- places ------------------------------------------------------------------------------------


def qpv_centroid(
    conn: psycopg.Connection[Any], territory_id: str, code: str, generation: int
) -> tuple[float, float, str] | None:
    """Centroid (lon, lat) and name of a QPV of ``generation`` touching the territory."""
    row = conn.execute(
        """
        SELECT ST_X(c), ST_Y(c), name FROM (
            SELECT ST_Centroid(q.geom) AS c, q.name
            FROM qpv q JOIN territory t ON t.id = %s AND ST_Intersects(q.geom, t.geom)
            WHERE q.code = %s AND q.generation = %s
        ) x
        """,
        (territory_id, code, generation),
    ).fetchone()
    return (float(row[0]), float(row[1]), str(row[2])) if row else None


def territory_communes(conn: psycopg.Connection[Any], territory_id: str) -> list[tuple[str, str]]:
    """(INSEE code, name) of the communes the territory lists, by name (may be empty)."""
    rows = conn.execute(
        "SELECT insee_code, name FROM territory_commune WHERE territory_id = %s ORDER BY name",
        (territory_id,),
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def commune_point(conn: psycopg.Connection[Any], insee: str) -> tuple[float, float] | None:
    """Centre of the public places of the directory in a commune (the project holds no
    commune boundaries): the centroid of their points, or None when it has none."""
    row = conn.execute(
        """
        SELECT ST_X(c), ST_Y(c) FROM (
            SELECT ST_Centroid(ST_Collect(geom)) AS c FROM actor
            WHERE code_insee = %s AND visibility = 'public' AND status <> 'fermee'
        ) x WHERE c IS NOT NULL
        """,
        (insee,),
    ).fetchone()
    return (float(row[0]), float(row[1])) if row else None


# --- testimonies -------------------------------------------------------------------------------


def insert_testimony(conn: psycopg.Connection[Any], t: Testimony) -> None:
    conn.execute(
        """
        INSERT INTO selfcheck_testimony (grounds, domain, qpv, commune, month, age_band)
        VALUES (%s, %s, %s, %s, %s, %s)
        """,
        (list(t.grounds), t.domain, t.qpv, t.commune, t.month, t.age_band),
    )


BREAKDOWN_KEYS = {
    "place": "coalesce(t.qpv, t.commune)",
    "place_kind": "CASE WHEN t.qpv IS NOT NULL THEN 'qpv' ELSE 'commune' END",
    "ground": "g.ground",
    "domain": "t.domain",
    "year": "extract(year FROM t.month)::int",
    "month": "to_char(t.month, 'YYYY-MM')",
    "age_band": "t.age_band",
}
"""What counts may be broken down by (constant SQL fragments, never user input)."""


def breakdown(
    conn: psycopg.Connection[Any],
    keys: tuple[str, ...],
    min_count: int,
    territory_id: str | None = None,
) -> list[dict[str, Any]]:
    """Counts of testimonies per combination of ``keys``, only those ≥ ``min_count`` (the
    smaller ones never leave the database). With ``ground``, a testimony counts once per
    ground it names (none: ``null``)."""
    columns = [sql.SQL(BREAKDOWN_KEYS[k]) + sql.SQL(" AS ") + sql.Identifier(k) for k in keys]
    lateral = (
        sql.SQL("LEFT JOIN LATERAL unnest(t.grounds) AS g(ground) ON true")
        if "ground" in keys
        else sql.SQL("")
    )
    query = sql.SQL(
        "SELECT {cols}, count(*) AS n FROM selfcheck_testimony t {lateral} "
        "WHERE %s::text IS NULL "
        "OR NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL) "
        "OR territory_sees_place(%s, t.qpv, t.commune) "
        "GROUP BY {groups} HAVING count(*) >= %s ORDER BY n DESC, {groups}"
    ).format(
        cols=sql.SQL(", ").join(columns),
        lateral=lateral,
        groups=sql.SQL(", ").join(sql.SQL(str(i + 1)) for i in range(len(keys))),
    )
    rows = conn.execute(query, (territory_id, territory_id, min_count)).fetchall()
    return [{**dict(zip(keys, row[:-1], strict=True)), "n": int(row[-1])} for row in rows]


def total_testimonies(conn: psycopg.Connection[Any], territory_id: str | None = None) -> int:
    row = conn.execute(
        "SELECT count(*) FROM selfcheck_testimony t "
        "WHERE %(t)s::text IS NULL "
        "OR NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL) "
        "OR territory_sees_place(%(t)s, t.qpv, t.commune)",
        {"t": territory_id},
    ).fetchone()
    return int(row[0]) if row else 0


# --- group sessions ----------------------------------------------------------------------------

_SESSION = """
    SELECT s.id, s.code, s.label, s.created_by, s.created_at, s.open_until, s.closed_at,
           (SELECT count(*) FROM selfcheck_group_answer a WHERE a.session_id = s.id)::int
               AS answers
    FROM selfcheck_session s
"""


def create_session(
    conn: psycopg.Connection[Any],
    code: str,
    key_hash: bytes,
    label: str | None,
    created_by: uuid.UUID | None,
    open_until: datetime,
) -> uuid.UUID:
    try:
        row = conn.execute(
            """
            INSERT INTO selfcheck_session (code, results_key_hash, label, created_by, open_until)
            VALUES (%s, %s, %s, %s, %s) RETURNING id
            """,
            (code, key_hash, label, created_by, open_until),
        ).fetchone()
    except pg_errors.UniqueViolation as exc:
        raise Conflict(f"code de séance déjà utilisé : {code}") from exc
    if row is None:
        raise InvariantError("expected row is not None")
    return uuid.UUID(str(row[0]))


def session_by_code(conn: psycopg.Connection[Any], code: str) -> GroupSession | None:
    cur = conn.cursor(row_factory=class_row(GroupSession))
    return cur.execute(_SESSION + " WHERE s.code = %s", (code,)).fetchone()


def session_key_matches(conn: psycopg.Connection[Any], code: str, key_hash: bytes) -> bool:
    row = conn.execute(
        "SELECT results_key_hash = %s FROM selfcheck_session WHERE code = %s", (key_hash, code)
    ).fetchone()
    return bool(row and row[0])


def sessions_of(conn: psycopg.Connection[Any], user_id: uuid.UUID | None) -> list[GroupSession]:
    """Sessions created by ``user_id`` (every session when None), newest first."""
    cur = conn.cursor(row_factory=class_row(GroupSession))
    return cur.execute(
        _SESSION + " WHERE %(u)s::uuid IS NULL OR s.created_by = %(u)s ORDER BY s.created_at DESC",
        {"u": user_id},
    ).fetchall()


def close_session(conn: psycopg.Connection[Any], session_id: uuid.UUID) -> None:
    conn.execute(
        "UPDATE selfcheck_session SET closed_at = coalesce(closed_at, now()) WHERE id = %s",
        (session_id,),
    )


def insert_group_answer(
    conn: psycopg.Connection[Any],
    session_id: uuid.UUID,
    situation: str,
    reasons: tuple[str, ...],
    domain: str | None,
    outcome: str,
    wishes: tuple[str, ...],
) -> None:
    conn.execute(
        """
        INSERT INTO selfcheck_group_answer (session_id, situation, reasons, domain, outcome, wishes)
        VALUES (%s, %s, %s, %s, %s, %s)
        """,
        (session_id, situation, list(reasons), domain, outcome, list(wishes)),
    )


GROUP_KEYS = {
    "situation": "SELECT situation, count(*) FROM selfcheck_group_answer WHERE session_id = %s "
    "GROUP BY 1",
    "reason": "SELECT r, count(*) FROM selfcheck_group_answer, unnest(reasons) r "
    "WHERE session_id = %s GROUP BY 1",
    "domain": "SELECT domain, count(*) FROM selfcheck_group_answer WHERE session_id = %s "
    "GROUP BY 1",
    "outcome": "SELECT outcome, count(*) FROM selfcheck_group_answer WHERE session_id = %s "
    "GROUP BY 1",
    "wish": "SELECT w, count(*) FROM selfcheck_group_answer, unnest(wishes) w "
    "WHERE session_id = %s GROUP BY 1",
}


def group_counts(
    conn: psycopg.Connection[Any], session_id: uuid.UUID
) -> dict[str, dict[str | None, int]]:
    """Per question, how many group answers gave each code."""
    out: dict[str, dict[str | None, int]] = {}
    for key, query in GROUP_KEYS.items():
        rows = conn.execute(query, (session_id,)).fetchall()
        out[key] = {row[0]: int(row[1]) for row in rows}
    return out


def place_names(conn: psycopg.Connection[Any], territory_id: str) -> dict[str, str]:
    """Readable names of the QPV (every generation) and of the territory's communes."""
    rows = conn.execute(
        """
        SELECT code, name FROM qpv
        UNION ALL
        SELECT insee_code, name FROM territory_commune WHERE territory_id = %s
        """,
        (territory_id,),
    ).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def snapshot(
    conn: psycopg.Connection[Any], day: date, territory_id: str = ""
) -> dict[str, Any] | None:
    """The public statistics published for ``day`` (None before the day's first read)."""
    row = conn.execute(
        "SELECT body FROM selfcheck_stats_snapshot WHERE day = %s AND audience = 'public' "
        "AND territory = %s",
        (day, territory_id),
    ).fetchone()
    return dict(row[0]) if row else None


def save_snapshot(
    conn: psycopg.Connection[Any], day: date, body: dict[str, Any], territory_id: str = ""
) -> None:
    """Store ``body`` as the day's public statistics unless another worker did first; drop
    the snapshots older than a week."""
    conn.execute(
        "INSERT INTO selfcheck_stats_snapshot (day, audience, body, territory) "
        "VALUES (%s, 'public', %s, %s) ON CONFLICT DO NOTHING",
        (day, Jsonb(body), territory_id),
    )
    conn.execute("DELETE FROM selfcheck_stats_snapshot WHERE day < %s - 7", (day,))
