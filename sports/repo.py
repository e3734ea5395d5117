"""SQL of the sports facilities: upsert an import, attach each facility to the QPV it is in
(or the nearest within reach), and read them per QPV or as GeoJSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import psycopg
from psycopg.rows import dict_row

NEAR_QPV_M = 300
"""A facility outside every QPV is attached to the nearest one within this distance (EPSG:2154
metres): the stadium across the boulevard serves the quartier."""

_UPSERT = """
INSERT INTO sport_facility (id, installation_id, installation, name, kind, family, address,
                            postcode, commune, code_insee, free_access, updated_on, source,
                            source_date, geom)
VALUES (%(id)s, %(installation_id)s, %(installation)s, %(name)s, %(kind)s, %(family)s,
        %(address)s, %(postcode)s, %(commune)s, %(code_insee)s, %(free_access)s,
        %(updated_on)s, %(source)s, %(source_date)s,
        ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
ON CONFLICT (id) DO UPDATE SET
    installation_id = EXCLUDED.installation_id, installation = EXCLUDED.installation,
    name = EXCLUDED.name, kind = EXCLUDED.kind, family = EXCLUDED.family,
    address = EXCLUDED.address, postcode = EXCLUDED.postcode, commune = EXCLUDED.commune,
    code_insee = EXCLUDED.code_insee, free_access = EXCLUDED.free_access,
    updated_on = EXCLUDED.updated_on, source = EXCLUDED.source,
    source_date = EXCLUDED.source_date, geom = EXCLUDED.geom, imported_at = now()
RETURNING (xmax = 0) AS inserted
"""


def upsert(conn: psycopg.Connection[Any], records: list[dict[str, Any]]) -> tuple[int, int]:
    """(inserted, updated)."""
    inserted = updated = 0
    with conn.cursor() as cur:
        for record in records:
            row = cur.execute(_UPSERT, record).fetchone()
            if row and row[0]:
                inserted += 1
            else:
                updated += 1
    return inserted, updated


def attach_qpv(conn: psycopg.Connection[Any], generation: int, ids: list[str]) -> None:
    """Set each facility's QPV: the one containing it, else the nearest within reach."""
    conn.execute(
        """
        UPDATE sport_facility f SET qpv_code = n.code, qpv_generation = %(g)s,
               qpv_distance_m = n.d
        FROM (
            SELECT f2.id, q.code, q.d
            FROM sport_facility f2
            LEFT JOIN LATERAL (
                SELECT q.code, round(ST_Distance(q.geom_l93, f2.geom_l93))::int AS d
                FROM qpv q
                WHERE q.generation = %(g)s AND ST_DWithin(q.geom_l93, f2.geom_l93, %(near)s)
                ORDER BY q.geom_l93 <-> f2.geom_l93, q.code
                LIMIT 1
            ) q ON true
            WHERE f2.id = ANY(%(ids)s)
        ) n
        WHERE f.id = n.id
        """,
        {"g": generation, "near": NEAR_QPV_M, "ids": ids},
    )


def record_import(
    conn: psycopg.Connection[Any],
    source: str,
    source_date: date,
    by_login: str | None,
    summary: dict[str, Any],
) -> int:
    row = conn.execute(
        "INSERT INTO sport_import (source, source_date, by_login, summary) "
        "VALUES (%s, %s, %s, %s::jsonb) RETURNING id",
        (source, source_date, by_login, json.dumps(summary, ensure_ascii=False)),
    ).fetchone()
    return int(row[0]) if row else 0


def of_qpv(conn: psycopg.Connection[Any], code: str) -> list[dict[str, Any]]:
    """The facilities attached to one QPV (inside first, then by distance)."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            """
            SELECT id, name, installation, kind, family, commune, free_access,
                   qpv_distance_m, source, source_date,
                   ST_X(geom) AS lon, ST_Y(geom) AS lat
            FROM sport_facility WHERE qpv_code = %s
            ORDER BY qpv_distance_m, name, id
            """,
            (code,),
        ).fetchall()


def collection(
    conn: psycopg.Connection[Any], territory_id: str | None, qpv_code: str | None = None
) -> str:
    """The facilities (those ``territory_id`` sees; of one QPV when given) as GeoJSON."""
    row = conn.execute(
        """
        SELECT json_build_object('type', 'FeatureCollection', 'features',
            COALESCE(json_agg(json_build_object(
                'type', 'Feature', 'id', f.id,
                'geometry', ST_AsGeoJSON(f.geom, 6)::json,
                'properties', json_build_object(
                    'name', f.name, 'installation', f.installation, 'kind', f.kind,
                    'family', f.family, 'commune', f.commune, 'free_access', f.free_access,
                    'qpv_code', f.qpv_code, 'qpv_distance_m', f.qpv_distance_m,
                    'source', f.source, 'source_date', f.source_date))
                ORDER BY f.name, f.id), '[]'::json))::text
        FROM sport_facility f
        WHERE (%(t)s::text IS NULL OR NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL)
               OR territory_sees(%(t)s, f.geom))
          AND (%(q)s::text IS NULL OR f.qpv_code = %(q)s)
        """,
        {"t": territory_id, "q": qpv_code},
    ).fetchone()
    return str(row[0]) if row else '{"type":"FeatureCollection","features":[]}'


def exists(conn: psycopg.Connection[Any], facility_id: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM sport_facility WHERE id = %s", (facility_id,)).fetchone()
        is not None
    )


def choices(conn: psycopg.Connection[Any], territory_id: str) -> list[tuple[str, str]]:
    """(id, « QPV — name (kind) ») of the facilities attached to a QPV of the territory."""
    rows = conn.execute(
        """
        SELECT f.id, COALESCE(q.name, f.qpv_code) || ' — ' || f.name
               || COALESCE(' (' || f.kind || ')', '')
        FROM sport_facility f
        LEFT JOIN LATERAL (SELECT name FROM qpv WHERE code = f.qpv_code
                           ORDER BY generation DESC LIMIT 1) q ON true
        WHERE f.qpv_code IS NOT NULL AND territory_sees(%s, f.geom)
        ORDER BY 2, f.id
        """,
        (territory_id,),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]
