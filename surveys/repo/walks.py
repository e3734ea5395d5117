"""SQL of walks, their stops, lifecycle transitions and participants."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from geo.errors import Conflict, InvariantError
from surveys.models import StopInput, WalkInput, WalkRef
from surveys.policy import Scope

_REF = "SELECT id, status, facilitator_id, created_by, territory, demo, qpv_codes FROM walks"


def _ref(row: Any) -> WalkRef | None:
    if not row:
        return None
    return WalkRef(row[0], row[1], row[2], row[3], row[4], row[5], tuple(row[6]))


def insert_walk(
    conn: psycopg.Connection[Any],
    walk: WalkInput,
    territory: str,
    invite_code: str,
    facilitator_id: uuid.UUID,
    created_by: uuid.UUID,
    demo: bool = False,
) -> uuid.UUID:
    """Insert a walk; :class:`Conflict` when the invite code is already taken."""
    try:
        row = conn.execute(
            """
            INSERT INTO walks (title, walk_date, time_slot, territory, qpv_codes, organiser,
                               group_size, women_only, geom, paired_walk_id, invite_code,
                               facilitator_id, created_by, demo)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            RETURNING id
            """,
            (
                walk.title,
                walk.walk_date,
                walk.time_slot.value,
                territory,
                list(walk.qpv_codes),
                walk.organiser,
                walk.group_size,
                walk.women_only,
                walk.route,
                walk.paired_walk_id,
                invite_code,
                facilitator_id,
                created_by,
                demo,
            ),
        ).fetchone()
    except pg_errors.UniqueViolation as exc:
        raise Conflict("code d'invitation déjà attribué") from exc
    if row is None:
        raise InvariantError("expected row is not None")
    return uuid.UUID(str(row[0]))


def update_walk(conn: psycopg.Connection[Any], walk_id: uuid.UUID, walk: WalkInput) -> None:
    """Replace the editable fields of a walk (not its code, facilitator, status or texts)."""
    conn.execute(
        """
        UPDATE walks SET title = %s, walk_date = %s, time_slot = %s, qpv_codes = %s,
               organiser = %s, group_size = %s, women_only = %s, geom = %s, paired_walk_id = %s
        WHERE id = %s
        """,
        (
            walk.title,
            walk.walk_date,
            walk.time_slot.value,
            list(walk.qpv_codes),
            walk.organiser,
            walk.group_size,
            walk.women_only,
            walk.route,
            walk.paired_walk_id,
            walk_id,
        ),
    )


def stops_observed(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> bool:
    """True when an observation names one of the walk's stops (the stops are then fixed)."""
    row = conn.execute(
        """
        SELECT EXISTS (SELECT 1 FROM observation_versions v JOIN walk_stops s ON s.id = v.stop_id
                       WHERE s.walk_id = %s)
        """,
        (walk_id,),
    ).fetchone()
    return bool(row and row[0])


