"""SQL of the public aggregate: counts per fixed grid cell, never a stored point.

The counts are kept by the database itself, per cell, kind, theme and month
(``public_cell_counts``, migration 0950) and per cell, kind and theme with the first and last
month and the cell's polygon (``public_cell_totals``, 0951), by triggers in the transaction of
every publication, correction, erasure and deletion. A computation reads the totals and
subtracts the observations made after the delay's cut-off (a few days, read by date); the k
rule applies to the difference. :data:`GRID_COUNTS_FULL` is the same answer computed
from every observation (the benchmark's reference, and the tests' oracle).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from geo.errors import InvariantError

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
            SELECT now() - make_interval(days => %(delay)s) AS at
        ), recent AS (  -- published, but observed after the cut-off: not public yet
            SELECT o.kind, COALESCE(v.theme, v.category, '') AS theme,
                   floor(ST_X(v.geom_l93) / %(cell)s)::bigint AS ix,
                   floor(ST_Y(v.geom_l93) / %(cell)s)::bigint AS iy,
                   public_counts_key_month(v.observed_at) AS month, count(*) AS n
            FROM cut
            JOIN observation_versions v ON v.observed_at > cut.at  -- by date (index)
            CROSS JOIN LATERAL (  -- OFFSET 0: a primary-key lookup, never a scan of all
                SELECT o.kind, o.demo, o.moderation, o.current_version
                FROM observations o WHERE o.id = v.observation_id OFFSET 0
            ) o
            WHERE o.current_version = v.version AND NOT v.deleted
              AND o.moderation = %(published)s AND o.demo = %(demo)s
            GROUP BY 1, 2, 3, 4, 5
        ), recent_cells AS (
            SELECT kind, theme, ix, iy, sum(n)::bigint AS n FROM recent GROUP BY 1, 2, 3, 4
        ), last_months AS (  -- of cells with recent observations: the last public month
            SELECT p.kind, p.theme, p.ix, p.iy, max(p.month) AS last_month
            FROM recent_cells r
            JOIN public_cell_counts p
              ON (p.demo, p.kind, p.theme, p.ix, p.iy) = (%(demo)s, r.kind, r.theme, r.ix, r.iy)
            LEFT JOIN recent m
              ON (m.kind, m.theme, m.ix, m.iy, m.month) = (p.kind, p.theme, p.ix, p.iy, p.month)
            WHERE p.n - COALESCE(m.n, 0) > 0
            GROUP BY 1, 2, 3, 4
        )
        SELECT t.kind, NULLIF(t.theme, ''), t.ix, t.iy, t.n - COALESCE(r.n, 0),
               to_char(t.first_month, 'YYYY-MM'),
               to_char(COALESCE(l.last_month, t.last_month), 'YYYY-MM'), t.geometry::text
        FROM public_cell_totals t
        LEFT JOIN recent_cells r USING (kind, theme, ix, iy)
        LEFT JOIN last_months l USING (kind, theme, ix, iy)
        WHERE t.demo = %(demo)s AND %(cell)s = public_cell_m()
          AND t.n - COALESCE(r.n, 0) >= GREATEST(%(k)s, 1)
          AND (%(kind)s::text IS NULL OR t.kind = %(kind)s)
          AND (%(theme)s::text IS NULL OR t.theme = %(theme)s)
          AND (%(terr)s::text IS NULL
               OR NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL)
               OR territory_sees_cell(%(terr)s, t.ix, t.iy, %(cell)s))
        ORDER BY t.kind, t.theme, t.ix, t.iy
        """
"""The public aggregate from the maintained totals: per cell, every published observation
less those observed after the cut-off (the cell size must be the tables': ``public_cell_m()``;
another size finds nothing)."""

_FEATURES = (
    """
SELECT '[' || COALESCE(string_agg(
           '{"type":"Feature","geometry":' || c.geometry
           || ',"properties":{"cell":"' || %(cell)s || 'm-' || c.ix || '-' || c.iy
           || '","kind":' || to_json(c.kind)
           || ',"theme":' || COALESCE(to_json(c.theme)::text, 'null')
           || ',"theme_label":'
           || COALESCE(to_json(COALESCE(%(labels)s::jsonb ->> c.theme, c.theme))::text, 'null')
           || ',"count":' || c.n
           || ',"first_month":' || COALESCE(to_json(c.first_month)::text, 'null')
           || ',"last_month":' || COALESCE(to_json(c.last_month)::text, 'null') || '}}',
           ',' ORDER BY c.kind, c.theme, c.ix, c.iy), '') || ']',
       COALESCE(sum(c.n), 0)::bigint
FROM ("""
    + _GRID_COUNTS
    + """) AS c (kind, theme, ix, iy, n, first_month, last_month, geometry)"""
)
"""The features of :data:`_GRID_COUNTS` as one GeoJSON array, built by PostgreSQL as text
(concatenation: ``json_build_object`` cost 4 µs a feature, measured in bench/), and their
total. Every string goes through ``to_json`` (escaped); codes, numbers and months are plain."""


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


