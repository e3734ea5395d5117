"""SQL of the hotspots: DBSCAN clusters (EPSG:2154, metres) of low feeling-of-safety walk
observations."""

from __future__ import annotations

from datetime import date
from typing import Any

import psycopg
from psycopg.rows import dict_row

from surveys.repo import located

_CLUSTERS = f"""
    WITH pts AS (
        SELECT c.id, c.theme, w.time_slot AS slot, c.feeling, c.observed_at, c.qpv_codes,
               CASE WHEN %(v_exact)s THEN t.l93 ELSE {located.cell_centre_l93("t.l93")} END AS g
        FROM observation_current c JOIN walks w ON w.id = c.walk_id
        CROSS JOIN LATERAL (SELECT ST_Transform(c.geom, 2154) AS l93) t
        WHERE c.kind = 'marche' AND NOT c.deleted AND c.demo = %(demo)s
          AND c.moderation <> ALL(%(hidden)s)
          AND c.feeling IS NOT NULL AND c.feeling <= %(max_feeling)s
          AND (c.observed_at AT TIME ZONE 'Europe/Paris')::date BETWEEN %(since)s AND %(until)s
          AND (%(qpv)s::text IS NULL OR %(qpv)s = ANY(c.qpv_codes))
    ), clustered AS (
        SELECT pts.*, ST_ClusterDBSCAN(g, eps := %(eps)s, minpoints := %(minpoints)s) OVER () AS cid
        FROM pts
    ), codes AS (
        SELECT cid, array_agg(DISTINCT q ORDER BY q) AS qpv_codes
        FROM clustered, unnest(qpv_codes) AS q
        GROUP BY cid
    )
    SELECT k.cid, count(*)::int AS n, avg(feeling)::float AS feeling_mean,
           array_agg(theme ORDER BY id) AS themes, array_agg(slot ORDER BY id) AS slots,
           array_agg(id::text ORDER BY id) AS ids,
           min(codes.qpv_codes) AS qpv_codes,
           min(observed_at) AS first_seen, max(observed_at) AS last_seen,
           ST_AsGeoJSON(ST_Transform(ST_Buffer(ST_ConvexHull(ST_Collect(g)), %(eps)s / 2.0, 8),
                                     4326), 6)::json AS geometry,
           ST_X(ST_Transform(ST_Centroid(ST_Collect(g)), 4326)) AS lon,
           ST_Y(ST_Transform(ST_Centroid(ST_Collect(g)), 4326)) AS lat
    FROM clustered k LEFT JOIN codes ON codes.cid IS NOT DISTINCT FROM k.cid
    GROUP BY k.cid
    ORDER BY k.cid NULLS FIRST
"""
"""One row per observation is aggregated: the QPV codes (one per generation holding the
point) are gathered apart (``codes``), so that they never multiply the rows counted."""


def clusters(
    conn: psycopg.Connection[Any],
    *,
    eps_m: int,
    min_points: int,
    max_feeling: int,
    since: date,
    until: date,
    qpv: str | None,
    hidden: list[str],
    demo: bool,
    cell_m: int | None = None,
) -> list[dict[str, Any]]:
    """One row per DBSCAN cluster (``cid`` not null) and one for the unclustered points
    (``cid`` null): count, mean feeling, themes and slots of its observations, QPV, dates, hull
    buffered by half ``eps_m`` (GeoJSON, EPSG:4326) and centre. With ``cell_m``, every point is
    first replaced by the centre of its ``cell_m`` cell (EPSG:2154): clusters, outlines and
    centres are then computed from cells only."""
    return (
        conn.cursor(row_factory=dict_row)
        .execute(
            _CLUSTERS,
            {
                "eps": eps_m,
                "minpoints": min_points,
                "max_feeling": max_feeling,
                "since": since,
                "until": until,
                "qpv": qpv,
                "hidden": hidden,
                "demo": demo,
                "v_exact": cell_m is None,
                "v_cell": cell_m,
            },
        )
        .fetchall()
    )