def delete_stops(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> None:
    conn.execute("DELETE FROM walk_stops WHERE walk_id = %s", (walk_id,))


def insert_stops(
    conn: psycopg.Connection[Any], walk_id: uuid.UUID, stops: tuple[StopInput, ...]
) -> None:
    """Insert the ordered stops of a walk (positions from 1)."""
    with conn.cursor() as cur:
        cur.executemany(
            """
            INSERT INTO walk_stops (walk_id, position, name, geom)
            VALUES (%s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
            """,
            [(walk_id, i, s.name, s.lon, s.lat) for i, s in enumerate(stops, start=1)],
        )


def get_ref(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> WalkRef | None:
    """The walk, or None."""
    return _ref(conn.execute(_REF + " WHERE id = %s", (walk_id,)).fetchone())


def lock_ref(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> WalkRef | None:
    """The walk, row-locked until the end of the caller's transaction."""
    return _ref(conn.execute(_REF + " WHERE id = %s FOR UPDATE", (walk_id,)).fetchone())


def get_ref_by_invite(conn: psycopg.Connection[Any], invite_code: str) -> WalkRef | None:
    """The walk of a normalised invite code, or None."""
    return _ref(conn.execute(_REF + " WHERE invite_code = %s", (invite_code,)).fetchone())


def stop_in_walk(conn: psycopg.Connection[Any], stop_id: uuid.UUID, walk_id: uuid.UUID) -> bool:
    """True when ``stop_id`` is a stop of ``walk_id``."""
    row = conn.execute(
        "SELECT 1 FROM walk_stops WHERE id = %s AND walk_id = %s", (stop_id, walk_id)
    ).fetchone()
    return row is not None


def unknown_qpv_codes(conn: psycopg.Connection[Any], codes: tuple[str, ...]) -> list[str]:
    """The codes of ``codes`` that match no stored QPV (any generation)."""
    rows = conn.execute(
        "SELECT c FROM unnest(%s::text[]) AS c WHERE NOT EXISTS "
        "(SELECT 1 FROM qpv WHERE qpv.code = c) ORDER BY c",
        (list(codes),),
    ).fetchall()
    return [r[0] for r in rows]


_WALK_JSON = """
SELECT json_build_object(
    'id', w.id, 'title', w.title, 'date', w.walk_date, 'time_slot', w.time_slot,
    'territory', w.territory, 'qpv_codes', w.qpv_codes, 'organiser', w.organiser,
    'facilitator', f.login, 'group_size', w.group_size, 'women_only', w.women_only,
    'route', ST_AsGeoJSON(w.geom)::json,
    'stops', COALESCE((
        SELECT json_agg(json_build_object('id', s.id, 'position', s.position, 'name', s.name,
                                          'location', ST_AsGeoJSON(s.geom)::json)
                        ORDER BY s.position)
        FROM walk_stops s WHERE s.walk_id = w.id), '[]'::json),
    'paired_walk_id', w.paired_walk_id, 'status', w.status, 'created_at', w.created_at,
    'demo', w.demo, 'restitution_text', w.restitution_text, 'bilan_text', w.bilan_text,
    'invite_code', CASE WHEN %(manager)s THEN w.invite_code END,
    'participants_count', (SELECT count(*) FROM participants p WHERE p.walk_id = w.id),
    'observations_count', (SELECT count(*) FROM observations o WHERE o.walk_id = w.id)
)
FROM walks w JOIN users f ON f.id = w.facilitator_id
"""


def walk_json(
    conn: psycopg.Connection[Any], walk_id: uuid.UUID, manager: bool
) -> dict[str, Any] | None:
    """The walk as a JSON-able dict (the invite code only for its managers)."""
    row = conn.execute(_WALK_JSON + " WHERE w.id = %(id)s", {"id": walk_id, "manager": manager})
    found = row.fetchone()
    return found[0] if found else None


def list_walks(conn: psycopg.Connection[Any], scope: Scope, limit: int = 500) -> list[Any]:
    """Walks visible in ``scope``, most recent first."""
    where, params = _walk_scope(scope)
    rows = conn.execute(
        _WALK_JSON + f" WHERE {where} ORDER BY w.walk_date DESC, w.created_at DESC LIMIT %(lim)s",
        {**params, "manager": False, "lim": limit},
    ).fetchall()
    return [r[0] for r in rows]


def _walk_scope(scope: Scope) -> tuple[str, dict[str, Any]]:
    if scope.everything and scope.territory is not None:
        return "w.territory = %(sterr)s", {"sterr": scope.territory}
    if scope.everything:
        return "TRUE", {}
    if scope.qpv_codes is not None:
        return (
            "(w.qpv_codes && %(sq)s::text[] OR w.created_by = %(su)s OR w.facilitator_id = %(su)s)",
            {"sq": list(scope.qpv_codes), "su": scope.user_id},
        )
    if scope.user_id is not None:
        return "(w.created_by = %(su)s OR w.facilitator_id = %(su)s)", {"su": scope.user_id}
    if scope.walk_id is not None:
        return "w.id = %(sw)s", {"sw": scope.walk_id}
    return "FALSE", {}


TEXT_COLUMNS = {"restitution": "restitution_text", "bilan": "bilan_text"}


def set_text(
    conn: psycopg.Connection[Any], walk_id: uuid.UUID, version: str, text: str | None
) -> None:
    """Write the restitution or bilan text of a walk (``version`` is a key of TEXT_COLUMNS)."""
    column = TEXT_COLUMNS[version]
    conn.execute(f"UPDATE walks SET {column} = %s WHERE id = %s", (text, walk_id))


def set_status(
    conn: psycopg.Connection[Any], walk_id: uuid.UUID, current: str, target: str
) -> bool:
    """Move the walk from ``current`` to ``target``; False when it was no longer ``current``."""
    cur = conn.execute(
        "UPDATE walks SET status = %s WHERE id = %s AND status = %s", (target, walk_id, current)
    )
    return cur.rowcount == 1


def insert_transition(
    conn: psycopg.Connection[Any],
    walk_id: uuid.UUID,
    action: str,
    current: str,
    target: str,
    actor: uuid.UUID,
    comment: str | None,
) -> None:
    """Write the history row of a lifecycle transition."""
    conn.execute(
        """
        INSERT INTO walk_transitions (walk_id, action, from_state, to_state, comment,
                                      actor_user_id)
        VALUES (%s, %s, %s, %s, %s, %s)
        """,
        (walk_id, action, current, target, comment, actor),
    )


def transitions(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> list[dict[str, Any]]:
    """The lifecycle history of a walk (who, when, why)."""
    rows = conn.execute(
        """
        SELECT t.action, t.from_state, t.to_state, t.comment, u.login, t.created_at
        FROM walk_transitions t JOIN users u ON u.id = t.actor_user_id
        WHERE t.walk_id = %s ORDER BY t.id
        """,
        (walk_id,),
    ).fetchall()
    keys = ("action", "from", "to", "comment", "by", "at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def insert_participant(
    conn: psycopg.Connection[Any], walk_id: uuid.UUID, pseudonym: str, demo: bool = False
) -> uuid.UUID:
    """A pseudonymous participant of a walk; returns its id."""
    row = conn.execute(
        "INSERT INTO participants (walk_id, pseudonym, demo) VALUES (%s, %s, %s) RETURNING id",
        (walk_id, pseudonym, demo),
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return uuid.UUID(str(row[0]))


def participants(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> list[dict[str, Any]]:
    """Pseudonyms of a walk with their observation counts (staff only)."""
    rows = conn.execute(
        """
        SELECT p.id, p.pseudonym, p.joined_at,
               (SELECT count(*) FROM observations o WHERE o.participant_id = p.id)
        FROM participants p WHERE p.walk_id = %s ORDER BY p.joined_at, p.id
        """,
        (walk_id,),
    ).fetchall()
    keys = ("id", "pseudonym", "joined_at", "observations_count")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def user_id_by_login(conn: psycopg.Connection[Any], login: str, role: str) -> uuid.UUID | None:
    """Id of an enabled account with this login and role, or None."""
    row = conn.execute(
        "SELECT id FROM users WHERE login = %s AND role = %s AND disabled_at IS NULL",
        (login, role),
    ).fetchone()
    return uuid.UUID(str(row[0])) if row else None


def paired_walk_id(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> uuid.UUID | None:
    """The walk paired with ``walk_id`` (either side of the link), if any."""
    row = conn.execute(
        """
        SELECT paired_walk_id FROM walks WHERE id = %(id)s AND paired_walk_id IS NOT NULL
        UNION ALL
        SELECT id FROM walks WHERE paired_walk_id = %(id)s
        LIMIT 1
        """,
        {"id": walk_id},
    ).fetchone()
    return uuid.UUID(str(row[0])) if row else None


def stop_summaries(
    conn: psycopg.Connection[Any], walk_ids: list[uuid.UUID]
) -> list[dict[str, Any]]:
    """Per stop of each walk: observations, mean rating and feeling, strong points."""
    rows = conn.execute(
        """
        SELECT s.walk_id, s.position, s.name, count(c.id),
               round(avg(c.rating), 2)::float, round(avg(c.feeling), 2)::float,
               count(c.id) FILTER (WHERE c.works_well)
        FROM walk_stops s
        LEFT JOIN observation_current c
               ON c.stop_id = s.id AND c.kind = 'marche' AND NOT c.deleted
        WHERE s.walk_id = ANY(%s)
        GROUP BY s.walk_id, s.position, s.name
        ORDER BY s.position, s.walk_id
        """,
        (walk_ids,),
    ).fetchall()
    keys = (
        "walk_id",
        "position",
        "name",
        "observations",
        "rating_mean",
        "feeling_mean",
        "works_well",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def walk_date(conn: psycopg.Connection[Any], walk_id: uuid.UUID) -> date:
    """The date of a walk."""
    row = conn.execute("SELECT walk_date FROM walks WHERE id = %s", (walk_id,)).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    found: date = row[0]
    return found
