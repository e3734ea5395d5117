"""SQL of the demonstration data: positions around a QPV, removal of every demo row."""

from __future__ import annotations

from typing import Any

import psycopg

from geo.errors import InvariantError


def point_near(
    conn: psycopg.Connection[Any], qpv_code: str, dx: float, dy: float
) -> tuple[float, float] | None:
    """A point ``dx``, ``dy`` metres (EPSG:2154) away from a point inside ``qpv_code``."""
    row = conn.execute(
        """
        SELECT ST_X(p), ST_Y(p) FROM (
            SELECT ST_Transform(ST_Translate(ST_Transform(ST_PointOnSurface(geom), 2154),
                                             %s, %s), 4326) AS p
            FROM qpv WHERE code = %s ORDER BY generation LIMIT 1) s
        """,
        (dx, dy, qpv_code),
    ).fetchone()
    return (round(row[0], 7), round(row[1], 7)) if row else None


def remove(conn: psycopg.Connection[Any]) -> int:
    """Delete every row flagged ``demo`` (walks with their stops, participants and tokens,
    observations with versions, photos and transitions, actions); returns walks removed."""
    conn.execute("DELETE FROM actions WHERE demo")
    conn.execute("DELETE FROM observations WHERE demo")
    conn.execute("DELETE FROM walk_transitions t USING walks w WHERE t.walk_id = w.id AND w.demo")
    conn.execute("UPDATE walks SET paired_walk_id = NULL WHERE demo")
    return conn.execute("DELETE FROM walks WHERE demo").rowcount


def count(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Rows flagged ``demo`` per table."""
    row = conn.execute(
        """
        SELECT (SELECT count(*) FROM walks WHERE demo),
               (SELECT count(*) FROM participants WHERE demo),
               (SELECT count(*) FROM observations WHERE demo),
               (SELECT count(*) FROM actions WHERE demo)
        """
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return dict(zip(("walks", "participants", "observations", "actions"), row, strict=True))
