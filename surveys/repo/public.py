"""SQL of the public aggregate: counts per fixed grid cell, never a stored point."""

from __future__ import annotations

from typing import Any

import psycopg

_GRID_COUNTS = """
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
