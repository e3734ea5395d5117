"""Recording who is present (``POST /api/presence``): one count of the grid's groups at a
sports facility (staff running an « observation of use » session) or at a stop of a walk (its
participants and the staff who see the walk). A resend of the same id is answered again,
never stored twice; the same id with other values is a conflict."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg

from accounts.models import Principal, Role
from geo import territory
from geo.errors import Conflict, Forbidden, NotFound
from surveys import policy, presence
from surveys.models import SurveyConfig
from surveys.repo import presence as repo
from surveys.repo import walks as walks_repo


def record(
    conn: psycopg.Connection[Any],
    principal: Principal,
    raw: presence.PresenceInput,
    config: SurveyConfig,
) -> tuple[bool, presence.PresenceInput]:
    """(stored now, the count as stored)."""
    p = presence.check(raw, datetime.now(UTC), config.clock_skew_s)
    if p.walk_id is not None:
        walk = walks_repo.get_ref(conn, p.walk_id)
        policy.check_read_walk(principal, walk)  # 404 when not theirs to see
    elif principal.role is Role.PARTICIPANT:
        raise Forbidden("une participante compte aux arrêts de sa marche (walk_id, stop_id)")
    place = repo.place_of(conn, p)
    if place is None:
        raise NotFound("lieu inconnu : équipement ou arrêt de cette marche introuvable")
    territory.check_point(conn, config.territory, *place)
    with conn.transaction():
        known = repo.existing_hash(conn, p.id)
        if known is not None:
            if known != p.payload_hash:
                raise Conflict(f"comptage {p.id} déjà reçu avec d'autres valeurs")
            return False, p
        stored = repo.insert(
            conn,
            p,
            config.territory,
            None if principal.role is Role.PARTICIPANT else principal.user_id,
            principal.participant_id,
        )
    return stored, p
