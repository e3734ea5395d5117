"""The named queries of the yearly evaluation (issue 20): each computes one indicator of one
territory over one calendar year (Europe/Paris), from ``%(y0)s`` (1 January) to ``%(y1)s``
(1 January of the next year). Each returns one row: ``value`` (a count, a percentage or a
median in days, NULL when there is nothing to compute) and ``base`` (what the suppression
rule looks at: the count itself, the share's denominator, the median's number of values).

The page names the query of each figure and shows its text: a pilot can ask for it to be run
again. Demo data never count."""

from __future__ import annotations

from typing import Any

import psycopg

_DONE = "('realisee', 'restituee', 'bilan')"
_WALKS = f"""
    SELECT w.id, w.women_only FROM walks w
    WHERE w.territory = %(t)s AND NOT w.demo AND w.status IN {_DONE}
      AND w.walk_date >= %(y0)s AND w.walk_date < %(y1)s
"""
_WALK_OBS = f"""
    SELECT o.id, o.received_at, w.women_only FROM observations o
    JOIN ({_WALKS}) w ON w.id = o.walk_id
    JOIN observation_versions v ON v.observation_id = o.id AND v.version = o.current_version
    WHERE NOT o.demo AND NOT v.deleted
"""
_RESOLVED = f"""
    SELECT ob.women_only,
           extract(epoch FROM (min(tr.created_at) - ob.received_at)) / 86400.0 AS days
    FROM ({_WALK_OBS}) ob
    JOIN observation_transitions tr ON tr.observation_id = ob.id
         AND tr.machine = 'followup' AND tr.to_state = 'resolu'
    GROUP BY ob.id, ob.women_only, ob.received_at
"""


def _share_to_action(women_only: bool) -> str:
    return f"""
    SELECT CASE WHEN count(*) > 0 THEN round(100.0 * count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM action_observations ao WHERE ao.observation_id = ob.id))
               / count(*)) END AS value,
           count(*) AS base
    FROM ({_WALK_OBS}) ob WHERE ob.women_only = {str(women_only).upper()}
    """


def _median_days(women_only: bool) -> str:
    return f"""
    SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.days)::numeric, 1) AS value,
           count(*) AS base
    FROM ({_RESOLVED}) r WHERE r.women_only = {str(women_only).upper()}
    """


QUERIES: dict[str, str] = {
    "marches_realisees": f"SELECT count(*) AS value, count(*) AS base FROM ({_WALKS}) w",
    "part_marches_non_mixtes": f"""
        SELECT CASE WHEN count(*) > 0
                    THEN round(100.0 * count(*) FILTER (WHERE w.women_only) / count(*)) END
                   AS value,
               count(*) AS base
        FROM ({_WALKS}) w
    """,
    "part_observations_action_non_mixtes": _share_to_action(True),
    "part_observations_action_mixtes": _share_to_action(False),
    "delai_resolution_non_mixtes": _median_days(True),
    "delai_resolution_mixtes": _median_days(False),
    "eleves_expositions": """
        SELECT COALESCE(sum(sh.pupils), 0) AS value, COALESCE(sum(sh.pupils), 0) AS base
        FROM showing sh JOIN school s ON s.uai = sh.uai
        WHERE sh.start_date >= %(y0)s AND sh.start_date < %(y1)s
          AND territory_sees(%(t)s, s.geom)
    """,
    "colleges_prioritaires_atteints": """
        SELECT count(DISTINCT s.uai) AS value, count(DISTINCT s.uai) AS base
        FROM showing sh JOIN school s ON s.uai = sh.uai
        WHERE sh.start_date >= %(y0)s AND sh.start_date < %(y1)s
          AND s.level = 'college' AND s.priority IN ('rep', 'rep_plus')
          AND territory_sees(%(t)s, s.geom)
    """,
    "temoignages_autotest": """
        SELECT count(*) AS value, count(*) AS base FROM selfcheck_testimony t
        WHERE t.month >= %(y0)s AND t.month < %(y1)s
          AND territory_sees_place(%(t)s, t.qpv, t.commune)
    """,
    "gusp_resolus": """
        SELECT count(*) AS value, count(*) AS base FROM (
            SELECT o.id FROM observations o
            JOIN observation_versions v ON v.observation_id = o.id
                 AND v.version = o.current_version
            JOIN observation_transitions tr ON tr.observation_id = o.id
                 AND tr.machine = 'followup' AND tr.to_state = 'resolu'
            WHERE o.kind = 'gusp' AND NOT o.demo AND NOT v.deleted
              AND ST_Intersects(v.geom, (SELECT z.geom FROM territory z WHERE z.id = %(t)s))
            GROUP BY o.id
            HAVING (min(tr.created_at) AT TIME ZONE 'Europe/Paris') >= %(y0)s
               AND (min(tr.created_at) AT TIME ZONE 'Europe/Paris') < %(y1)s
        ) r
    """,
}


def run(
    conn: psycopg.Connection[Any], name: str, territory_id: str, year: int
) -> tuple[float | None, int]:
    """(value, base) of the query ``name`` for ``year``."""
    from datetime import date

    row = conn.execute(
        QUERIES[name], {"t": territory_id, "y0": date(year, 1, 1), "y1": date(year + 1, 1, 1)}
    ).fetchone()
    if row is None:
        return None, 0
    value = None if row[0] is None else float(row[0])
    return value, int(row[1] or 0)
