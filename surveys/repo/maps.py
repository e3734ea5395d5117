"""SQL of the map views: the filtered observations copied once into a narrow temporary table,
then aggregated by PostGIS on a metric grid (EPSG:2154) whose cell doubles until the number of
cells fits the map. No Python loop ever sees more rows than the map draws.

Every function here runs inside the caller's transaction (the temporary table is dropped at
COMMIT).
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from geo.errors import InvariantError
from surveys.mapdata import LOW_FEELING_MAX, MapFilters
from surveys.policy import Scope, View
from surveys.repo import located
from surveys.repo.observations import scope_sql

FINE_CELL_M = 25
"""The finest grid cell (metres); coarser levels double it: 25, 50, 100 … 3,200 m."""
MAX_LEVEL = 7
MAP_WORK_MEM = "64MB"
"""``work_mem`` of a map's transaction (PostgreSQL's default, 4MB, spills its groupings)."""

_SNAPSHOT = f"""
CREATE TEMP TABLE map_obs ON COMMIT DROP AS
SELECT * FROM (
SELECT c.id, w.time_slot, c.theme, c.rating, c.feeling, c.observed_at, c.qpv_codes,
       ST_X(p.l93) AS x, ST_Y(p.l93) AS y, ST_X(q.wgs) AS lon, ST_Y(q.wgs) AS lat,
       {located.text()} AS shown_text,
       (c.theme IS NOT NULL AND c.walk_id IS NOT NULL
        AND (%(theme)s::text IS NULL OR c.theme = %(theme)s)
        AND (%(slot)s::text IS NULL OR w.time_slot = %(slot)s)
        AND (NOT %(women)s OR w.women_only)) AS is_mark,
       c.followup = ANY(%(open)s) AS is_open,
       c.followup = ANY(%(tracked)s) AS is_issue
FROM observation_geo c
LEFT JOIN walks w ON w.id = c.walk_id
CROSS JOIN LATERAL (SELECT {located.point_l93("c", "c.geom_l93")} AS l93) p
CROSS JOIN LATERAL (
    SELECT CASE WHEN {located.exact()} THEN c.geom ELSE ST_Transform(p.l93, 4326) END AS wgs
) q
WHERE {{scope}} AND NOT c.deleted AND NOT (c.moderation = ANY(%(hidden)s)) AND c.demo = %(demo)s
  AND (%(start)s::date IS NULL
       OR c.observed_at >= (%(start)s::date)::timestamp AT TIME ZONE 'Europe/Paris')
  AND (%(end)s::date IS NULL
       OR c.observed_at < (%(end)s::date + 1)::timestamp AT TIME ZONE 'Europe/Paris')
  AND (%(qpv)s::text IS NULL OR %(qpv)s = ANY(c.qpv_codes))
  AND (%(walk)s::uuid IS NULL OR c.walk_id = %(walk)s)
  AND (c.theme IS NOT NULL OR c.followup = ANY(%(tracked)s))
) s WHERE is_mark OR is_issue
"""
"""Positions (``x``, ``y`` in EPSG:2154, ``lon``, ``lat``) and texts (``shown_text``) are the
ones the reader's :class:`surveys.policy.View` allows: everything drawn, grouped or bounded
from the snapshot is computed from them, never from the exact points it hides."""


def snapshot(
    conn: psycopg.Connection[Any],
    scope: Scope,
    view: View,
    filters: MapFilters,
    *,
    open_states: list[str],
    tracked_states: list[str],
    hidden_states: list[str],
    walk_id: uuid.UUID | None = None,
) -> None:
    """Copy the observations visible in ``scope`` and matching ``filters`` into ``map_obs``.

    A row is a *mark* (walk observation with a theme, matching the theme, time slot and
    non-mixité filters) and/or an *issue* (in the follow-up); issues follow only the period and
    QPV filters (a broken street light is broken by day and by night). ``walk_id`` keeps the
    observations of one walk only. Points and texts are cut to ``view``.
    """
    conn.execute("DROP TABLE IF EXISTS map_obs")
    # the groupings over a million rows hash in memory instead of spilling to disk (measured
    # in bench/: the safety map over 1M observations 4.8 → 3.8 s); for this transaction only
    conn.execute(f"SET LOCAL work_mem = '{MAP_WORK_MEM}'")
    where, params = scope_sql(scope)
    conn.execute(
        _SNAPSHOT.format(scope=where),
        {
            **params,
            **located.params(view),
            "theme": filters.theme,
            "slot": filters.time_slot.value if filters.time_slot else None,
            "women": filters.women_only,
            "open": open_states,
            "tracked": tracked_states,
            "hidden": hidden_states,
            "demo": filters.demo,
            "start": filters.start,
            "end": filters.end,
            "qpv": filters.qpv,
            "walk": walk_id,
        },
    )


def counts(conn: psycopg.Connection[Any]) -> tuple[int, int, int]:
    """(marks, open issues, closed issues) in the snapshot."""
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE is_mark), count(*) FILTER (WHERE is_issue AND is_open), "
        "count(*) FILTER (WHERE is_issue AND NOT is_open) FROM map_obs"
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return int(row[0]), int(row[1]), int(row[2])


def extent(conn: psycopg.Connection[Any]) -> tuple[float, float, float, float] | None:
    """Bounds of the snapshot's points, or None when empty."""
    row = conn.execute("SELECT min(lon), min(lat), max(lon), max(lat) FROM map_obs").fetchone()
    if row is None or row[0] is None:
        return None
    return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


