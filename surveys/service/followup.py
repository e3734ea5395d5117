"""From observation to action: follow-up and moderation transitions, routing rules."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from accounts.models import Principal
from geo.errors import Conflict, Invalid, InvariantError, NotFound
from surveys import policy, states
from surveys.grid import grid
from surveys.models import TransitionInput
from surveys.repo import followup as repo
from surveys.repo import observations as obs_repo
from surveys.repo import walks as walks_repo
from surveys.service.observations import get as get_observation


def transition(
    conn: psycopg.Connection[Any],
    principal: Principal,
    obs_id: uuid.UUID,
    data: TransitionInput,
) -> tuple[bool, dict[str, Any]]:
    """Apply a follow-up or moderation action to an observation; (created, observation).

    The state machine decides whether the action is legal; the observation's content is never
    touched, only its state, and an audit row records who, when, why (and to whom it was
    transmitted). With a client ``id``, a retried request answers the same without a second
    transition; the same ``id`` for another request is a :class:`Conflict`.
    """
    machine = states.observation_machine_of(data.action)
    with conn.transaction():
        ref = obs_repo.lock_ref(conn, obs_id)
        walk = walks_repo.get_ref(conn, ref.walk_id) if ref and ref.walk_id else None
        policy.check_read_observation(principal, ref, walk)
        if ref is None:
            raise InvariantError("expected ref is not None")
        policy.check_transition(principal, ref, walk)
        if data.id is not None and _replayed(conn, principal, obs_id, data):
            return False, get_observation(conn, principal, obs_id)
        current = ref.moderation if machine.name == "moderation" else ref.followup
        target = machine.step(current, data.action, principal.role, data.comment)
        body = _responsible_body(conn, machine.transition(data.action).routes, ref, data)
        if principal.user_id is None:
            raise InvariantError("expected principal.user_id is not None")
        obs_repo.set_state(conn, obs_id, machine.name, target, body)
        repo.insert_transition(
            conn, obs_id, machine.name, data, current, target, body, principal.user_id
        )
    return True, get_observation(conn, principal, obs_id)


def _replayed(
    conn: psycopg.Connection[Any], principal: Principal, obs_id: uuid.UUID, data: TransitionInput
) -> bool:
    if data.id is None:
        raise InvariantError("expected data.id is not None")
    prior = repo.find_transition(conn, data.id)
    if prior is None:
        return False
    same = (
        prior["observation_id"] == obs_id
        and prior["action"] == data.action
        and prior["comment"] == data.comment
        and prior["actor_user_id"] == principal.user_id
        and (data.responsible_body is None or prior["responsible_body"] == data.responsible_body)
    )
    if not same:
        raise Conflict("cet identifiant de transition est déjà utilisé pour une autre demande")
    return True


def _responsible_body(
    conn: psycopg.Connection[Any], routes: bool, ref: Any, data: TransitionInput
) -> str | None:
    if not routes:
        if data.responsible_body:
            raise Invalid("responsible_body ne s'utilise qu'avec l'action « transmettre »")
        return None
    if data.responsible_body:
        return data.responsible_body
    found = repo.route(conn, ref.category, ref.qpv_codes) if ref.category else None
    if found is None:
        raise Invalid(
            "aucune règle d'orientation ne s'applique à cette observation : "
            "précisez l'organisme destinataire (responsible_body)"
        )
    return found


def list_rules(conn: psycopg.Connection[Any], principal: Principal) -> list[dict[str, Any]]:
    """Routing rules (staff; a planner with a territory: the rules valid everywhere and those
    of their QPV)."""
    policy.check_read_plan(principal)
    return [r for r in repo.list_rules(conn) if policy.can_see_rule(principal, r["qpv_code"])]


def set_rule(
    conn: psycopg.Connection[Any],
    principal: Principal,
    category: str,
    qpv_code: str | None,
    body: str,
    note: str | None = None,
) -> tuple[bool, dict[str, Any]]:
    """Create or override the routing rule of ``category`` (in ``qpv_code`` when given)."""
    policy.check_write_rule(principal, qpv_code)
    grid().check_category(category)
    if qpv_code is not None and walks_repo.unknown_qpv_codes(conn, (qpv_code,)):
        raise Invalid(f"code QPV inconnu : {qpv_code}")
    if principal.user_id is None:
        raise InvariantError("expected principal.user_id is not None")
    with conn.transaction():
        rule_id, created = repo.upsert_rule(conn, category, qpv_code, body, note, principal.user_id)
    rule = next(r for r in repo.list_rules(conn) if r["id"] == rule_id)
    return created, rule


def delete_rule(conn: psycopg.Connection[Any], principal: Principal, rule_id: int) -> None:
    """Delete a routing rule (planners within their territory, admins)."""
    policy.check_plan(principal)
    with conn.transaction():
        exists, qpv_code = repo.rule_qpv(conn, rule_id)
        if not exists or not policy.can_see_rule(principal, qpv_code):
            raise NotFound(f"règle d'orientation inconnue : {rule_id}")
        policy.check_write_rule(principal, qpv_code)
        repo.delete_rule(conn, rule_id)
