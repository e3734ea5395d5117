"""SQL of the public aggregate: counts per fixed grid cell, never a stored point.

The counts are kept per cell, kind, theme and month by the database itself
(``public_cell_counts``, migration 0950: triggers in the transaction of every publication,
correction, erasure and deletion). A computation reads that small table for the whole months
before the month of the delay's cut-off, and the observations of that one month up to the
cut-off; the k rule applies to the sum. :data:`GRID_COUNTS_FULL` is the same answer computed
from every observation (the benchmark's reference, and the tests' oracle).
"""

from __future__ import annotations

from typing import Any

import psycopg

GRID_COUNTS_FULL = """
        WITH obs AS (
            SELECT c.kind, COALESCE(c.theme, c.category) AS theme,
                   floor(ST_X(c.geom_l93) / %(cell)s)::bigint AS ix,
                   floor(ST_Y(c.geom_l93) / %(cell)s)::bigint AS iy,
                   c.observed_at
            FROM observation_geo c  -- geom_l93: transformed once, when the version was written
            WHERE c.moderation = %(published)s AND NOT c.deleted AND c.demo = %(demo)s
              AND c.observed_at <= now() - make_interval(days => %(delay)s)
              AND (%(kind)s::text IS NULL OR c.kind = %(kind)s)
              AND (%(theme)s::text IS NULL OR COALESCE(c.theme, c.category) = %(theme)s)
        ), cells AS (  -- months formatted once per cell, not once per observation
            SELECT kind, theme, ix, iy, count(*) AS n, min(observed_at) AS first_at,
                   max(observed_at) AS last_at
            FROM obs GROUP BY kind, theme, ix, iy
            HAVING count(*) >= %(k)s
        )
        SELECT kind, theme, ix, iy, n,
               to_char(first_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM'),
               to_char(last_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM'),
               ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(ix * %(cell)s, iy * %(cell)s,
                                                         (ix + 1) * %(cell)s,
                                                         (iy + 1) * %(cell)s, 2154), 4326),
                            6)::json
        FROM cells ORDER BY kind, theme, ix, iy
        """


_GRID_COUNTS = """
        WITH cut AS (
            SELECT now() - make_interval(days => %(delay)s) AS at,
                   date_trunc('month', (now() - make_interval(days => %(delay)s))
                              AT TIME ZONE 'Europe/Paris') AS local_month
        ), counts AS (  -- whole months: the maintained table
            SELECT p.kind, NULLIF(p.theme, '') AS theme, p.ix, p.iy, p.month, p.n
            FROM public_cell_counts p, cut
            WHERE p.demo = %(demo)s AND p.n > 0 AND p.month < cut.local_month::date
              AND %(cell)s = public_cell_m()
              AND (%(kind)s::text IS NULL OR p.kind = %(kind)s)
              AND (%(theme)s::text IS NULL OR p.theme = %(theme)s)
            UNION ALL  -- the month of the cut-off, up to the cut-off: the observations
            SELECT o.kind, COALESCE(v.theme, v.category),
                   floor(ST_X(v.geom_l93) / %(cell)s)::bigint,
                   floor(ST_Y(v.geom_l93) / %(cell)s)::bigint,
                   cut.local_month::date, count(*)
            FROM cut
            JOIN observation_versions v  -- by date (index), then each one's observation
              ON v.observed_at >= cut.local_month AT TIME ZONE 'Europe/Paris'
             AND v.observed_at <= cut.at
            CROSS JOIN LATERAL (  -- OFFSET 0: a primary-key lookup, never a scan of all
                SELECT o.kind, o.demo, o.moderation, o.current_version
                FROM observations o WHERE o.id = v.observation_id OFFSET 0
            ) o
            WHERE o.current_version = v.version AND NOT v.deleted
              AND o.moderation = %(published)s AND o.demo = %(demo)s
              AND (%(kind)s::text IS NULL OR o.kind = %(kind)s)
              AND (%(theme)s::text IS NULL OR COALESCE(v.theme, v.category) = %(theme)s)
            GROUP BY 1, 2, 3, 4, 5
        ), cells AS (
            SELECT kind, theme, ix, iy, sum(n)::bigint AS n, min(month) AS first_m,
                   max(month) AS last_m
            FROM counts GROUP BY kind, theme, ix, iy
            HAVING sum(n) >= %(k)s
        )
        SELECT kind, theme, ix, iy, n, to_char(first_m, 'YYYY-MM'), to_char(last_m, 'YYYY-MM'),
               ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(ix * %(cell)s, iy * %(cell)s,
                                                         (ix + 1) * %(cell)s,
                                                         (iy + 1) * %(cell)s, 2154), 4326),
                            6)::json
        FROM cells ORDER BY kind, theme, ix, iy
        """
