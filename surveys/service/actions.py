"""The action plan: préconisations grouped into actions that answer observations."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from accounts.models import Principal
from geo.errors import Invalid, InvariantError, NotFound
from surveys import policy, states
from surveys.models import ActionInput
from surveys.repo import actions as repo
from surveys.repo import observations as obs_repo


def _decorate(body: dict[str, Any]) -> dict[str, Any]:
    machine = states.action()
    body["status_label"] = machine.state(body["status"]).label
    body["is_open"] = machine.in_category(body["status"], "open")
    return body


def _check_observations(
    conn: psycopg.Connection[Any], principal: Principal, ids: tuple[uuid.UUID, ...]
) -> None:
    """Every id is an observation the principal may read (others are "unknown")."""
    visible = {
        ref.id
        for ref, walk, _, _ in obs_repo.refs_with_walks(conn, list(ids))
        if policy.can_read_observation(principal, ref, walk)
    }
    missing = sorted(str(i) for i in set(ids) - visible)
    if missing:
        raise Invalid(f"observation(s) inconnue(s) : {', '.join(missing[:10])}")


def create(
    conn: psycopg.Connection[Any], principal: Principal, data: ActionInput, demo: bool = False
) -> dict[str, Any]:
    """Create an action (status ``proposee``) linked to the observations it answers."""
    policy.check_plan(principal)
    if principal.user_id is None:
        raise InvariantError("expected principal.user_id is not None")
    with conn.transaction():
        _check_observations(conn, principal, data.observation_ids)
        action_id = repo.insert(conn, data, principal.user_id, demo)
        repo.link(conn, action_id, list(data.observation_ids))
    return get(conn, principal, action_id)


def get(
    conn: psycopg.Connection[Any], principal: Principal, action_id: uuid.UUID
) -> dict[str, Any]:
    """One action (staff)."""
    policy.check_read_plan(principal)
    body = repo.action_json(conn, action_id)
    if body is None or not policy.can_read_action(principal, body):
        raise NotFound("action introuvable")
    return _decorate(body)


def link(
    conn: psycopg.Connection[Any],
    principal: Principal,
    action_id: uuid.UUID,
    obs_ids: tuple[uuid.UUID, ...],
) -> dict[str, Any]:
    """Link more observations to an action (idempotent)."""
    policy.check_plan(principal)
    get(conn, principal, action_id)  # 404 when out of the principal's scope
    with conn.transaction():
        if repo.lock_status(conn, action_id) is None:
            raise NotFound("action introuvable")
        _check_observations(conn, principal, obs_ids)
        repo.link(conn, action_id, list(obs_ids))
    return get(conn, principal, action_id)


def transition(
    conn: psycopg.Connection[Any],
    principal: Principal,
    action_id: uuid.UUID,
    action: str,
    comment: str | None,
) -> dict[str, Any]:
    """Move an action along ``proposee → validee → en_cours → realisee | abandonnee``."""
    get(conn, principal, action_id)  # 404 when out of the principal's scope
    with conn.transaction():
        current = repo.lock_status(conn, action_id)
        if current is None:
            raise NotFound("action introuvable")
        target = states.action().step(current, action, principal.role, comment)
        if principal.user_id is None:
            raise InvariantError("expected principal.user_id is not None")
        repo.set_status(conn, action_id, action, current, target, comment, principal.user_id)
    return get(conn, principal, action_id)


def list_actions(
    conn: psycopg.Connection[Any],
    principal: Principal,
    status_category: str | None = None,
    walk_id: uuid.UUID | None = None,
    qpv: str | None = None,
) -> list[dict[str, Any]]:
    """Actions (``open``/``closed`` or all) answering observations of a walk and/or a QPV."""
    policy.check_read_plan(principal)
    statuses = None
    if status_category is not None:
        statuses = list(states.action().states_in(status_category))
        if not statuses:
            raise Invalid(f"catégorie d'état inconnue : {status_category!r} (open, closed)")
    return [
        _decorate(a)
        for a in repo.list_actions(conn, statuses, walk_id, qpv)
        if policy.can_read_action(principal, a)
    ]


def open_by_walk_and_qpv(conn: psycopg.Connection[Any], principal: Principal) -> dict[str, Any]:
    """Every open action grouped per walk and per QPV (one call, one statement)."""
    policy.check_read_plan(principal)
    grouped = repo.open_by_walk_and_qpv(conn, list(states.action().states_in("open")))
    if principal.territory is None:
        return grouped
    visible = {str(a["id"]) for a in list_actions(conn, principal, "open")}
    for key in ("by_walk", "by_qpv"):
        groups = []
        for group in grouped[key]:
            group["actions"] = [a for a in group["actions"] if str(a["id"]) in visible]
            if group["actions"]:
                groups.append(group)
        grouped[key] = groups
    return grouped
