"""SQL read by the dashboards. Each function takes a list of QPV codes and returns plain rows
(dicts) keyed by ``code``; aggregation and small-count suppression happen in Python."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row


def _rows(
    conn: psycopg.Connection[Any], query: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    return conn.cursor(row_factory=dict_row).execute(query, params).fetchall()


def read_only_snapshot(conn: psycopg.Connection[Any]) -> None:
    """Make the transaction just opened read-only with one snapshot for all its statements."""
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def qpv_info(
    conn: psycopg.Connection[Any], codes: list[str], generation: int
) -> list[dict[str, Any]]:
    """Code, name, communes, population of the QPV of ``codes`` in one generation."""
    return _rows(
        conn,
        """
        SELECT code, name, communes, population, population_year, generation, approximate
        FROM qpv WHERE generation = %(generation)s AND code = ANY(%(codes)s) ORDER BY code
        """,
        {"codes": codes, "generation": generation},
    )


def territory_codes(conn: psycopg.Connection[Any], territory: str, generation: int) -> list[str]:
    """The QPV of one generation that lie in the territory (and its communes when listed)."""
    rows = conn.execute(
        """
        WITH zone AS (
            SELECT t.geom, array(SELECT c.insee_code FROM territory_commune c
                                 WHERE c.territory_id = t.id) AS communes
            FROM territory t WHERE t.id = %(territory)s
        )
        SELECT q.code FROM qpv q, zone z
        WHERE q.generation = %(generation)s AND ST_Intersects(q.geom, z.geom)
          AND (cardinality(z.communes) = 0 OR q.insee_codes && z.communes
               OR cardinality(q.insee_codes) = 0)
        ORDER BY q.code
        """,
        {"territory": territory, "generation": generation},
    ).fetchall()
    return [r[0] for r in rows]


def walk_observations(
    conn: psycopg.Connection[Any],
    codes: list[str],
    start: datetime,
    end: datetime,
    moderation: list[str],
    delay_days: int,
    demo: bool,
) -> list[dict[str, Any]]:
    """Walk observations attributed to each QPV, observed in [start, end) and at least
    ``delay_days`` ago, in one of the ``moderation`` states: counts and sums of feeling and
    rating per (code, month in Europe/Paris, theme, time slot of the walk)."""
    return _rows(
        conn,
        """
        SELECT q.code, to_char(c.observed_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS month,
               c.theme, w.time_slot AS slot, count(*)::int AS n,
               count(c.feeling)::int AS n_feeling, coalesce(sum(c.feeling), 0)::int AS feeling_sum,
               count(c.rating)::int AS n_rating, coalesce(sum(c.rating), 0)::int AS rating_sum
        FROM observation_current c
        JOIN walks w ON w.id = c.walk_id
        JOIN unnest(%(codes)s::text[]) AS q(code) ON q.code = ANY(c.qpv_codes)
        WHERE c.kind = 'marche' AND NOT c.deleted AND c.demo = %(demo)s
          AND c.moderation = ANY(%(moderation)s)
          AND c.observed_at <= now() - make_interval(days => %(delay)s)
          AND c.observed_at >= %(start)s AND c.observed_at < %(end)s
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        """,
        {
            "codes": codes,
            "start": start,
            "end": end,
            "moderation": moderation,
            "delay": delay_days,
            "demo": demo,
        },
    )


def issues(
    conn: psycopg.Connection[Any],
    codes: list[str],
    untracked: list[str],
    moderation: list[str],
    delay_days: int,
    resolved: str,
    demo: bool,
) -> list[dict[str, Any]]:
    """Follow-up issues (GUSP reports, walk observations opened as issues) of each QPV whose
    observation is in one of the ``moderation`` states and was made at least ``delay_days``
    ago: one row per issue with when it was opened (the ``ouvrir`` transition, else the
    observation time) and, when resolved, when it was resolved (the last transition into
    ``resolved``)."""
    return _rows(
        conn,
        """
        WITH i AS (
            SELECT q.code, c.id, c.kind, coalesce(c.category, c.theme) AS category, c.followup,
                   c.responsible_body,
                   coalesce((SELECT min(t.created_at) FROM observation_transitions t
                             WHERE t.observation_id = c.id AND t.machine = 'followup'
                               AND t.action = 'ouvrir'), c.observed_at) AS opened_at,
                   CASE WHEN c.followup = %(resolved)s THEN
                       (SELECT max(t.created_at) FROM observation_transitions t
                        WHERE t.observation_id = c.id AND t.machine = 'followup'
                          AND t.to_state = %(resolved)s) END AS resolved_at
            FROM observation_current c
            JOIN unnest(%(codes)s::text[]) AS q(code) ON q.code = ANY(c.qpv_codes)
            WHERE NOT c.deleted AND c.demo = %(demo)s
              AND c.followup <> ALL(%(untracked)s) AND c.moderation = ANY(%(moderation)s)
              AND c.observed_at <= now() - make_interval(days => %(delay)s)
        )
        SELECT * FROM i ORDER BY code, opened_at, id
        """,
        {
            "codes": codes,
            "untracked": untracked,
            "moderation": moderation,
            "delay": delay_days,
            "resolved": resolved,
            "demo": demo,
        },
    )


def actions(
    conn: psycopg.Connection[Any],
    codes: list[str],
    done_state: str,
    moderation: list[str],
    delay_days: int,
    demo: bool,
) -> list[dict[str, Any]]:
    """Actions of the plan answering observations of each QPV (observations in one of the
    ``moderation`` states, made at least ``delay_days`` ago), with when they were done."""
    return _rows(
        conn,
        """
        SELECT DISTINCT ON (q.code, a.id) q.code, a.id, a.title, a.owner_org, a.status,
               a.due_date, a.created_at,
               (SELECT max(t.created_at) FROM action_transitions t
                WHERE t.action_id = a.id AND t.to_state = %(done)s) AS done_at
        FROM actions a
        JOIN action_observations ao ON ao.action_id = a.id
        JOIN observation_current c ON c.id = ao.observation_id
        JOIN unnest(%(codes)s::text[]) AS q(code) ON q.code = ANY(c.qpv_codes)
        WHERE a.demo = %(demo)s AND c.moderation = ANY(%(moderation)s)
          AND c.observed_at <= now() - make_interval(days => %(delay)s)
        ORDER BY q.code, a.id
        """,
        {
            "codes": codes,
            "done": done_state,
            "moderation": moderation,
            "delay": delay_days,
            "demo": demo,
        },
    )


def walks(
    conn: psycopg.Connection[Any],
    codes: list[str],
    since: datetime,
    planned: str,
    took_place_only: bool,
    demo: bool,
) -> list[dict[str, Any]]:
    """Walks of each QPV, each with ``took_place``: no longer in the ``planned`` state and
    dated today (Europe/Paris) or earlier. With ``took_place_only`` (public audiences) the
    walks still planned are not read at all: their date and place are nobody's business."""
    return _rows(
        conn,
        """
        SELECT * FROM (
            SELECT q.code, w.id, w.title, w.walk_date, w.time_slot, w.status, w.paired_walk_id,
                   w.walk_date >= %(since)s::date AS recent,
                   (w.status <> %(planned)s
                    AND w.walk_date <= (now() AT TIME ZONE 'Europe/Paris')::date) AS took_place
            FROM walks w
            JOIN unnest(%(codes)s::text[]) AS q(code) ON q.code = ANY(w.qpv_codes)
            WHERE w.demo = %(demo)s
        ) x
        WHERE took_place OR NOT %(took_place_only)s
        ORDER BY code, walk_date, id
        """,
        {
            "codes": codes,
            "since": since.date(),
            "planned": planned,
            "took_place_only": took_place_only,
            "demo": demo,
        },
    )


def night_stops_not_rewalked(
    conn: psycopg.Connection[Any],
    codes: list[str],
    night_slots: list[str],
    not_done: str,
    distance_m: int,
    demo: bool,
) -> list[dict[str, Any]]:
    """Stops of walks made after dark in each QPV with no stop of a later night walk within
    ``distance_m`` (EPSG:2154): places walked once at night and never checked again."""
    return _rows(
        conn,
        """
        SELECT q.code, s.id, s.name, s.position, w.id AS walk_id, w.title, w.walk_date,
               w.time_slot
        FROM walks w
        JOIN walk_stops s ON s.walk_id = w.id
        JOIN unnest(%(codes)s::text[]) AS q(code) ON q.code = ANY(w.qpv_codes)
        WHERE w.time_slot = ANY(%(night)s) AND w.status <> %(not_done)s AND w.demo = %(demo)s
          AND NOT EXISTS (
              SELECT 1 FROM walks w2 JOIN walk_stops s2 ON s2.walk_id = w2.id
              WHERE w2.time_slot = ANY(%(night)s) AND w2.status <> %(not_done)s
                AND w2.demo = w.demo AND w2.walk_date > w.walk_date
                AND ST_DWithin(ST_Transform(s2.geom, 2154), ST_Transform(s.geom, 2154), %(d)s))
        ORDER BY q.code, w.walk_date, s.position
        """,
        {
            "codes": codes,
            "night": night_slots,
            "not_done": not_done,
            "d": distance_m,
            "demo": demo,
        },
    )


def nearest_actors(
    conn: psycopg.Connection[Any],
    codes: list[str],
    generation: int,
    grounds: list[str],
    staff: bool,
) -> list[dict[str, Any]]:
    """For each QPV and ground: the nearest active actor handling it (public ones only unless
    ``staff``) and its distance in metres from the QPV boundary (0 inside), in EPSG:2154."""
    return _rows(
        conn,
        """
        SELECT q.code, g.ground, a.id, a.nom, a.commune, a.visibility, a.distance_m
        FROM qpv q
        CROSS JOIN unnest(%(grounds)s::text[]) WITH ORDINALITY AS g(ground, ord)
        LEFT JOIN LATERAL (
            SELECT a.id, a.nom, a.commune, a.visibility,
                   round(ST_Distance(ST_Transform(a.geom, 2154), q.geom_l93))::int AS distance_m
            FROM actor a
            WHERE a.status = 'active' AND a.grounds @> ARRAY[g.ground]
              AND (%(staff)s OR a.visibility = 'public')
            ORDER BY ST_Transform(a.geom, 2154) <-> q.geom_l93, a.id
            LIMIT 1
        ) a ON true
        WHERE q.generation = %(generation)s AND q.code = ANY(%(codes)s)
        ORDER BY q.code, g.ord
        """,
        {"codes": codes, "generation": generation, "grounds": grounds, "staff": staff},
    )
