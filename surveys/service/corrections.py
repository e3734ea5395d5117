"""Authors correct or delete their own observations while their walk is open (field app).

A correction writes a new version (the original, version 1, is never overwritten) and is
idempotent: resending the same correction after a lost answer changes nothing. A deletion erases
the observation with its versions and photos: it is the author taking back what she wrote
before anyone acted on it (:func:`surveys.policy.edit_refusal` says when that is no longer
possible).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg

from accounts.models import Principal, Role
from geo import territory
from geo.errors import Conflict, Invalid, NotFound
from surveys import canonical, policy
from surveys.models import (
    CorrectionInput,
    Kind,
    ObservationInput,
    ObservationRef,
    SurveyConfig,
    WalkRef,
)
from surveys.repo import corrections as repo
from surveys.repo import observations as obs_repo
from surveys.repo import walks as walks_repo
from surveys.service import observations
from surveys.validation import check_content


def _own(
    conn: psycopg.Connection[Any], principal: Principal, obs_id: uuid.UUID
) -> tuple[ObservationRef, WalkRef | None]:
    """The observation (row-locked) and its walk (share-locked), when ``principal`` wrote it."""
    ref = obs_repo.lock_ref(conn, obs_id)
    walk = repo.walk_for_share(conn, ref.walk_id) if ref and ref.walk_id else None
    return policy.check_own_observation(principal, ref, walk), walk


def correct(
    conn: psycopg.Connection[Any],
    principal: Principal,
    obs_id: uuid.UUID,
    data: CorrectionInput,
    config: SurveyConfig,
) -> tuple[bool, dict[str, Any]]:
    """Make ``data`` the current content of the observation; returns (new version written, body).

    Raises :class:`NotFound` (not visible), :class:`Forbidden` (someone else's),
    :class:`Conflict` (walk closed, already handled by the team, or ``base_version`` outdated:
    the stored observation is unchanged) or :class:`Invalid` (bad content).
    """
    with conn.transaction():
        ref, walk = _own(conn, principal, obs_id)
        current = repo.current_version(conn, obs_id)
        if current is None:
            raise NotFound("observation introuvable")
        obs = check_content(
            _as_input(ref, current.observed_at, data), datetime.now(UTC), config.clock_skew_s
        )
        digest = canonical.payload_hash(obs)
        replay = digest == current.payload_hash and data.base_version in (
            current.version,
            current.version - 1,
        )
        if not replay:  # a resend of the stored correction (or no change) writes nothing
            policy.check_editable(ref, walk, repo.in_action(conn, obs_id))
            if data.base_version != current.version:
                raise Conflict(
                    f"l'observation a changé depuis la version {data.base_version} (version "
                    f"actuelle : {current.version}) ; rechargez-la avant de la corriger"
                )
            _check_place(conn, obs, walk, config)
            user = None if principal.role is Role.PARTICIPANT else principal.user_id
            repo.insert_version(
                conn, obs, current.version + 1, digest, principal.participant_id, user
            )
            repo.delete_photos_except(conn, obs_id, obs.photo_ids)
    return not replay, observations.get(conn, principal, obs_id)


def _as_input(
    ref: ObservationRef, observed_at: datetime, data: CorrectionInput
) -> ObservationInput:
    """The full observation as it will read after the correction (identity kept)."""
    return ObservationInput(
        id=ref.id,
        kind=Kind(ref.kind),
        lon=data.lon,
        lat=data.lat,
        observed_at=observed_at,
        walk_id=ref.walk_id,
        stop_id=data.stop_id,
        theme=data.theme,
        items=data.items,
        rating=data.rating,
        feeling=data.feeling,
        works_well=data.works_well,
        comment=data.comment,
        proposal=data.proposal,
        category=data.category,
        photo_ids=data.photo_ids,
    )


def _check_place(
    conn: psycopg.Connection[Any], obs: ObservationInput, walk: WalkRef | None, config: SurveyConfig
) -> None:
    if obs.stop_id is not None and (
        walk is None or not walks_repo.stop_in_walk(conn, obs.stop_id, walk.id)
    ):
        raise Invalid(f"étape inconnue pour cette marche : {obs.stop_id}")
    territory.check_point(conn, config.territory, obs.lon, obs.lat)


def delete(conn: psycopg.Connection[Any], principal: Principal, obs_id: uuid.UUID) -> None:
    """Erase the author's observation with its versions and photos.

    Raises :class:`NotFound`, :class:`Forbidden` or :class:`Conflict` like :func:`correct`;
    a second deletion of the same id is :class:`NotFound` (the phone treats it as done).
    """
    with conn.transaction():
        ref, walk = _own(conn, principal, obs_id)
        policy.check_editable(ref, walk, repo.in_action(conn, obs_id))
        repo.delete(conn, obs_id)


def authored(conn: psycopg.Connection[Any], principal: Principal) -> dict[str, Any]:
    """The caller's own observations (current versions, newest first), each saying whether she
    may still correct it (``editable``) and if not, why (``locked_reason``, French)."""
    rows = repo.authored(conn, policy.own_view(principal))
    walks: dict[uuid.UUID, WalkRef | None] = {}
    items = []
    for body, ref, linked in rows:
        if ref.walk_id is not None and ref.walk_id not in walks:
            walks[ref.walk_id] = walks_repo.get_ref(conn, ref.walk_id)
        reason = policy.edit_refusal(ref, walks.get(ref.walk_id) if ref.walk_id else None, linked)
        body = observations.decorate(body)
        body["editable"] = reason is None
        body["locked_reason"] = reason
        items.append(body)
    return {"items": items, "count": len(items)}