_DAY = "to_char(m.observed_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD')"
EXCERPT = 160
"""Characters of a comment shown in a popup or a table (the rest stays in the observation)."""


def mark_points(conn: psycopg.Connection[Any], qpv_codes: list[str]) -> list[tuple[Any, ...]]:
    """Each mark: lat, lon, slot, theme, rating, feeling, day, excerpt, QPV (of ``qpv_codes``),
    id; oldest first."""
    return conn.execute(
        f"""
        SELECT m.lat, m.lon, m.time_slot, m.theme, m.rating, m.feeling, {_DAY},
               CASE WHEN m.shown_text THEN left(c.comment, %(excerpt)s) END,
               (SELECT u FROM unnest(m.qpv_codes) AS u WHERE u = ANY(%(codes)s) LIMIT 1),
               m.id::text
        FROM map_obs m JOIN observation_geo c ON c.id = m.id
        WHERE m.is_mark ORDER BY m.observed_at, m.id
        """,
        {"codes": qpv_codes, "excerpt": EXCERPT},
    ).fetchall()


# Grouping per grid cell, in one statement over the snapshot:
#  1. ``lo``: the first level s0 whose cells (25·2^s0 metres) are at most %(across)s across the
#     data's extent — below it markers would overlap when the map is fitted to the data;
#  2. ``base``: the rows counted per cell of level s0 (one hash aggregate over the snapshot);
#  3. ``level``: the extra doublings d needed for at most %(limit)s cells (counted on ``base``,
#     which is small);
#  4. the caller's SELECT re-aggregates ``base`` at level s0 + d.
_LEVEL = """
ext AS (
    SELECT greatest(max(x) - min(x), max(y) - min(y)) AS span FROM map_obs WHERE {where}
),
lo AS (
    SELECT least(%(max_level)s, greatest(0, ceil(log(2, greatest(coalesce(span, 0) / %(cell)s
                                                          / %(across)s, 1)::numeric))))::int
           AS s0
    FROM ext
),
base AS MATERIALIZED (
    SELECT {key} AS k, {extra}floor(x / (%(cell)s << lo.s0))::int AS ix,
           floor(y / (%(cell)s << lo.s0))::int AS iy, {aggregates}
    FROM map_obs, lo WHERE {where} GROUP BY 1, 2, 3{extra_group}
),
level AS (
    SELECT coalesce(min(d), %(max_level)s - min(s0)) AS d, min(s0) AS s0 FROM (
        SELECT d, s0, count(*) AS n FROM (
            SELECT DISTINCT d, s0, k, ix >> d AS cx, iy >> d AS cy
            FROM (SELECT DISTINCT k, ix, iy FROM base) c, lo,
                 generate_series(0, %(max_level)s - lo.s0) AS d) x
        GROUP BY d, s0) c
    WHERE n <= %(limit)s
)
"""
_AGG = "count(*) AS n, sum(lon) AS slon, sum(lat) AS slat"


