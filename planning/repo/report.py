"""SQL of the walk report (kit de restitution): stops and their ratings, published observations
and photos, the actions and issues they led to, the walks made since near its stops."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row

from surveys.policy import View
from surveys.repo import located


def _rows(
    conn: psycopg.Connection[Any], query: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    return conn.cursor(row_factory=dict_row).execute(query, params).fetchall()


def qpv_outlines(
    conn: psycopg.Connection[Any], codes: list[str], generation: int
) -> list[dict[str, Any]]:
    """Code, name and boundary (GeoJSON) of the QPV of a walk."""
    return _rows(
        conn,
        """
        SELECT code, name, ST_AsGeoJSON(geom, 6)::json AS geometry FROM qpv
        WHERE code = ANY(%(codes)s) AND generation = %(generation)s ORDER BY code
        """,
        {"codes": codes, "generation": generation},
    )


def theme_stop_ratings(
    conn: psycopg.Connection[Any], walk_ids: list[uuid.UUID], shown: list[str]
) -> list[dict[str, Any]]:
    """Per walk, stop and theme: observations in a ``shown`` moderation state, their sums of
    rating and feeling, and the strong points (« ça fonctionne bien »)."""
    return _rows(
        conn,
        """
        SELECT s.walk_id, s.position, s.name, c.theme, count(c.id)::int AS n,
               count(c.rating)::int AS n_rating, coalesce(sum(c.rating), 0)::int AS rating_sum,
               count(c.feeling)::int AS n_feeling, coalesce(sum(c.feeling), 0)::int AS feeling_sum,
               count(c.id) FILTER (WHERE c.works_well)::int AS works_well
        FROM walk_stops s
        LEFT JOIN observation_current c
               ON c.stop_id = s.id AND c.kind = 'marche' AND NOT c.deleted
              AND c.moderation = ANY(%(shown)s)
        WHERE s.walk_id = ANY(%(walks)s)
        GROUP BY s.walk_id, s.position, s.name, c.theme
        ORDER BY s.walk_id, s.position, c.theme
        """,
        {"walks": walk_ids, "shown": shown},
    )


def observations(
    conn: psycopg.Connection[Any], walk_id: uuid.UUID, shown: list[str], view: View
) -> list[dict[str, Any]]:
    """Observations of the walk in a ``shown`` moderation state, in stop order, their texts
    cut to ``view`` (no place: the report names their stop)."""
    return _rows(
        conn,
        f"""
        SELECT c.id, s.position, s.name AS stop, c.theme, c.items, c.rating, c.feeling,
               c.works_well, {located.shown_text("comment")} AS comment,
               {located.shown_text("proposal")} AS proposal, c.observed_at
        FROM observation_current c
        LEFT JOIN walk_stops s ON s.id = c.stop_id
        WHERE c.walk_id = %(walk)s AND c.kind = 'marche' AND NOT c.deleted
          AND c.moderation = ANY(%(shown)s)
        ORDER BY s.position NULLS LAST, c.observed_at, c.id
        """,
        {"walk": walk_id, "shown": shown, **located.params(view)},
    )


def moderation_counts(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> dict[str, int]:
    """Observations of the walk per moderation state."""
    rows = conn.execute(
        "SELECT moderation, count(*) FROM observation_current "
        "WHERE walk_id = %s AND NOT deleted GROUP BY moderation",
        (walk_id,),
    ).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def photos(
    conn: psycopg.Connection[Any], walk_id: uuid.UUID, shown: list[str], limit: int
) -> list[dict[str, Any]]:
    """The stored (re-encoded) photos of observations in a ``shown`` state."""
    return _rows(
        conn,
        """
        SELECT p.id, p.observation_id, p.content, s.position, s.name AS stop, c.theme
        FROM observation_photos p
        JOIN observation_current c ON c.id = p.observation_id
        LEFT JOIN walk_stops s ON s.id = c.stop_id
        WHERE c.walk_id = %(walk)s AND NOT c.deleted AND c.moderation = ANY(%(shown)s)
        ORDER BY s.position NULLS LAST, p.received_at, p.id
        LIMIT %(limit)s
        """,
        {"walk": walk_id, "shown": shown, "limit": limit},
    )


def actions(
    conn: psycopg.Connection[Any], walk_ids: list[uuid.UUID], done: str
) -> list[dict[str, Any]]:
    """Actions answering observations of the walks, with when they were done."""
    return _rows(
        conn,
        """
        SELECT a.id, a.title, a.description, a.owner_org, a.due_date, a.status, a.created_at,
               (SELECT max(t.created_at) FROM action_transitions t
                WHERE t.action_id = a.id AND t.to_state = %(done)s) AS done_at,
               (SELECT count(*) FROM action_observations ao2
                WHERE ao2.action_id = a.id)::int AS observations
        FROM actions a
        WHERE EXISTS (SELECT 1 FROM action_observations ao JOIN observations o
                        ON o.id = ao.observation_id
                      WHERE ao.action_id = a.id AND o.walk_id = ANY(%(walks)s))
        ORDER BY a.due_date NULLS LAST, a.title
        """,
        {"walks": walk_ids, "done": done},
    )


def issues(
    conn: psycopg.Connection[Any], walk_id: uuid.UUID, untracked: list[str], resolved: str
) -> list[dict[str, Any]]:
    """Observations of the walk opened as follow-up issues, with their state."""
    return _rows(
        conn,
        """
        SELECT c.id, coalesce(c.category, c.theme) AS category, c.followup,
               c.responsible_body, s.position, s.name AS stop,
               (SELECT max(t.created_at) FROM observation_transitions t
                WHERE t.observation_id = c.id AND t.to_state = %(resolved)s) AS resolved_at
        FROM observation_current c LEFT JOIN walk_stops s ON s.id = c.stop_id
        WHERE c.walk_id = %(walk)s AND NOT c.deleted AND c.followup <> ALL(%(untracked)s)
        ORDER BY s.position NULLS LAST, c.id
        """,
        {"walk": walk_id, "untracked": untracked, "resolved": resolved},
    )


def walked_again(
    conn: psycopg.Connection[Any], walk_id: uuid.UUID, not_done: str, distance_m: int
) -> list[dict[str, Any]]:
    """For each stop of the walk: the later walks with a stop within ``distance_m``."""
    return _rows(
        conn,
        """
        SELECT s.position, s.name, count(DISTINCT w2.id)::int AS walks,
               max(w2.walk_date) AS last_date,
               array_agg(DISTINCT w2.time_slot) FILTER (WHERE w2.id IS NOT NULL) AS slots
        FROM walk_stops s JOIN walks w ON w.id = s.walk_id
        LEFT JOIN (walk_stops s2 JOIN walks w2 ON w2.id = s2.walk_id)
               ON w2.walk_date > w.walk_date AND w2.status <> %(not_done)s
              AND w2.demo = w.demo
              AND ST_DWithin(ST_Transform(s2.geom, 2154), ST_Transform(s.geom, 2154), %(d)s)
        WHERE s.walk_id = %(walk)s
        GROUP BY s.position, s.name ORDER BY s.position
        """,
        {"walk": walk_id, "not_done": not_done, "d": distance_m},
    )
