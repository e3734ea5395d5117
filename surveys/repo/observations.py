"""SQL of observations: idempotent insert with QPV attribution, references, JSON views."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row

from accounts.models import Principal, Role
from accounts.repo import FROM_LIVE_BEARER
from geo.errors import InvariantError
from surveys import states
from surveys.models import ObservationInput, ObservationRef, SubmissionContext, WalkRef
from surveys.policy import ROUTED_STATES, Scope, View
from surveys.repo import located

_REF = """
SELECT o.id, o.kind, o.walk_id, o.participant_id, o.author_user_id, o.payload_hash,
       o.moderation, o.followup, v.category, v.qpv_codes, o.responsible_body,
       ARRAY(SELECT z.id FROM territory z WHERE ST_Intersects(z.geom, v.geom)) AS territories
FROM observations o
JOIN observation_versions v ON v.observation_id = o.id AND v.version = o.current_version
"""


_WALK = """
       w.id AS w_id, w.status AS w_status, w.facilitator_id AS w_facilitator_id,
       w.created_by AS w_created_by, w.territory AS w_territory, w.demo AS w_demo,
       w.qpv_codes AS w_qpv_codes"""
"""The columns of a walk reference, read back by :func:`_walk` (names prefixed ``w_``)."""


def _ref(row: dict[str, Any]) -> ObservationRef:
    return ObservationRef(
        id=row["id"],
        kind=row["kind"],
        walk_id=row["walk_id"],
        participant_id=row["participant_id"],
        author_user_id=row["author_user_id"],
        payload_hash=bytes(row["payload_hash"]),
        moderation=row["moderation"],
        followup=row["followup"],
        category=row["category"],
        qpv_codes=tuple(row["qpv_codes"]),
        responsible_body=row.get("responsible_body"),
        territories=tuple(row["territories"]) if row.get("territories") is not None else None,
    )


def _walk(row: dict[str, Any]) -> WalkRef | None:
    if row["w_id"] is None:
        return None
    return WalkRef(
        id=row["w_id"],
        status=row["w_status"],
        facilitator_id=row["w_facilitator_id"],
        created_by=row["w_created_by"],
        territory=row["w_territory"],
        demo=row["w_demo"],
        qpv_codes=tuple(row["w_qpv_codes"] or ()),
    )


def _rows(conn: psycopg.Connection[Any]) -> psycopg.Cursor[dict[str, Any]]:
    return conn.cursor(row_factory=dict_row)


def get_ref(conn: psycopg.Connection[Any], obs_id: uuid.UUID) -> ObservationRef | None:
    """Identity, author and states of an observation, or None."""
    row = _rows(conn).execute(_REF + " WHERE o.id = %s", (obs_id,)).fetchone()
    return _ref(row) if row else None


def lock_ref(conn: psycopg.Connection[Any], obs_id: uuid.UUID) -> ObservationRef | None:
    """The observation, row-locked until the end of the caller's transaction."""
    row = _rows(conn).execute(_REF + " WHERE o.id = %s FOR UPDATE OF o", (obs_id,)).fetchone()
    return _ref(row) if row else None


def _context_sql(walk: str, ref: bool = True) -> str:
    """The submission context's columns and joins, the walk being the SQL expression ``walk``
    (a parameter, or the token's walk in the one-statement submission). Without ``ref``, only
    the id of an observation already stored under the submitted id (the caller reads it then)."""
    stored = (
        """o.id, o.kind, o.walk_id, o.participant_id, o.author_user_id, o.payload_hash,
       o.moderation, o.followup, v.category, v.qpv_codes"""
        if ref
        else "o.id"
    )
    version = (
        "LEFT JOIN observation_versions v ON v.observation_id = o.id"
        " AND v.version = o.current_version"
        if ref
        else ""
    )
    return f"""
SELECT {stored},{_WALK},
       %(stop_id)s::uuid IS NOT NULL AND EXISTS (
           SELECT 1 FROM walk_stops s WHERE s.id = %(stop_id)s AND s.walk_id = w.id)
         AS stop_in_walk,
       COALESCE((SELECT ST_Intersects(t.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
                 FROM territory t WHERE t.id = %(territory)s), false) AS in_territory
FROM (VALUES (1)) AS one (x)
LEFT JOIN observations o ON o.id = %(id)s
{version}
LEFT JOIN walks w ON w.id = {walk}
"""


_CONTEXT = _context_sql("%(walk_id)s")


