"""SQL of the action plan: actions, their linked observations and status transitions."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from geo.errors import InvariantError
from surveys.models import ActionInput


def insert(
    conn: psycopg.Connection[Any], data: ActionInput, user_id: uuid.UUID, demo: bool = False
) -> uuid.UUID:
    """Insert an action (status ``proposee``); returns its id."""
    row = conn.execute(
        """
        INSERT INTO actions (title, description, owner_org, due_date, created_by, demo)
        VALUES (%s, %s, %s, %s, %s, %s) RETURNING id
        """,
        (data.title, data.description, data.owner_org, data.due_date, user_id, demo),
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return uuid.UUID(str(row[0]))


def link(conn: psycopg.Connection[Any], action_id: uuid.UUID, obs_ids: list[uuid.UUID]) -> int:
    """Link observations to the action (already linked ones are ignored)."""
    cur = conn.execute(
        """
        INSERT INTO action_observations (action_id, observation_id)
        SELECT %s, unnest(%s::uuid[])
        ON CONFLICT DO NOTHING
        """,
        (action_id, obs_ids),
    )
    return cur.rowcount


def existing_observations(conn: psycopg.Connection[Any], ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The ids among ``ids`` that are stored observations."""
    rows = conn.execute("SELECT id FROM observations WHERE id = ANY(%s)", (ids,)).fetchall()
    return {r[0] for r in rows}


def lock_status(conn: psycopg.Connection[Any], action_id: uuid.UUID) -> str | None:
    """Status of the action, row-locked for the caller's transaction; None when unknown."""
    row = conn.execute(
        "SELECT status FROM actions WHERE id = %s FOR UPDATE", (action_id,)
    ).fetchone()
    return str(row[0]) if row else None


def set_status(
    conn: psycopg.Connection[Any],
    action_id: uuid.UUID,
    name: str,
    current: str,
    target: str,
    comment: str | None,
    actor: uuid.UUID,
) -> None:
    """Write the new status and its history row."""
    conn.execute("UPDATE actions SET status = %s WHERE id = %s", (target, action_id))
    conn.execute(
        """
        INSERT INTO action_transitions (action_id, action, from_state, to_state, comment,
                                        actor_user_id)
        VALUES (%s, %s, %s, %s, %s, %s)
        """,
        (action_id, name, current, target, comment, actor),
    )


# The walks and QPV an action concerns are those of the observations it answers.
_ACTION_JSON = """
json_build_object(
    'id', a.id, 'title', a.title, 'description', a.description, 'owner_org', a.owner_org,
    'due_date', a.due_date, 'status', a.status, 'created_at', a.created_at, 'demo', a.demo,
    'created_by', cu.login,
    'observation_ids', COALESCE((SELECT json_agg(ao.observation_id ORDER BY ao.observation_id)
                                 FROM action_observations ao WHERE ao.action_id = a.id),
                                '[]'::json),
    'walk_ids', COALESCE((SELECT json_agg(DISTINCT o.walk_id)
                          FROM action_observations ao JOIN observations o
                            ON o.id = ao.observation_id
                          WHERE ao.action_id = a.id AND o.walk_id IS NOT NULL), '[]'::json),
    'qpv_codes', COALESCE((SELECT json_agg(DISTINCT q)
                           FROM action_observations ao
                           JOIN observation_current c ON c.id = ao.observation_id,
                           unnest(c.qpv_codes) AS q
                           WHERE ao.action_id = a.id), '[]'::json),
    'history', COALESCE((SELECT json_agg(json_build_object('action', t.action,
                         'from', t.from_state, 'to', t.to_state, 'comment', t.comment,
                         'by', u.login, 'at', t.created_at) ORDER BY t.id)
                         FROM action_transitions t JOIN users u ON u.id = t.actor_user_id
                         WHERE t.action_id = a.id), '[]'::json)
)
"""


def action_json(conn: psycopg.Connection[Any], action_id: uuid.UUID) -> dict[str, Any] | None:
    """The action with its observations, walks, QPV and history, or None."""
    row = conn.execute(
        f"SELECT {_ACTION_JSON} FROM actions a JOIN users cu ON cu.id = a.created_by "
        "WHERE a.id = %s",
        (action_id,),
    ).fetchone()
    return row[0] if row else None


def list_actions(
    conn: psycopg.Connection[Any],
    statuses: list[str] | None,
    walk_id: uuid.UUID | None,
    qpv: str | None,
) -> list[dict[str, Any]]:
    """Actions (optionally of some statuses) answering observations of a walk and/or a QPV."""
    rows = conn.execute(
        f"""
        SELECT {_ACTION_JSON}
        FROM actions a JOIN users cu ON cu.id = a.created_by
        WHERE (%(st)s::text[] IS NULL OR a.status = ANY(%(st)s))
          AND (%(walk)s::uuid IS NULL OR EXISTS (
                SELECT 1 FROM action_observations ao JOIN observations o
                  ON o.id = ao.observation_id
                WHERE ao.action_id = a.id AND o.walk_id = %(walk)s))
          AND (%(qpv)s::text IS NULL OR EXISTS (
                SELECT 1 FROM action_observations ao JOIN observation_current c
                  ON c.id = ao.observation_id
                WHERE ao.action_id = a.id AND %(qpv)s = ANY(c.qpv_codes)))
        ORDER BY a.due_date NULLS LAST, a.created_at
        """,
        {"st": statuses, "walk": walk_id, "qpv": qpv},
    ).fetchall()
    return [r[0] for r in rows]


_OPEN_GROUPED = """
        WITH open_actions AS (
            SELECT a.id, a.title, a.owner_org, a.due_date, a.status
            FROM actions a WHERE a.status = ANY(%(st)s)
        ), links AS (
            SELECT ao.action_id, c.walk_id, c.qpv_codes
            FROM action_observations ao JOIN observation_current c ON c.id = ao.observation_id
            WHERE ao.action_id IN (SELECT id FROM open_actions)
        ), per_walk AS (
            SELECT l.walk_id, w.title,
                   json_agg(DISTINCT jsonb_build_object('id', a.id, 'title', a.title,
                            'owner_org', a.owner_org, 'due_date', a.due_date,
                            'status', a.status)) AS actions
            FROM links l JOIN open_actions a ON a.id = l.action_id
            JOIN walks w ON w.id = l.walk_id
            GROUP BY l.walk_id, w.title
        ), per_qpv AS (
            SELECT q.code, q.name,
                   json_agg(DISTINCT jsonb_build_object('id', a.id, 'title', a.title,
                            'owner_org', a.owner_org, 'due_date', a.due_date,
                            'status', a.status)) AS actions
            FROM links l CROSS JOIN unnest(l.qpv_codes) AS u(qcode)
            JOIN open_actions a ON a.id = l.action_id
            JOIN qpv q ON q.code = u.qcode
            GROUP BY q.code, q.name
        )
        SELECT json_build_object(
            'by_walk', COALESCE((SELECT json_agg(json_build_object('walk_id', walk_id,
                                 'title', title, 'actions', actions) ORDER BY title, walk_id)
                                 FROM per_walk), '[]'::json),
            'by_qpv', COALESCE((SELECT json_agg(json_build_object('code', code, 'name', name,
                                'actions', actions) ORDER BY code) FROM per_qpv), '[]'::json)
        )
        """


def open_by_walk_and_qpv(conn: psycopg.Connection[Any], statuses: list[str]) -> dict[str, Any]:
    """Actions of ``statuses`` grouped by walk and by QPV, in one statement."""
    row = conn.execute(
        _OPEN_GROUPED,
        {"st": statuses},
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return dict(row[0])