def _with(key: str, where: str, extra: str = "", aggregates: str = _AGG) -> str:
    """The WITH clause grouping the snapshot rows matching ``where`` by ``key`` (and
    ``extra``, a column kept apart inside each cell) per grid cell: CTEs ``base`` and
    ``level``. Arguments are constant SQL fragments of this module, never values."""
    return "WITH " + _LEVEL.format(
        key=key,
        where=where,
        extra=f"{extra}, " if extra else "",
        extra_group=", 4" if extra else "",
        aggregates=aggregates,
    )


def mark_groups(
    conn: psycopg.Connection[Any], limit: int, across: int
) -> tuple[list[tuple[Any, ...]], int]:
    """Marks grouped per time slot and grid cell: (lat, lon, slot, most frequent theme, count,
    mean rating, low feeling count) rows, and the cell size in metres (at most ``limit``
    cells, at most ``across`` cells across the data's extent)."""
    aggregates = f"{_AGG}, sum(rating) AS rs, count(*) FILTER (WHERE feeling <= %(low)s) AS low"
    rows = conn.execute(
        _with("time_slot", "is_mark", "theme", aggregates)
        + """
        , themed AS (
            SELECT k, ix >> d AS cx, iy >> d AS cy, theme, sum(n) AS n, sum(rs) AS rs,
                   sum(low) AS low, sum(slon) AS slon, sum(slat) AS slat
            FROM base, level GROUP BY 1, 2, 3, 4
        )
        SELECT sum(slat) / sum(n), sum(slon) / sum(n), k,
               (array_agg(theme ORDER BY n DESC, theme))[1], sum(n)::int,
               (sum(rs) / sum(n))::float8, sum(low)::int, (SELECT s0 + d FROM level)
        FROM themed GROUP BY k, cx, cy ORDER BY k, cx, cy
        """,
        _level_params(limit, across, low=LOW_FEELING_MAX),
    ).fetchall()
    return [tuple(r[:7]) for r in rows], _cell_m(rows)


def heat(
    conn: psycopg.Connection[Any], limit: int, across: int
) -> tuple[list[tuple[Any, ...]], int]:
    """Marks with a low feeling of safety counted per grid cell: (lat, lon, count) at the
    mean position of the cell's points, and the cell size in metres."""
    rows = conn.execute(
        _with("0", "is_mark AND feeling <= %(low)s")
        + """
        SELECT round((sum(slat) / sum(n))::numeric, 5)::float8,
               round((sum(slon) / sum(n))::numeric, 5)::float8, sum(n)::int, min(s0 + d)
        FROM base, level GROUP BY ix >> d, iy >> d ORDER BY 3 DESC
        """,
        _level_params(limit, across, low=LOW_FEELING_MAX),
    ).fetchall()
    return [tuple(r[:3]) for r in rows], _cell_m(rows)


def issue_points(conn: psycopg.Connection[Any], limit: int | None = None) -> list[tuple[Any, ...]]:
    """Issues, open first then most recent: lat, lon, is_open, category, state, body, day,
    excerpt, id."""
    return conn.execute(
        f"""
        SELECT m.lat, m.lon, m.is_open, c.category, c.followup, c.responsible_body, {_DAY},
               CASE WHEN m.shown_text THEN left(c.comment, %(excerpt)s) END, m.id::text
        FROM (SELECT * FROM map_obs WHERE is_issue
              ORDER BY is_open DESC, observed_at DESC, id LIMIT %(lim)s) m
        JOIN observation_geo c ON c.id = m.id
        ORDER BY m.is_open DESC, m.observed_at DESC, m.id
        """,
        {"lim": limit, "excerpt": EXCERPT},
    ).fetchall()


def issue_groups(
    conn: psycopg.Connection[Any], limit: int, across: int
) -> tuple[list[tuple[Any, ...]], int]:
    """Issues counted per state category (open/closed) and grid cell: (lat, lon, is_open,
    count) rows, and the cell size in metres."""
    rows = conn.execute(
        _with("is_open::int", "is_issue")
        + """
        SELECT sum(slat) / sum(n), sum(slon) / sum(n), k = 1, sum(n)::int, min(s0 + d)
        FROM base, level GROUP BY k, ix >> d, iy >> d ORDER BY k DESC, 4 DESC
        """,
        _level_params(limit, across),
    ).fetchall()
    return [tuple(r[:4]) for r in rows], _cell_m(rows)