def _context(row: dict[str, Any]) -> SubmissionContext:
    return SubmissionContext(
        existing=_ref(row) if row["id"] is not None else None,
        walk=_walk(row),
        stop_in_walk=bool(row["stop_in_walk"]),
        in_territory=bool(row["in_territory"]),
    )


def submission_context(
    conn: psycopg.Connection[Any], obs: ObservationInput, territory: str
) -> SubmissionContext:
    """In one statement: the observation already stored under ``obs.id``, the walk of
    ``obs.walk_id``, whether the stop belongs to it and whether the point is in the territory."""
    row = (
        _rows(conn)
        .execute(
            _CONTEXT,
            {
                "id": obs.id,
                "walk_id": obs.walk_id,
                "stop_id": obs.stop_id,
                "lon": obs.lon,
                "lat": obs.lat,
                "territory": territory,
            },
        )
        .fetchone()
    )
    if row is None:
        raise InvariantError("expected row is not None")
    return _context(row)


_INSERTED = """
    ON CONFLICT (id) DO NOTHING
    RETURNING *
), pt AS (
    SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom
), ver AS (
    INSERT INTO observation_versions (observation_id, version, stop_id, geom, observed_at,
                                      theme, items, rating, feeling, works_well, comment,
                                      proposal, category, photo_ids, qpv_codes, participant_id,
                                      author_user_id)
    SELECT ins.id, 1, %(stop_id)s, pt.geom, %(observed_at)s, %(theme)s, %(items)s, %(rating)s,
           %(feeling)s, %(works_well)s, %(comment)s, %(proposal)s, %(category)s,
           %(photo_ids)s,
           ARRAY(SELECT q.code FROM qpv q WHERE ST_Intersects(q.geom, pt.geom)
                 ORDER BY q.generation, q.code),
           ins.participant_id, ins.author_user_id
    FROM ins, pt
    RETURNING observation_id, version, stop_id, geom, observed_at, theme, items, rating, feeling,
              works_well, comment, proposal, category, photo_ids, qpv_codes
)"""
"""The end of both insert statements: the observation's ``RETURNING``, its version 1 with the
QPV of every generation containing the point (attributed here)."""

_NEW_ROW = """(
    SELECT * FROM ins JOIN ver ON ver.observation_id = ins.id
) c
LEFT JOIN participants pa ON pa.id = c.participant_id
LEFT JOIN users au ON au.id = c.author_user_id"""
"""The row just inserted, as ``c`` (the columns of ``observation_current``)."""


def _compact(text: str) -> str:
    """``text`` with its runs of white space made single spaces, none after a comma or an
    opening parenthesis or before a closing one. The statements below hold no string literal
    with white space in it; shorter than 4,096 bytes, psycopg keeps their parsed form in its
    cache instead of parsing them again on every call (13 % of the submission's Python time
    when it did, measured in bench/)."""
    return " ".join(text.split()).replace(", ", ",").replace("( ", "(").replace(" )", ")")


def submit_in_one(
    conn: psycopg.Connection[Any],
    obs: ObservationInput,
    *,
    token_hash: bytes,
    territory: str,
    payload_hash: bytes,
    followup: str,
    open_states: tuple[str, ...],
    view: View,
    fast: bool,
) -> tuple[Principal | None, bool, SubmissionContext, dict[str, Any] | None]:
    """:data:`_SUBMIT`: the participant holding ``token_hash`` (None: no live participant
    token), whether it is a live staff token instead (whose principal the caller reads with
    its territory), the submission context, and the stored observation's JSON when a
    participant's submission was written (only when ``fast``: her role may submit)."""
    row = (
        _rows(conn)
        .execute(
            _SUBMIT,
            {
                "token_hash": token_hash,
                "id": obs.id,
                "kind": obs.kind.value,
                "walk_id": obs.walk_id,
                "territory": territory,
                "hash": payload_hash,
                "followup": followup,
                "open_states": list(open_states),
                "fast": fast,
                **content_params(obs),
                **view_params(view),
            },
        )
        .fetchone()
    )
    if row is None:
        raise InvariantError("expected row is not None")
    principal = None
    if row["t_id"] is not None and row["t_role"] == Role.PARTICIPANT.value:
        principal = Principal(
            role=Role.PARTICIPANT,
            token_id=int(row["t_id"]),
            participant_id=row["t_participant_id"],
            walk_id=row["t_walk_id"],
            expires_at=row["t_expires_at"],
        )
    staff = row["t_id"] is not None and principal is None
    context = SubmissionContext(
        existing=get_ref(conn, row["id"]) if row["id"] is not None else None,  # a retry
        walk=_walk(row),
        stop_in_walk=bool(row["stop_in_walk"]),
        in_territory=bool(row["in_territory"]),
    )
    return principal, staff, context, row["body"]


