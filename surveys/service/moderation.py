"""The moderation queue: what waits for a moderator's decision, and decisions on a page of it
(each decision is the same transition as ``POST /api/observations/{id}/transitions``)."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from accounts.models import Principal, Role
from geo.errors import DomainError, Forbidden
from surveys import policy, states
from surveys.models import TransitionInput
from surveys.repo import moderation as repo
from surveys.repo.moderation import QueueRow
from surveys.service import followup

MODERATORS = (Role.MODERATOR, Role.ADMIN)


def queue(
    conn: psycopg.Connection[Any],
    principal: Principal,
    filters: dict[str, Any],
    limit: int,
    offset: int,
) -> list[QueueRow]:
    """One page of the observations waiting for moderation, oldest first."""
    if not principal.has_role(*MODERATORS):
        raise Forbidden("file de modération réservée aux rôles : moderator, admin")
    initial = states.moderation().initial
    return repo.pending(conn, policy.scope(principal), initial, filters, limit, offset)


def decide(
    conn: psycopg.Connection[Any],
    principal: Principal,
    ids: list[uuid.UUID],
    action: str,
    reason: str | None,
) -> tuple[int, list[tuple[uuid.UUID, str]]]:
    """Apply ``action`` (``publier``/``masquer``) to each observation; (applied, refusals).

    Each observation is its own transition: one refused (already decided by someone else, not
    visible) does not undo the others; the refusals come back with their French reason.
    """
    if action not in states.moderation().actions:
        raise Forbidden(f"action de modération inconnue : {action!r}")
    done, refused = 0, []
    for obs_id in ids:
        try:
            followup.transition(conn, principal, obs_id, TransitionInput(action, reason))
            done += 1
        except DomainError as exc:
            refused.append((obs_id, exc.message))
    return done, refused


def waiting(conn: psycopg.Connection[Any], principal: Principal) -> int:
    """How many observations the caller's queue holds."""
    return repo.count(conn, policy.scope(principal), states.moderation().initial)


def waiting_filtered(
    conn: psycopg.Connection[Any], principal: Principal, filters: dict[str, Any]
) -> int:
    """How many observations of the filtered queue wait (0 when the page is past the end)."""
    rows = queue(conn, principal, filters, 1, 0)
    return rows[0].total if rows else 0
