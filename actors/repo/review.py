"""SQL of import runs, likely duplicates, and the places a resident can pick (communes,
quartiers)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row

from actors.repo.records import _json_default
from geo.errors import InvariantError


def start_import(conn: psycopg.Connection[Any], path: str, fmt: str, by_login: str | None) -> int:
    row = conn.execute(
        "INSERT INTO actor_import (path, format, by_login) VALUES (%s, %s, %s) RETURNING id",
        (path, fmt, by_login),
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return int(row[0])


def finish_import(conn: psycopg.Connection[Any], import_id: int, summary: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE actor_import SET summary = %s::jsonb WHERE id = %s",
        (json.dumps(summary, default=_json_default), import_id),
    )


def neighbours(
    conn: psycopg.Connection[Any], lon: float, lat: float, within_m: float
) -> list[tuple[uuid.UUID, str, str, str, float]]:
    """Stored actors within ``within_m`` metres: (id, source, source_id, nom, distance)."""
    rows = conn.execute(
        """
        SELECT id, source, source_id, nom,
               ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)
                           ::geography) AS d
        FROM actor
        WHERE ST_DWithin(geom::geography,
                         ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, %(m)s)
        ORDER BY d
        """,
        {"lon": lon, "lat": lat, "m": within_m},
    ).fetchall()
    return [(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]


def duplicate_state(conn: psycopg.Connection[Any], source: str, source_id: str) -> str | None:
    """``confirme`` when a reviewer said this input row is a known actor; else the latest
    state or None."""
    row = conn.execute(
        """
        SELECT state FROM actor_duplicate WHERE source = %s AND source_id = %s
        ORDER BY (state = 'confirme') DESC, id DESC LIMIT 1
        """,
        (source, source_id),
    ).fetchone()
    return str(row[0]) if row else None


def save_duplicate(
    conn: psycopg.Connection[Any],
    import_id: int | None,
    existing_id: uuid.UUID,
    record: dict[str, Any],
    distance_m: float,
    similarity: float,
) -> None:
    conn.execute(
        """
        INSERT INTO actor_duplicate (import_id, existing_id, source, source_id, nom, distance_m,
                                     similarity, record)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb)
        ON CONFLICT (source, source_id, existing_id) DO UPDATE SET
            import_id = EXCLUDED.import_id, nom = EXCLUDED.nom,
            distance_m = EXCLUDED.distance_m, similarity = EXCLUDED.similarity,
            record = EXCLUDED.record
        """,
        (
            import_id,
            existing_id,
            record["source"],
            record["source_id"],
            record["nom"],
            distance_m,
            similarity,
            json.dumps(record, default=_json_default),
        ),
    )


def list_duplicates(conn: psycopg.Connection[Any], state: str | None) -> list[dict[str, Any]]:
    cur = conn.cursor(row_factory=dict_row)
    return cur.execute(
        """
        SELECT d.id, d.state, d.source, d.source_id, d.nom, d.distance_m, d.similarity,
               d.existing_id, a.nom AS existing_nom, d.import_id, d.created_at, d.record
        FROM actor_duplicate d JOIN actor a ON a.id = d.existing_id
        WHERE %(state)s::text IS NULL OR d.state = %(state)s
        ORDER BY d.created_at DESC, d.id DESC
        """,
        {"state": state},
    ).fetchall()


def get_duplicate(conn: psycopg.Connection[Any], dup_id: int) -> dict[str, Any] | None:
    cur = conn.cursor(row_factory=dict_row)
    return cur.execute(
        "SELECT * FROM actor_duplicate WHERE id = %s FOR UPDATE", (dup_id,)
    ).fetchone()


def resolve_duplicate(
    conn: psycopg.Connection[Any], dup_id: int, state: str, by_login: str | None
) -> None:
    conn.execute(
        """
        UPDATE actor_duplicate SET state = %s, resolved_at = now(), resolved_by = %s
        WHERE id = %s
        """,
        (state, by_login, dup_id),
    )


def communes(
    conn: psycopg.Connection[Any], territory_id: str | None = None
) -> list[tuple[str, list[str], int]]:
    """Communes having public actors: (INSEE code, spellings met, number of actors)."""
    rows = conn.execute(
        """
        SELECT code_insee, array_agg(DISTINCT commune), count(*)
        FROM actor
        WHERE code_insee IS NOT NULL AND commune IS NOT NULL
          AND visibility = 'public' AND status <> 'fermee'
          AND (%(t)s::text IS NULL OR NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL)
               OR territory_sees(%(t)s, geom))
        GROUP BY code_insee
        """,
        {"t": territory_id},
    ).fetchall()
    return [(r[0], list(r[1]), int(r[2])) for r in rows]


def quartiers(
    conn: psycopg.Connection[Any], territory_id: str, generation: int
) -> list[tuple[str, str, list[str]]]:
    """QPV of the generation that touch the territory: (code, name, communes), by name."""
    rows = conn.execute(
        """
        SELECT q.code, q.name, q.communes
        FROM qpv q JOIN territory t ON t.id = %s AND ST_Intersects(q.geom, t.geom)
        WHERE q.generation = %s
        ORDER BY q.name, q.code
        """,
        (territory_id, generation),
    ).fetchall()
    return [(r[0], r[1], list(r[2])) for r in rows]


def quartier_point(
    conn: psycopg.Connection[Any], code: str, generation: int
) -> tuple[float, float, str] | None:
    """A point inside the QPV (``ST_PointOnSurface``) and its name."""
    row = conn.execute(
        """
        SELECT ST_X(p), ST_Y(p), name
        FROM (SELECT ST_PointOnSurface(geom) AS p, name FROM qpv
              WHERE code = %s AND generation = %s) q
        """,
        (code, generation),
    ).fetchone()
    return (float(row[0]), float(row[1]), str(row[2])) if row else None