"""The public aggregate from the maintained counts (the cell size must be the table's:
``public_cell_m()``; another size finds no whole month)."""

RECOUNT = """
SELECT o.demo, o.kind, COALESCE(v.theme, v.category, '') AS theme,
       floor(ST_X(v.geom_l93) / public_cell_m())::bigint AS ix,
       floor(ST_Y(v.geom_l93) / public_cell_m())::bigint AS iy,
       public_counts_key_month(v.observed_at) AS month, count(*)::int AS n
FROM observations o
JOIN observation_versions v ON v.observation_id = o.id AND v.version = o.current_version
WHERE o.moderation = 'publiee' AND NOT v.deleted
GROUP BY 1, 2, 3, 4, 5, 6
"""
"""What ``public_cell_counts`` must hold (its rows with n > 0), recomputed from every
observation."""


def rebuild(conn: psycopg.Connection[Any]) -> int:
    """Recompute ``public_cell_counts`` from every observation (after a load that ran with
    triggers off, such as the benchmark's seed); returns the number of rows."""
    conn.execute("TRUNCATE public_cell_counts")
    return conn.execute(
        "INSERT INTO public_cell_counts (demo, kind, theme, ix, iy, month, n) " + RECOUNT
    ).rowcount


def maintained_counts(conn: psycopg.Connection[Any]) -> set[tuple[Any, ...]]:
    """The rows of ``public_cell_counts`` with a count (zeros are left by decrements)."""
    rows = conn.execute(
        "SELECT demo, kind, theme, ix, iy, month, n FROM public_cell_counts WHERE n > 0"
    ).fetchall()
    return {tuple(r) for r in rows}


def recounted(conn: psycopg.Connection[Any]) -> set[tuple[Any, ...]]:
    """:data:`RECOUNT`'s rows."""
    return {tuple(r) for r in conn.execute(RECOUNT).fetchall()}


def cell_m(conn: psycopg.Connection[Any]) -> int:
    """The cell size the maintained counts use."""
    row = conn.execute("SELECT public_cell_m()").fetchone()
    return int(row[0]) if row else 0


def grid_counts(
    conn: psycopg.Connection[Any],
    *,
    cell_m: int,
    min_count: int,
    delay_days: int,
    published_state: str,
    demo: bool,
    kind: str | None = None,
    theme: str | None = None,
) -> list[dict[str, Any]]:
    """Cells of a fixed ``cell_m`` grid in EPSG:2154 with at least ``min_count`` observations of
    one kind and theme (GUSP: category), observed more than ``delay_days`` ago and published.

    Each row holds the cell polygon (GeoJSON, EPSG:4326, computed from the cell indices — the
    observations' own coordinates never leave the database), the count and the first and last
    month (``YYYY-MM``, Europe/Paris).
    """
    rows = conn.execute(
        _GRID_COUNTS,
        {
            "cell": cell_m,
            "k": min_count,
            "delay": delay_days,
            "published": published_state,
            "demo": demo,
            "kind": kind,
            "theme": theme,
        },
    ).fetchall()
    keys = ("kind", "theme", "ix", "iy", "count", "first_month", "last_month", "geometry")
    return [dict(zip(keys, r, strict=True)) for r in rows]
