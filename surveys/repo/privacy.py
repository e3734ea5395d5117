"""SQL of the GDPR rights (export, erasure) and of the retention purge."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from geo.errors import InvariantError

_EXPORT = """
SELECT json_build_object(
    'participant', (
        SELECT json_build_object('id', p.id, 'pseudonym', p.pseudonym, 'joined_at', p.joined_at,
                                 'walk', json_build_object('id', w.id, 'title', w.title,
                                                           'date', w.walk_date))
        FROM participants p JOIN walks w ON w.id = p.walk_id WHERE p.id = %(pid)s),
    'observations', COALESCE((
        SELECT json_agg(json_build_object(
            'id', o.id, 'kind', o.kind, 'walk_id', o.walk_id, 'received_at', o.received_at,
            'moderation', o.moderation, 'followup', o.followup,
            'responsible_body', o.responsible_body,
            'versions', (
                SELECT json_agg(json_build_object(
                    'version', v.version, 'location', ST_AsGeoJSON(v.geom)::json,
                    'observed_at', v.observed_at, 'stop_id', v.stop_id, 'theme', v.theme,
                    'items', v.items, 'rating', v.rating, 'feeling', v.feeling,
                    'works_well', v.works_well, 'comment', v.comment, 'proposal', v.proposal,
                    'category', v.category, 'qpv_codes', v.qpv_codes,
                    'created_at', v.created_at, 'purged_at', v.purged_at) ORDER BY v.version)
                FROM observation_versions v WHERE v.observation_id = o.id),
            'photos', COALESCE((
                SELECT json_agg(json_build_object(
                    'id', ph.id, 'media_type', ph.media_type, 'width', ph.width,
                    'height', ph.height, 'size_bytes', octet_length(ph.content),
                    'received_at', ph.received_at,
                    'url', '/api/observations/' || o.id || '/photos/' || ph.id)
                    ORDER BY ph.received_at, ph.id)
                FROM observation_photos ph WHERE ph.observation_id = o.id), '[]'::json)
        ) ORDER BY o.received_at, o.id)
        FROM observations o WHERE o.participant_id = %(pid)s), '[]'::json)
)
"""


def export(conn: psycopg.Connection[Any], participant_id: uuid.UUID) -> dict[str, Any]:
    """Everything a participant submitted, as JSON-able data."""
    row = conn.execute(_EXPORT, {"pid": participant_id}).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return dict(row[0])


def erase(conn: psycopg.Connection[Any], participant_id: uuid.UUID) -> dict[str, Any]:
    """Delete a participant's photos, observations (versions, transitions and action links
    cascade) and the participant itself (its tokens cascade). Counts of what was deleted."""
    photos = conn.execute(
        """
        DELETE FROM observation_photos ph
        WHERE ph.participant_id = %(pid)s
           OR ph.observation_id IN (SELECT id FROM observations WHERE participant_id = %(pid)s)
        """,
        {"pid": participant_id},
    ).rowcount
    observations = conn.execute(
        "DELETE FROM observations WHERE participant_id = %s", (participant_id,)
    ).rowcount
    gone = conn.execute("DELETE FROM participants WHERE id = %s", (participant_id,)).rowcount
    return {"observations": observations, "photos": photos, "participant": gone == 1}


_PURGE_TEXT = """
WITH old AS (
    SELECT id FROM observations
    WHERE received_at < now() - make_interval(months => %(months)s)
)
UPDATE observation_versions v
SET comment = NULL, proposal = NULL, photo_ids = '{}', purged_at = now(),
    geom = ST_Transform(ST_SetSRID(ST_MakePoint(
        (floor(ST_X(ST_Transform(v.geom, 2154)) / %(cell)s) + 0.5) * %(cell)s,
        (floor(ST_Y(ST_Transform(v.geom, 2154)) / %(cell)s) + 0.5) * %(cell)s), 2154), 4326)
FROM old WHERE v.observation_id = old.id AND v.purged_at IS NULL
"""


def purge(conn: psycopg.Connection[Any], months: int, cell_m: int) -> dict[str, int]:
    """Erase photos, free text (observations and their transition comments) and pseudonyms
    older than ``months``; move the points to the centre of their ``cell_m`` public grid cell
    (same cell: the public counts do not change). Returns what was touched."""
    params = {"months": months, "cell": cell_m}
    photos = conn.execute(
        """
        DELETE FROM observation_photos ph USING observations o
        WHERE o.id = ph.observation_id
          AND o.received_at < now() - make_interval(months => %(months)s)
        """,
        params,
    ).rowcount
    versions = conn.execute(_PURGE_TEXT, params).rowcount
    conn.execute(
        """
        UPDATE observation_transitions t SET comment = NULL FROM observations o
        WHERE o.id = t.observation_id AND t.comment IS NOT NULL
          AND o.received_at < now() - make_interval(months => %(months)s)
        """,
        params,
    )
    participants = conn.execute(
        """
        UPDATE participants SET pseudonym = 'anonyme', purged_at = now()
        WHERE purged_at IS NULL AND joined_at < now() - make_interval(months => %(months)s)
        """,
        params,
    ).rowcount
    return {"photos": photos, "observations": versions, "participants": participants}


def purge_accounts_data(conn: psycopg.Connection[Any], audit_months: int) -> dict[str, int]:
    """Delete tokens dead for 30 days and audit rows older than ``audit_months``."""
    tokens = conn.execute(
        """
        DELETE FROM tokens
        WHERE (revoked_at IS NOT NULL AND revoked_at < now() - interval '30 days')
           OR (expires_at IS NOT NULL AND expires_at < now() - interval '30 days')
        """
    ).rowcount
    audit = conn.execute(
        "DELETE FROM audit_log WHERE at < now() - make_interval(months => %s)", (audit_months,)
    ).rowcount
    return {"tokens": tokens, "audit": audit}
