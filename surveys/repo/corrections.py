"""SQL of corrections and deletions by authors, and of their "my observations" list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from surveys import states
from surveys.models import ObservationInput, ObservationRef, WalkRef
from surveys.policy import View
from surveys.repo import located
from surveys.repo.observations import OBS_JSON, content_params, view_params


@dataclass(frozen=True)
class CurrentVersion:
    """What a correction is checked against."""

    version: int
    observed_at: datetime
    payload_hash: bytes
    """Hash of the current content (version 1: the submission's hash)."""


def current_version(conn: psycopg.Connection[Any], obs_id: uuid.UUID) -> CurrentVersion | None:
    """Number, time and content hash of the current version of ``obs_id``."""
    row = conn.execute(
        """
        SELECT v.version, v.observed_at, COALESCE(v.payload_hash, o.payload_hash)
        FROM observations o
        JOIN observation_versions v ON v.observation_id = o.id AND v.version = o.current_version
        WHERE o.id = %s
        """,
        (obs_id,),
    ).fetchone()
    return CurrentVersion(row[0], row[1], bytes(row[2])) if row else None


def walk_for_share(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> WalkRef | None:
    """The walk, share-locked: its lifecycle cannot move (close) until the caller commits."""
    row = conn.execute(
        "SELECT id, status, facilitator_id, created_by, territory, demo FROM walks "
        "WHERE id = %s FOR SHARE",
        (walk_id,),
    ).fetchone()
    return WalkRef(*row) if row else None


def in_action(conn: psycopg.Connection[Any], obs_id: uuid.UUID) -> bool:
    """True when an action of the plan answers ``obs_id``."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM action_observations WHERE observation_id = %s)", (obs_id,)
    ).fetchone()
    return bool(row and row[0])


_INSERT_VERSION = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom)
INSERT INTO observation_versions (observation_id, version, stop_id, geom, observed_at, theme,
                                  items, rating, feeling, works_well, comment, proposal,
                                  category, photo_ids, qpv_codes, participant_id, author_user_id,
                                  payload_hash)
SELECT %(id)s, %(version)s, %(stop_id)s, pt.geom, %(observed_at)s, %(theme)s, %(items)s,
       %(rating)s, %(feeling)s, %(works_well)s, %(comment)s, %(proposal)s, %(category)s,
       %(photo_ids)s,
       ARRAY(SELECT q.code FROM qpv q WHERE ST_Intersects(q.geom, pt.geom)
             ORDER BY q.generation, q.code),
       %(participant_id)s, %(user_id)s, %(hash)s
FROM pt
"""


def insert_version(
    conn: psycopg.Connection[Any],
    obs: ObservationInput,
    version: int,
    payload_hash: bytes,
    participant_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
) -> None:
    """Write ``obs`` as version ``version`` (QPV attributed in the statement) and make it current.

    Earlier versions are never touched.
    """
    conn.execute(
        _INSERT_VERSION,
        {
            "id": obs.id,
            "version": version,
            **content_params(obs),
            "participant_id": participant_id,
            "user_id": user_id,
            "hash": payload_hash,
        },
    )
    conn.execute("UPDATE observations SET current_version = %s WHERE id = %s", (version, obs.id))


def delete_photos_except(
    conn: psycopg.Connection[Any], obs_id: uuid.UUID, keep: tuple[uuid.UUID, ...]
) -> int:
    """Erase the photos of ``obs_id`` that are not in ``keep``; returns how many."""
    cur = conn.execute(
        "DELETE FROM observation_photos WHERE observation_id = %s AND NOT (id = ANY(%s))",
        (obs_id, list(keep)),
    )
    return cur.rowcount


def delete(conn: psycopg.Connection[Any], obs_id: uuid.UUID) -> bool:
    """Erase the observation, its versions and its photos (cascade); True when it existed."""
    return conn.execute("DELETE FROM observations WHERE id = %s", (obs_id,)).rowcount == 1


_MINE = f"""
SELECT {OBS_JSON},
       c.id, c.kind, c.walk_id, c.participant_id, c.author_user_id, c.payload_hash,
       c.moderation, c.followup, c.category, c.qpv_codes,
       EXISTS (SELECT 1 FROM action_observations a WHERE a.observation_id = c.id)
FROM observation_current c
LEFT JOIN participants pa ON pa.id = c.participant_id
LEFT JOIN users au ON au.id = c.author_user_id
LEFT JOIN walks w ON w.id = c.walk_id
WHERE NOT c.deleted
  AND {located.own()}
ORDER BY c.observed_at DESC, c.id
LIMIT %(lim)s
"""


def authored(
    conn: psycopg.Connection[Any], view: View, limit: int = 2000
) -> list[tuple[dict[str, Any], ObservationRef, bool]]:
    """Observations written by the reader of ``view`` (``surveys.policy.own_view``): (JSON,
    reference, in an action).

    Newest first; the JSON is the current version cut to ``view``.
    """
    if view.participant_id is None and view.user_id is None:
        return []
    rows = conn.execute(
        _MINE,
        {
            **view_params(view),
            "reason_states": list(states.followup().states_in("closed")),
            "lim": limit,
        },
    ).fetchall()
    return [(row[0], _ref(row[1:11]), bool(row[11])) for row in rows]


def _ref(row: Any) -> ObservationRef:
    return ObservationRef(
        id=row[0],
        kind=row[1],
        walk_id=row[2],
        participant_id=row[3],
        author_user_id=row[4],
        payload_hash=bytes(row[5]),
        moderation=row[6],
        followup=row[7],
        category=row[8],
        qpv_codes=tuple(row[9]),
    )
