"""Photos of observations: idempotent upload of a re-encoded image, and serving it back."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from accounts.models import Principal, Role
from geo.errors import Conflict, Invalid, InvariantError, NotFound
from surveys import policy
from surveys.models import ObservationRef, SubmitStatus, WalkRef
from surveys.photos import reencode
from surveys.repo import observations as obs_repo
from surveys.repo import photos as repo
from surveys.repo import walks as walks_repo
from surveys.validation import MAX_PHOTOS


def _observation(
    conn: psycopg.Connection[Any], obs_id: uuid.UUID
) -> tuple[ObservationRef | None, WalkRef | None]:
    ref = obs_repo.get_ref(conn, obs_id)
    walk = walks_repo.get_ref(conn, ref.walk_id) if ref and ref.walk_id else None
    return ref, walk


def add(
    conn: psycopg.Connection[Any],
    principal: Principal,
    obs_id: uuid.UUID,
    photo_id: uuid.UUID,
    data: bytes,
) -> tuple[SubmitStatus, dict[str, Any]]:
    """Re-encode ``data`` and attach it to the observation under the client's ``photo_id``.

    ``created`` the first time, ``duplicate`` when the same image comes again under the same id;
    :class:`Conflict` for the same id with another image or observation. A refused image
    (:class:`Invalid`, ``TooLarge``) leaves the observation untouched.
    """
    ref, walk = _observation(conn, obs_id)
    if ref is None:
        raise NotFound("observation introuvable")
    policy.check_add_photo(principal, ref, walk)
    photo = reencode(data)  # outside any transaction: CPU work, no lock held
    with conn.transaction():
        stored = repo.find(conn, photo_id)
        if stored is None:
            if repo.count(conn, obs_id) >= MAX_PHOTOS:
                raise Invalid(f"trop de photos pour cette observation (maximum {MAX_PHOTOS})")
            participant = principal.participant_id
            user = None if principal.role is Role.PARTICIPANT else principal.user_id
            if repo.insert(conn, photo_id, obs_id, photo, participant, user):
                status = SubmitStatus.CREATED
            else:
                stored = repo.find(conn, photo_id)
        if stored is not None:
            if stored != (obs_id, photo.sha256):
                raise Conflict(
                    "cet identifiant de photo est déjà utilisé avec une autre image ou une "
                    "autre observation ; la photo enregistrée n'a pas été modifiée"
                )
            status = SubmitStatus.DUPLICATE
        meta = repo.meta(conn, photo_id)
    if meta is None:
        raise InvariantError("expected meta is not None")
    meta["url"] = f"/api/observations/{obs_id}/photos/{photo_id}"
    return status, meta


def content(
    conn: psycopg.Connection[Any], principal: Principal, obs_id: uuid.UUID, photo_id: uuid.UUID
) -> tuple[bytes, str]:
    """The stored (re-encoded) bytes and media type, for whoever may read the observation."""
    ref, walk = _observation(conn, obs_id)
    policy.check_read_observation(principal, ref, walk)
    found = repo.content(conn, obs_id, photo_id)
    if found is None:
        raise NotFound("photo introuvable")
    return found
