"""SQL of the searches: nearest actors (KNN on ``geography``: metres, not degrees), filtered
lists, exports. Features are assembled in SQL (``jsonb_build_object``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.rows import class_row

from actors.models import Actor


@dataclass(frozen=True)
class Filters:
    """What a search keeps. ``None`` means « no filter »; codes are already checked."""

    ground: str | None = None
    domain: str | None = None
    public: str | None = None
    discrimination: bool = False
    """Only actors that handle at least one ground of discrimination."""
    commune: str | None = None
    """INSEE code (5 characters) or commune key (folded name)."""
    tsquery: str | None = None
    """A ``to_tsquery('simple', …)`` text built from safe words only."""
    status: str | None = None
    """Staff only: one status (``fermee`` included when asked)."""
    has_hours: bool = False
    """Only actors with OSM hours (the others can never be « open now »)."""
    ids: tuple[str, ...] | None = None
    territory: str | None = None
    """Only the places this territory sees (SQL ``territory_sees``: its envelope, or for the
    instance's own territory what no added territory holds)."""
    """Only these actors (second step of an « open now » search)."""


@dataclass(frozen=True)
class Viewer:
    """Who looks, and when: anonymous callers see public actors open on ``today`` only."""

    staff: bool
    today: date


WHERE = """
    (%(ground)s::text IS NULL OR a.grounds @> ARRAY[%(ground)s::text])
    AND (%(domain)s::text IS NULL OR a.domains @> ARRAY[%(domain)s::text])
    AND (%(public)s::text IS NULL OR a.publics && ARRAY[%(public)s::text, 'tous_publics'])
    AND (NOT %(discrimination)s OR cardinality(a.grounds) > 0)
    AND (%(commune)s::text IS NULL OR a.code_insee = %(commune)s OR a.commune_key = %(commune)s)
    AND (%(tsquery)s::text IS NULL OR a.search @@ to_tsquery('simple', %(tsquery)s))
    AND (NOT %(has_hours)s OR a.horaires_accueil IS NOT NULL)
    AND (%(ids)s::uuid[] IS NULL OR a.id = ANY(%(ids)s::uuid[]))
    AND (%(territory)s::text IS NULL
         OR NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL)
         OR territory_sees(%(territory)s, a.geom))
    AND CASE WHEN %(staff)s THEN
            CASE WHEN %(status)s::text IS NULL THEN a.status <> 'fermee'
                 ELSE a.status = %(status)s END
        ELSE a.visibility = 'public' AND a.status <> 'fermee'
             AND NOT (a.status = 'temporairement_fermee'
                      AND (a.closed_from IS NULL OR a.closed_from <= %(today)s)
                      AND (a.closed_until IS NULL OR a.closed_until >= %(today)s))
        END
"""

PROPERTIES = tuple(f for f in Actor.__dataclass_fields__ if f not in ("lon", "lat"))
"""Columns served as Feature properties (explicit: ``to_jsonb(row)`` costs 3× more)."""

FEATURE = (
    "json_build_object('type', 'Feature', 'id', a.id, "
    "'geometry', ST_AsGeoJSON(a.geom, 6)::json, 'properties', json_build_object("
    + ", ".join(f"'{c}', a.{c}" for c in PROPERTIES)
    + "))::text"
)
"""One actor as GeoJSON text, built in PostgreSQL (``json`` is cheaper than ``jsonb``)."""


def _features(rows: list[tuple[Any, ...]], *extra: str) -> list[dict[str, Any]]:
    """Parse ``(feature text, extra values…)`` rows; extra values become properties."""
    out = []
    for row in rows:
        feature = orjson.loads(row[0])
        for name, value in zip(extra, row[1:], strict=True):
            feature["properties"][name] = round(value, 1) if isinstance(value, float) else value
        out.append(feature)
    return out


POINT = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography"


def _params(filters: Filters, viewer: Viewer, **extra: Any) -> dict[str, Any]:
    return {
        "ground": filters.ground,
        "domain": filters.domain,
        "public": filters.public,
        "discrimination": filters.discrimination,
        "commune": filters.commune,
        "tsquery": filters.tsquery,
        "status": filters.status,
        "has_hours": filters.has_hours,
        "ids": list(filters.ids) if filters.ids is not None else None,
        "territory": filters.territory,
        "staff": viewer.staff,
        "today": viewer.today,
        **extra,
    }


def nearest(
    conn: psycopg.Connection[Any],
    lon: float,
    lat: float,
    filters: Filters,
    viewer: Viewer,
    candidates: int,
    radius_m: float | None = None,
    limit: int | None = None,
    territory: str | None = None,
) -> tuple[bool, list[dict[str, Any]]]:
    """Up to ``limit`` of the ``candidates`` matching actors nearest to (lon, lat), as GeoJSON
    Features with ``properties.distance_m`` (metres on the WGS84 spheroid), by increasing
    distance; with ``territory``, whether the point lies in it (nothing is searched if not).

    The index scan ranks ``candidates`` by ``geography <->`` (sphere); they are re-sorted by the
    spheroid distance and only the first ``limit`` leave the database — one statement,
    territory check included (bench/: the extra round trip and parsing the dropped
    candidates cost a third of the request).
    """
    query = f"""
        WITH t AS (
            SELECT %(territory)s::text IS NULL OR COALESCE((
                SELECT ST_Intersects(z.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
                FROM territory z WHERE z.id = %(territory)s), false) AS inside
        )
        SELECT t.inside, f.feature, f.d
        FROM t LEFT JOIN LATERAL (
            SELECT c.feature, c.d, c.id
            FROM (
                SELECT {FEATURE} AS feature, ST_Distance(a.geom::geography, {POINT}) AS d, a.id
                FROM actor a
                WHERE t.inside AND {WHERE}
                  AND (%(radius)s::float8 IS NULL
                       OR ST_DWithin(a.geom::geography, {POINT}, %(radius)s::float8))
                ORDER BY a.geom::geography <-> {POINT}
                LIMIT %(k)s
            ) c
            ORDER BY c.d, c.id
            LIMIT %(limit)s
        ) f ON true
        ORDER BY f.d, f.id
    """
    params = _params(
        filters,
        viewer,
        lon=lon,
        lat=lat,
        radius=radius_m,
        k=candidates,
        limit=limit,
        territory=territory,
    )
    rows = conn.execute(query, params).fetchall()
    inside = bool(rows[0][0]) if rows else False
    found = [r[1:] for r in rows if r[1] is not None]
    return inside, _features(found, "distance_m")


def nearest_hours(
    conn: psycopg.Connection[Any],
    lon: float,
    lat: float,
    filters: Filters,
    viewer: Viewer,
    candidates: int,
    radius_m: float | None = None,
) -> list[dict[str, Any]]:
    """Like :func:`nearest` but only what « open now » needs (id, hours, closure), in KNN
    order (sphere; the full query re-sorts exactly): cheap enough to scan many candidates."""
    query = f"""
        SELECT a.id::text, a.horaires_accueil, a.hours_text, a.status, a.closed_from,
               a.closed_until
        FROM actor a
        WHERE {WHERE}
          AND (%(radius)s::float8 IS NULL
               OR ST_DWithin(a.geom::geography, {POINT}, %(radius)s::float8))
        ORDER BY a.geom::geography <-> {POINT}
        LIMIT %(k)s
    """
    params = _params(filters, viewer, lon=lon, lat=lat, radius=radius_m, k=candidates)
    names = ("id", "horaires_accueil", "hours_text", "status", "closed_from", "closed_until")
    return [dict(zip(names, row, strict=True)) for row in conn.execute(query, params)]


def search(
    conn: psycopg.Connection[Any],
    filters: Filters,
    viewer: Viewer,
    limit: int,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Matching actors ordered by name, as Features; returns (total matched, page)."""
    query = f"""
        SELECT count(*) OVER (), {FEATURE}
        FROM actor a
        WHERE {WHERE}
        ORDER BY a.nom, a.id
        LIMIT %(limit)s OFFSET %(offset)s
    """
    rows = conn.execute(query, _params(filters, viewer, limit=limit, offset=offset)).fetchall()
    total = int(rows[0][0]) if rows else _count(conn, filters, viewer)
    return total, _features([r[1:] for r in rows])


def _count(conn: psycopg.Connection[Any], filters: Filters, viewer: Viewer) -> int:
    row = conn.execute(
        f"SELECT count(*) FROM actor a WHERE {WHERE}", _params(filters, viewer)
    ).fetchone()
    return int(row[0]) if row else 0


def near_qpv(
    conn: psycopg.Connection[Any],
    code: str,
    generation: int,
    near_m: float,
    filters: Filters,
    viewer: Viewer,
    limit: int,
) -> list[dict[str, Any]]:
    """Actors inside the QPV or within ``near_m`` metres of it, nearest first; properties get
    ``distance_m`` (0 inside) and ``in_qpv``."""
    query = f"""
        SELECT {FEATURE}, d, inside
        FROM (
            SELECT a.*, ST_Distance(a.geom::geography, q.geom::geography) AS d,
                   ST_Intersects(q.geom, a.geom) AS inside
            FROM actor a JOIN qpv q ON q.code = %(code)s AND q.generation = %(gen)s
            WHERE ST_DWithin(a.geom::geography, q.geom::geography, %(near)s::float8)
        ) a
        WHERE {WHERE}
        ORDER BY d, a.nom
        LIMIT %(limit)s
    """
    params = _params(filters, viewer, code=code, gen=generation, near=near_m, limit=limit)
    return _features(conn.execute(query, params).fetchall(), "distance_m", "in_qpv")


def actors(conn: psycopg.Connection[Any], filters: Filters, viewer: Viewer) -> list[Actor]:
    """Matching actors as dataclasses, by name (exports)."""
    from actors.repo.records import _ACTOR_COLUMNS

    cur = conn.cursor(row_factory=class_row(Actor))
    query = sql.SQL("SELECT {} FROM actor a WHERE " + WHERE + " ORDER BY a.nom, a.id").format(
        _ACTOR_COLUMNS
    )
    return cur.execute(query, _params(filters, viewer)).fetchall()


def feature(conn: psycopg.Connection[Any], actor_id: Any) -> dict[str, Any] | None:
    """One actor as a Feature (no visibility rule: the service applies it)."""
    row = conn.execute(f"SELECT {FEATURE} FROM actor a WHERE a.id = %s", (actor_id,)).fetchone()
    return _features([row])[0] if row else None


def collection(conn: psycopg.Connection[Any], filters: Filters, viewer: Viewer) -> str:
    """Every matching actor as one GeoJSON FeatureCollection, built in SQL, as text."""
    row = conn.execute(
        f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features',
            coalesce(json_agg(({FEATURE})::json ORDER BY a.nom, a.id), '[]'::json))::text
        FROM actor a
        WHERE {WHERE}
        """,
        _params(filters, viewer),
    ).fetchone()
    return str(row[0]) if row else '{"type":"FeatureCollection","features":[]}'