def stats(conn: psycopg.Connection[Any], qpv_codes: list[str]) -> list[tuple[Any, ...]]:
    """Per QPV (of ``qpv_codes``; '' outside them), time slot and theme: count, mean rating,
    low feeling count."""
    return conn.execute(
        """
        SELECT q, time_slot, theme, sum(n)::int, (sum(rs) / sum(n))::float8, sum(low)::int
        FROM (
            SELECT coalesce((SELECT u FROM unnest(qpv_codes) AS u WHERE u = ANY(%(codes)s)
                             LIMIT 1), '') AS q,
                   time_slot, theme, n, rs, low
            FROM (SELECT qpv_codes, time_slot, theme, count(*) AS n, sum(rating) AS rs,
                         count(*) FILTER (WHERE feeling <= %(low)s) AS low
                  FROM map_obs WHERE is_mark GROUP BY 1, 2, 3) g
        ) s
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        """,
        {"codes": qpv_codes, "low": LOW_FEELING_MAX},
    ).fetchall()


def walks(
    conn: psycopg.Connection[Any],
    scope: Scope,
    filters: MapFilters,
    limit: int = 300,
    walk_id: uuid.UUID | None = None,
) -> list[tuple[Any, ...]]:
    """Walks visible in ``scope`` matching the filters (date in the period, QPV, time slot,
    non-mixité): id, title, day, slot, QPV codes, women only, observation count, route GeoJSON,
    stops [[position, name, lon, lat]…]; most recent first."""
    where, params = _walk_scope(scope)
    return conn.execute(
        f"""
        SELECT w.id::text, w.title, to_char(w.walk_date, 'YYYY-MM-DD'), w.time_slot, w.qpv_codes,
               w.women_only,
               (SELECT count(*) FROM observations o WHERE o.walk_id = w.id)::int,
               ST_AsGeoJSON(w.geom, 6)::json,
               coalesce((SELECT json_agg(json_build_array(s.position, s.name,
                                                          round(ST_X(s.geom)::numeric, 6),
                                                          round(ST_Y(s.geom)::numeric, 6))
                                         ORDER BY s.position)
                         FROM walk_stops s WHERE s.walk_id = w.id), '[]'::json)
        FROM walks w
        WHERE {where} AND w.demo = %(demo)s
          AND (%(start)s::date IS NULL OR w.walk_date >= %(start)s)
          AND (%(end)s::date IS NULL OR w.walk_date <= %(end)s)
          AND (%(qpv)s::text IS NULL OR %(qpv)s = ANY(w.qpv_codes))
          AND (%(slot)s::text IS NULL OR w.time_slot = %(slot)s)
          AND (NOT %(women)s OR w.women_only)
          AND (%(walk)s::uuid IS NULL OR w.id = %(walk)s)
        ORDER BY w.walk_date DESC, w.id LIMIT %(lim)s
        """,
        {
            **params,
            "demo": filters.demo,
            "start": filters.start,
            "end": filters.end,
            "qpv": filters.qpv,
            "slot": filters.time_slot.value if filters.time_slot else None,
            "women": filters.women_only,
            "lim": limit,
            "walk": walk_id,
        },
    ).fetchall()


def qpv_names(conn: psycopg.Connection[Any], generation: int) -> dict[str, str]:
    """Code → name of the QPV of one generation."""
    rows = conn.execute(
        "SELECT code, name FROM qpv WHERE generation = %s ORDER BY code", (generation,)
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def _walk_scope(scope: Scope) -> tuple[str, dict[str, Any]]:
    if scope.everything and scope.territory is not None:
        return "w.territory = %(sterr)s", {"sterr": scope.territory}
    if scope.everything:
        return "TRUE", {}
    if scope.user_id is not None:
        return "(w.created_by = %(su)s OR w.facilitator_id = %(su)s)", {"su": scope.user_id}
    if scope.walk_id is not None:
        return "w.id = %(sw)s", {"sw": scope.walk_id}
    return "FALSE", {}


def _level_params(limit: int, across: int, **more: Any) -> dict[str, Any]:
    return {
        "cell": FINE_CELL_M,
        "limit": limit,
        "across": across,
        "max_level": MAX_LEVEL,
        **more,
    }


def _cell_m(rows: list[Any]) -> int:
    level = rows[0][-1] if rows else 0
    return int(FINE_CELL_M * 2 ** int(level))
