"""Observations: idempotent submission (single and batch), reading, listing, sync status."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import psycopg

from accounts import service as accounts
from accounts import tokens
from accounts.models import Principal, Role
from geo import territory
from geo.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    InvariantError,
    NotFound,
    Unauthenticated,
)
from surveys import canonical, policy, states
from surveys.grid import grid
from surveys.models import (
    DEMO_LABEL,
    Kind,
    ObservationInput,
    ObservationRef,
    SubmissionContext,
    SubmitResult,
    SubmitStatus,
    SurveyConfig,
    WalkRef,
)
from surveys.repo import followup as followup_repo
from surveys.repo import observations as repo
from surveys.repo import walks as walks_repo
from surveys.validation import check_content

MAX_BATCH = 500


def submit(
    conn: psycopg.Connection[Any],
    principal: Principal,
    obs: ObservationInput,
    config: SurveyConfig,
    demo: bool = False,
) -> SubmitResult:
    """Store ``obs`` once, whatever the number of retries.

    Returns ``created`` (first time), ``duplicate`` (same id, same content: nothing written);
    raises :class:`Conflict` (same id, other content: the stored row is unchanged),
    :class:`Invalid` (bad content, unknown walk/stop, outside the territory) or
    :class:`Forbidden` (the token may not write to that walk). Returns only after COMMIT.

    Two round trips (measured in bench/: a transaction of seven statements cost
    twice the database time): one read of everything the checks need, then one
    ``INSERT … RETURNING`` statement writing the observation, its version and its QPV and
    returning the JSON — a single statement, hence its own transaction on an autocommit
    connection and part of the caller's one inside a batch. A concurrent request with the same
    id makes the insert return nothing; the stored row is then replayed.
    """
    obs = check_content(obs, datetime.now(UTC), config.clock_skew_s)
    digest = canonical.payload_hash(obs)
    if obs.walk_id is None and principal.role is Role.PARTICIPANT:
        obs = replace(obs, walk_id=principal.walk_id)
    context = repo.submission_context(conn, obs, config.territory)
    return _submit_in_context(conn, principal, obs, digest, context, config, demo)


def submit_with_token(
    conn: psycopg.Connection[Any],
    token: str,
    obs: ObservationInput,
    config: SurveyConfig,
    may_submit: Callable[[Principal | None], bool],
) -> tuple[Principal, SubmitResult]:
    """:func:`submit` for the caller holding ``token``, in one round trip when the caller is a
    participant writing to her own open walk (the common case, measured in bench/): her token,
    the context and the insert are one statement (:func:`surveys.repo.observations.submit_in_one`).
    Any other case gets the principal and the context from that statement and continues as
    :func:`submit` does, with the same answers.

    ``may_submit`` is the route's access rule: refused callers get 401 (no live token) or 403,
    before any detail about the content (a content error is reported only to a caller who may
    submit).
    """

    try:
        obs = check_content(obs, datetime.now(UTC), config.clock_skew_s)
    except DomainError:
        _check_caller(accounts.resolve(conn, token), may_submit)
        raise
    digest = canonical.payload_hash(obs)
    reader = Principal(role=Role.PARTICIPANT, token_id=0)
    found, staff, context, body = repo.submit_in_one(
        conn,
        obs,
        token_hash=tokens.digest(token) if 0 < len(token) <= 200 else b"",
        territory=config.territory,
        payload_hash=digest,
        followup=states.followup().initial_for(obs.kind.value),
        open_states=states.walk().states_in("open"),
        view=policy.view(reader),
        fast=may_submit(reader),
    )
    if staff:  # a staff token: its principal with its territory (a second round trip)
        found = accounts.resolve(conn, token)
    principal = _check_caller(found, may_submit)
    if body is not None:
        return principal, SubmitResult(SubmitStatus.CREATED, decorate(body))
    if obs.walk_id is None and principal.role is Role.PARTICIPANT:
        obs = replace(obs, walk_id=principal.walk_id)
    return principal, _submit_in_context(conn, principal, obs, digest, context, config, False)


def _check_caller(
    principal: Principal | None, may_submit: Callable[[Principal | None], bool]
) -> Principal:
    if principal is None:
        raise Unauthenticated("jeton invalide, expiré ou révoqué")
    if not may_submit(principal):
        raise Forbidden("ce rôle ne peut pas saisir d'observation")
    return principal


def _submit_in_context(
    conn: psycopg.Connection[Any],
    principal: Principal,
    obs: ObservationInput,
    digest: bytes,
    context: SubmissionContext,
    config: SurveyConfig,
    demo: bool,
) -> SubmitResult:
    """The rest of :func:`submit` once the context is read: replay, checks, insert."""
    if context.existing is not None:
        return _replay(conn, principal, context.existing, digest)
    walk = _check_walk(principal, obs, context)
    if not context.in_territory:
        territory.check_point(conn, config.territory, obs.lon, obs.lat)  # says why
    body = repo.insert(
        conn,
        obs,
        walk_id=walk.id if walk else None,
        payload_hash=digest,
        followup=states.followup().initial_for(obs.kind.value),
        participant_id=principal.participant_id,
        user_id=None if principal.role is Role.PARTICIPANT else principal.user_id,
        demo=demo or bool(walk and walk.demo),
        view=policy.view(principal),
    )
    if body is None:  # a concurrent request with the same id committed first
        stored = repo.get_ref(conn, obs.id)
        if stored is None:
            raise InvariantError("expected stored is not None")
        return _replay(conn, principal, stored, digest)
    return SubmitResult(SubmitStatus.CREATED, decorate(body))


def _replay(
    conn: psycopg.Connection[Any], principal: Principal, stored: ObservationRef, digest: bytes
) -> SubmitResult:
    walk = walks_repo.get_ref(conn, stored.walk_id) if stored.walk_id else None
    if not policy.can_read_observation(principal, stored, walk):
        raise Conflict("cet identifiant est déjà utilisé par une autre observation")
    if stored.payload_hash != digest:
        raise Conflict(
            "cet identifiant est déjà utilisé avec un contenu différent ; l'observation "
            "enregistrée n'a pas été modifiée (générez un nouvel identifiant)"
        )
    body = repo.observation_json(conn, stored.id, view=policy.view(principal))
    if body is None:
        raise InvariantError("expected body is not None")
    return SubmitResult(SubmitStatus.DUPLICATE, decorate(body))


def _check_walk(
    principal: Principal, obs: ObservationInput, context: SubmissionContext
) -> WalkRef | None:
    """The walk the observation goes to, checked: exists, writable by the principal, open, and
    holding the stop. A walk the principal may not read is answered like a missing one: ids
    leak nothing."""
    walk = context.walk
    if obs.walk_id is not None and (walk is None or not policy.can_read_walk(principal, walk)):
        raise Invalid(f"marche inconnue : {obs.walk_id}")
    policy.check_write_observation(principal, obs.kind, walk)
    if walk is not None and not states.walk().in_category(walk.status, "open"):
        raise Conflict("cette marche est close : elle n'accepte plus de nouvelles observations")
    if obs.stop_id is not None and (walk is None or not context.stop_in_walk):
        raise Invalid(f"étape inconnue pour cette marche : {obs.stop_id}")
    return walk


def submit_batch(
    conn: psycopg.Connection[Any],
    principal: Principal,
    items: list[ObservationInput | DomainError],
    config: SurveyConfig,
) -> list[dict[str, Any]]:
    """Submit many observations; one result per item, in order.

    ``items`` holds either parsed observations or the error their parsing raised. Each item
    runs in its own savepoint inside one transaction, so a bad item never blocks the others
    and the whole batch is durable when the response is sent.
    """
    if len(items) > MAX_BATCH:
        raise Invalid(f"lot trop grand : {len(items)} éléments (maximum {MAX_BATCH})")
    # Items are written in id order: two batches sharing ids then lock them in the same order
    # and cannot deadlock. Results keep the order of the request.
    order = sorted(range(len(items)), key=lambda i: str(getattr(items[i], "id", "")))
    results: list[dict[str, Any]] = [{} for _ in items]
    with conn.transaction():
        for index in order:
            results[index] = _batch_item(conn, principal, index, items[index], config)
    return results


_ITEM_CODES: tuple[tuple[type[DomainError], SubmitStatus, int], ...] = (
    (Conflict, SubmitStatus.CONFLICT, 409),
    (Forbidden, SubmitStatus.INVALID, 403),
    (NotFound, SubmitStatus.INVALID, 404),
    (DomainError, SubmitStatus.INVALID, 422),
)


def _batch_item(
    conn: psycopg.Connection[Any],
    principal: Principal,
    index: int,
    item: ObservationInput | DomainError,
    config: SurveyConfig,
) -> dict[str, Any]:
    item_id = str(item.id) if isinstance(item, ObservationInput) else getattr(item, "item_id", None)
    try:
        if isinstance(item, DomainError):
            raise item
        with conn.transaction():  # a savepoint: a failing item leaves the others intact
            result = submit(conn, principal, item, config)
    except DomainError as exc:
        status, code = next((s, c) for cls, s, c in _ITEM_CODES if isinstance(exc, cls))
        detail = exc.message
        return {"index": index, "id": item_id, "status": status, "code": code, "detail": detail}
    code = 201 if result.status is SubmitStatus.CREATED else 200
    return {"index": index, "id": item_id, "status": result.status, "code": code}


def get(conn: psycopg.Connection[Any], principal: Principal, obs_id: uuid.UUID) -> dict[str, Any]:
    """One observation (current version) with its QPV, photos and states."""
    ref = repo.get_ref(conn, obs_id)
    walk = walks_repo.get_ref(conn, ref.walk_id) if ref and ref.walk_id else None
    policy.check_read_observation(principal, ref, walk)
    body = repo.observation_json(conn, obs_id, view=policy.view(principal))
    if body is None:
        raise NotFound("observation introuvable")
    body = decorate(body)
    if (
        principal.is_staff
        and ref
        and ref.category
        and states.followup().in_category(ref.followup, "open")
    ):
        body["suggested_body"] = followup_repo.route(conn, ref.category, ref.qpv_codes)
    return body


def decorate(body: dict[str, Any]) -> dict[str, Any]:
    """French labels and state categories next to the codes."""
    g = grid()
    body["theme_label"] = g.label_of(body["theme"]) if body.get("theme") else None
    body["category_label"] = g.label_of(body["category"]) if body.get("category") else None
    follow, moderation = states.followup(), states.moderation()
    body["followup_label"] = follow.state(body["followup"]).label
    body["followup_category"] = follow.category(body["followup"])
    body["moderation_label"] = moderation.state(body["moderation"]).label
    if body.get("demo"):
        body["avertissement"] = DEMO_LABEL
    return body


def sync_status(
    conn: psycopg.Connection[Any], principal: Principal, ids: list[uuid.UUID]
) -> dict[str, Any]:
    """Which of ``ids`` the server holds (visible to the principal) and which photos it still
    expects for each; a phone deletes only what is confirmed here."""
    if len(ids) > MAX_BATCH:
        raise Invalid(f"trop d'identifiants : {len(ids)} (maximum {MAX_BATCH})")
    held: dict[uuid.UUID, tuple[list[uuid.UUID], list[uuid.UUID]]] = {}
    for ref, walk, declared, received in repo.refs_with_walks(conn, ids):
        if policy.can_read_observation(principal, ref, walk):
            held[ref.id] = (declared, received)
    items = []
    for obs_id in dict.fromkeys(ids):
        declared, received = held.get(obs_id, ([], []))
        items.append(
            {
                "id": obs_id,
                "held": obs_id in held,
                "photos_received": received,
                "photos_expected": [p for p in declared if p not in set(received)],
            }
        )
    return {
        "items": items,
        "held": sum(1 for i in items if i["held"]),
        "missing": sum(1 for i in items if not i["held"]),
    }


def feature_collection(
    conn: psycopg.Connection[Any],
    principal: Principal,
    *,
    walk_id: uuid.UUID | None = None,
    kind: Kind | None = None,
    followup_category: str | None = None,
    qpv: str | None = None,
) -> str:
    """Observations the principal may see, as GeoJSON text (exact points: staff and authors)."""
    if walk_id is not None:
        policy.check_read_walk(principal, walks_repo.get_ref(conn, walk_id))
    fstates = list(states.followup().states_in(followup_category)) if followup_category else None
    if followup_category and not fstates:
        raise Invalid(f"catégorie d'état inconnue : {followup_category!r}")
    return repo.feature_collection(
        conn,
        policy.scope(principal),
        policy.view(principal),
        {
            "walk_id": walk_id,
            "kind": kind.value if kind else None,
            "followup_states": fstates,
            "qpv": qpv,
        },
    )