def content_params(obs: ObservationInput) -> dict[str, Any]:
    """SQL parameters of what an observation says (position, time, grid, texts, photos): the
    same for a first submission and for a correction's new version."""
    return {
        "lon": obs.lon,
        "lat": obs.lat,
        "stop_id": obs.stop_id,
        "observed_at": obs.observed_at,
        "theme": obs.theme,
        "items": list(obs.items),
        "rating": obs.rating,
        "feeling": obs.feeling,
        "works_well": obs.works_well,
        "comment": obs.comment,
        "proposal": obs.proposal,
        "category": obs.category,
        "photo_ids": list(obs.photo_ids),
    }


def insert(
    conn: psycopg.Connection[Any],
    obs: ObservationInput,
    *,
    walk_id: uuid.UUID | None,
    payload_hash: bytes,
    followup: str,
    participant_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
    view: View,
    demo: bool = False,
) -> dict[str, Any] | None:
    """Insert the observation and its version 1 unless the id exists, and return it as JSON
    (the view of :func:`observation_json`); None when the id already existed.

    One statement, so one transaction when the connection is in autocommit: the observation,
    its version and the QPV of every generation containing the point (attributed here) are
    stored together, durably when this returns. Concurrent inserts of the same id wait for
    each other on the primary key; all but one insert nothing (``ON CONFLICT DO NOTHING``).
    """
    row = conn.execute(
        _INSERT,
        {
            "id": obs.id,
            "kind": obs.kind.value,
            "walk_id": walk_id,
            "participant_id": participant_id,
            "user_id": user_id,
            "hash": payload_hash,
            "followup": followup,
            "demo": demo,
            **content_params(obs),
            **view_params(view),
            "reason_states": _reason_states(),
        },
    ).fetchone()
    return row[0] if row else None


def _obs_json(new: bool = False) -> str:
    """The JSON of an observation ``c`` cut to the reader's view (:mod:`surveys.repo.located`).
    ``new``: the row was inserted by the same statement, so it has no photo and no transition
    yet (those parts are constants: the statement stays short enough to be cached)."""
    photos = f"""CASE WHEN %(v_photos)s OR {located.own()} THEN
                   COALESCE((SELECT json_agg(p.id ORDER BY p.received_at, p.id)
                             FROM observation_photos p WHERE p.observation_id = c.id),
                            '[]'::json) ELSE '[]'::json END"""
    reason = """(SELECT t.comment FROM observation_transitions t
                        WHERE t.observation_id = c.id AND t.machine = 'followup'
                          AND t.to_state = c.followup AND c.followup = ANY(%(reason_states)s)
                        ORDER BY t.created_at DESC, t.id LIMIT 1)"""
    history = """COALESCE((
        SELECT json_agg(json_build_object('machine', t.machine, 'action', t.action,
                        'from', t.from_state, 'to', t.to_state, 'comment', t.comment,
                        'responsible_body', t.responsible_body, 'by', u.login,
                        'at', t.created_at) ORDER BY t.created_at, t.id)
        FROM observation_transitions t JOIN users u ON u.id = t.actor_user_id
        WHERE t.observation_id = c.id), '[]'::json)"""
    if new:
        photos, reason, history = "'[]'::json", "NULL::text", "'[]'::json"
    return f"""
json_build_object(
    'id', c.id, 'kind', c.kind, 'walk_id', c.walk_id, 'stop_id', c.stop_id,
    'location', ST_AsGeoJSON({located.point()},
                             CASE WHEN {located.exact()} THEN 9 ELSE 6 END)::json,
    'location_exact', {located.exact()},
    'observed_at', c.observed_at,
    'received_at', c.received_at, 'theme', c.theme, 'items', c.items, 'rating', c.rating,
    'feeling', c.feeling, 'works_well', c.works_well,
    'comment', {located.shown_text("comment")},
    'proposal', {located.shown_text("proposal")},
    'category', c.category, 'photo_ids', c.photo_ids,
    'photos', {photos},
    'qpv', COALESCE((SELECT json_agg(json_build_object('code', q.code, 'generation',
                                     q.generation, 'name', q.name)
                                     ORDER BY q.generation, q.code)
                     FROM qpv q WHERE q.code = ANY(c.qpv_codes)), '[]'::json),
    'moderation', c.moderation, 'followup', c.followup,
    'responsible_body', c.responsible_body,
    'followup_reason', {reason},
    'version', c.version, 'demo', c.demo,
    'author', CASE WHEN %(v_authors)s THEN COALESCE(pa.pseudonym, au.login) END,
    'history', CASE WHEN %(v_history)s THEN {history} END
)
"""