RETOTAL = (
    """
SELECT demo, kind, theme, ix, iy, sum(n)::bigint, min(month), max(month)
FROM ("""
    + RECOUNT
    + """) r
GROUP BY 1, 2, 3, 4, 5
"""
)
"""What ``public_cell_totals`` must hold (its rows with n > 0), recomputed from every
observation."""


def rebuild(conn: psycopg.Connection[Any]) -> int:
    """Recompute ``public_cell_counts`` and ``public_cell_totals`` from every observation
    (after a load that ran with triggers off, such as the benchmark's seed); returns the number
    of monthly rows."""
    conn.execute("TRUNCATE public_cell_counts, public_cell_totals")
    months = conn.execute(
        "INSERT INTO public_cell_counts (demo, kind, theme, ix, iy, month, n) " + RECOUNT
    ).rowcount
    conn.execute(
        "INSERT INTO public_cell_totals (demo, kind, theme, ix, iy, n, first_month, last_month,"
        " geometry) SELECT demo, kind, theme, ix, iy, sum(n), min(month), max(month),"
        " public_cell_polygon(ix, iy) FROM public_cell_counts GROUP BY 1, 2, 3, 4, 5"
    )
    return months


def maintained_counts(conn: psycopg.Connection[Any]) -> set[tuple[Any, ...]]:
    """The rows of ``public_cell_counts`` with a count (zeros are left by decrements)."""
    rows = conn.execute(
        "SELECT demo, kind, theme, ix, iy, month, n FROM public_cell_counts WHERE n > 0"
    ).fetchall()
    return {tuple(r) for r in rows}


def maintained_totals(conn: psycopg.Connection[Any]) -> set[tuple[Any, ...]]:
    """The rows of ``public_cell_totals`` with a count, without the polygon."""
    rows = conn.execute(
        "SELECT demo, kind, theme, ix, iy, n, first_month, last_month FROM public_cell_totals"
        " WHERE n > 0"
    ).fetchall()
    return {tuple(r) for r in rows}


def retotalled(conn: psycopg.Connection[Any]) -> set[tuple[Any, ...]]:
    """:data:`RETOTAL`'s rows."""
    return {tuple(r) for r in conn.execute(RETOTAL).fetchall()}


def recounted(conn: psycopg.Connection[Any]) -> set[tuple[Any, ...]]:
    """:data:`RECOUNT`'s rows."""
    return {tuple(r) for r in conn.execute(RECOUNT).fetchall()}


def cell_m(conn: psycopg.Connection[Any]) -> int:
    """The cell size the maintained counts use."""
    row = conn.execute("SELECT public_cell_m()").fetchone()
    return int(row[0]) if row else 0


def grid_features(
    conn: psycopg.Connection[Any],
    *,
    cell_m: int,
    min_count: int,
    delay_days: int,
    published_state: str,
    demo: bool,
    labels: dict[str, str],
    kind: str | None = None,
    theme: str | None = None,
    territory: str | None = None,
) -> tuple[str, int]:
    """Cells of a fixed ``cell_m`` grid in EPSG:2154 with at least ``min_count`` observations of
    one kind and theme (GUSP: category), observed more than ``delay_days`` ago and published, as
    a GeoJSON array of features (text built by PostgreSQL) and the total count they show; only
    the cells ``territory`` sees when given (SQL ``territory_sees_cell``).

    Each feature holds the cell polygon (EPSG:4326, computed from the cell indices — the
    observations' own coordinates never leave the database), the count, the first and last
    month (``YYYY-MM``, Europe/Paris) and the theme's French label (``labels``)."""
    row = conn.execute(
        _FEATURES,
        {
            "cell": cell_m,
            "k": min_count,
            "delay": delay_days,
            "published": published_state,
            "demo": demo,
            "kind": kind,
            "theme": theme,
            "labels": Jsonb(labels),
            "terr": territory,
        },
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return str(row[0]), int(row[1])