OBS_JSON = _obs_json()

_INSERT = _compact(
    """
WITH ins AS (
    INSERT INTO observations (id, kind, walk_id, participant_id, author_user_id, payload_hash,
                              followup, demo)
    VALUES (%(id)s, %(kind)s, %(walk_id)s, %(participant_id)s, %(user_id)s, %(hash)s,
            %(followup)s, %(demo)s)"""
    + _INSERTED
    + f"SELECT {_obs_json(new=True)} FROM {_NEW_ROW}"
)
"""One statement: the observation and its version 1 unless the id exists, returned as JSON."""

_SUBMIT = _compact(
    f"""
WITH tok (t_id, t_role, t_participant_id, t_walk_id, t_expires_at) AS (
    SELECT t.id, t.role, t.participant_id, t.walk_id, t.expires_at {FROM_LIVE_BEARER}
), ctx AS ({_context_sql("COALESCE(%(walk_id)s::uuid, (SELECT tok.t_walk_id FROM tok))", False)}
), ins AS (
    INSERT INTO observations (id, kind, walk_id, participant_id, author_user_id, payload_hash,
                              followup, demo)
    SELECT %(id)s, %(kind)s, ctx.w_id, tok.t_participant_id, NULL, %(hash)s, %(followup)s,
           ctx.w_demo
    FROM tok, ctx
    WHERE %(fast)s AND tok.t_role = 'participant' AND ctx.id IS NULL AND ctx.w_id = tok.t_walk_id
      AND ctx.w_status = ANY(%(open_states)s) AND ctx.in_territory
      AND (%(stop_id)s::uuid IS NULL OR ctx.stop_in_walk)"""
    + _INSERTED
    + f"""
SELECT tok.*, ctx.*, (SELECT {_obs_json(new=True)} FROM {_NEW_ROW}) AS body
FROM ctx LEFT JOIN tok ON true"""
).replace("%(v_me_p)s", "tok.t_participant_id")
"""The submission of a participant in one statement (one round trip): her live token, the
context of :func:`submission_context` for her walk, and the insert of :data:`_INSERT` when
every check of a participant's submission passes in SQL (her own open walk, the stop in it,
the point in the territory, a new id). Otherwise nothing is written and the caller runs the
checks in Python with the principal and context returned. The reader of the JSON is the author
(:func:`surveys.policy.view` of a participant, her id taken from the token row)."""


def view_params(view: View) -> dict[str, Any]:
    """SQL parameters of a field-level :class:`surveys.policy.View`."""
    return located.params(view)


_FROM = """
FROM observation_current c
LEFT JOIN participants pa ON pa.id = c.participant_id
LEFT JOIN users au ON au.id = c.author_user_id
LEFT JOIN walks w ON w.id = c.walk_id
"""


def _reason_states() -> list[str]:
    """States whose transition comment is shown to the reporter (the closing reason)."""
    return list(states.followup().states_in("closed"))


def observation_json(
    conn: psycopg.Connection[Any], obs_id: uuid.UUID, view: View
) -> dict[str, Any] | None:
    """The current version of an observation with QPV, photos and states, the fields cut to
    ``view``."""
    row = conn.execute(
        f"SELECT {OBS_JSON} {_FROM} WHERE c.id = %(id)s",
        {"id": obs_id, **view_params(view), "reason_states": _reason_states()},
    ).fetchone()
    return row[0] if row else None


def scope_sql(scope: Scope) -> tuple[str, dict[str, Any]]:
    """SQL condition (on ``c`` = observation_current, ``w`` = walks) mirroring the policy."""
    if scope.everything and scope.territory is not None:
        return (
            "(w.territory = %(sterr)s OR (c.walk_id IS NULL AND ST_Intersects(c.geom,"
            " (SELECT z.geom FROM territory z WHERE z.id = %(sterr)s))))",
            {"sterr": scope.territory},
        )
    if scope.everything:
        return "TRUE", {}
    if scope.qpv_codes is not None:
        return (
            "(c.qpv_codes && %(sq)s::text[] OR w.qpv_codes && %(sq)s::text[]"
            " OR w.created_by = %(su)s OR w.facilitator_id = %(su)s OR c.author_user_id = %(su)s)",
            {"sq": list(scope.qpv_codes), "su": scope.user_id},
        )
    if scope.user_id is not None:
        return (
            "(w.created_by = %(su)s OR w.facilitator_id = %(su)s OR c.author_user_id = %(su)s)",
            {"su": scope.user_id},
        )
    if scope.body is not None:
        return (
            "(c.responsible_body = %(sb)s AND c.followup = ANY(%(sbs)s))",
            {"sb": scope.body, "sbs": list(ROUTED_STATES)},
        )
    if scope.participant_id is not None:
        return (
            "(c.participant_id = %(sp)s OR (c.walk_id = %(sw)s AND c.moderation = %(spub)s))",
            {"sp": scope.participant_id, "sw": scope.walk_id, "spub": scope.published_state},
        )
    return "FALSE", {}


def feature_collection(
    conn: psycopg.Connection[Any],
    scope: Scope,
    view: View,
    filters: dict[str, Any],
    limit: int = 5000,
) -> str:
    """Observations visible in ``scope`` as a GeoJSON FeatureCollection (text, built in SQL).

    ``filters`` may hold ``walk_id``, ``kind``, ``followup_states`` (list), ``qpv`` and
    ``moderation``; absent keys do not filter.
    """
    where, params = scope_sql(scope)
    params = {
        **params,
        **view_params(view),
        "reason_states": _reason_states(),
        "lim": limit,
        "walk_id": filters.get("walk_id"),
        "kind": filters.get("kind"),
        "fstates": filters.get("followup_states"),
        "qpv": filters.get("qpv"),
        "moderation": filters.get("moderation"),
    }
    row = conn.execute(
        f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
            json_build_object('type', 'Feature', 'id', f.id, 'geometry', f.obj->'location',
                              'properties', f.obj::jsonb - 'location')
            ORDER BY f.observed_at, f.id), '[]'::json))::text
        FROM (
            SELECT c.id, c.observed_at, {OBS_JSON} AS obj
            {_FROM}
            WHERE {where} AND NOT c.deleted
              AND (%(walk_id)s::uuid IS NULL OR c.walk_id = %(walk_id)s)
              AND (%(kind)s::text IS NULL OR c.kind = %(kind)s)
              AND (%(fstates)s::text[] IS NULL OR c.followup = ANY(%(fstates)s))
              AND (%(qpv)s::text IS NULL OR %(qpv)s = ANY(c.qpv_codes))
              AND (%(moderation)s::text IS NULL OR c.moderation = %(moderation)s)
            ORDER BY c.observed_at, c.id
            LIMIT %(lim)s
        ) f
        """,
        params,
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return str(row[0])


def refs_with_walks(
    conn: psycopg.Connection[Any], ids: list[uuid.UUID]
) -> list[tuple[ObservationRef, WalkRef | None, list[uuid.UUID], list[uuid.UUID]]]:
    """For each stored id: its reference, its walk, declared photo ids and received photo ids."""
    rows = (
        _rows(conn)
        .execute(
            """
        SELECT o.id, o.kind, o.walk_id, o.participant_id, o.author_user_id, o.payload_hash,
               o.moderation, o.followup, v.category, v.qpv_codes,"""
            + _WALK
            + """, v.photo_ids,
               ARRAY(SELECT p.id FROM observation_photos p WHERE p.observation_id = o.id
                     ORDER BY p.id) AS received
        FROM observations o
        JOIN observation_versions v ON v.observation_id = o.id AND v.version = o.current_version
        LEFT JOIN walks w ON w.id = o.walk_id
        WHERE o.id = ANY(%s)
        """,
            (ids,),
        )
        .fetchall()
    )
    return [(_ref(row), _walk(row), list(row["photo_ids"]), list(row["received"])) for row in rows]


def set_state(
    conn: psycopg.Connection[Any],
    obs_id: uuid.UUID,
    machine: str,
    target: str,
    responsible_body: str | None = None,
) -> None:
    """Write the new state of ``machine`` (``followup`` or ``moderation``) on the observation."""
    if machine == "moderation":
        conn.execute("UPDATE observations SET moderation = %s WHERE id = %s", (target, obs_id))
    else:
        conn.execute(
            "UPDATE observations SET followup = %s, "
            "responsible_body = COALESCE(%s, responsible_body) WHERE id = %s",
            (target, responsible_body, obs_id),
        )
