"""GDPR rights of participants (export, erasure) and the retention purge.

A participant's token is the key to their data: with it they export (JSON) or erase everything
they submitted. Aggregates stay consistent because they are always computed from what is
stored. The purge keeps what the public counts need (kind, theme, ratings, states, QPV and the
200 m cell of the point) and erases the rest after the retention period.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg

from accounts.models import Principal, Role
from geo.errors import Forbidden
from surveys.repo import privacy as repo
from surveys.service.public import CELL_M


def _participant(principal: Principal) -> Any:
    if principal.role is not Role.PARTICIPANT or principal.participant_id is None:
        raise Forbidden("réservé aux participantes et participants (jeton de marche)")
    return principal.participant_id


def export(conn: psycopg.Connection[Any], principal: Principal) -> dict[str, Any]:
    """Everything the participant behind ``principal`` submitted (JSON-able)."""
    data = repo.export(conn, _participant(principal))
    data["exported_at"] = datetime.now(UTC).isoformat()
    data["token_expires_at"] = principal.expires_at.isoformat() if principal.expires_at else None
    return data


def erase(conn: psycopg.Connection[Any], principal: Principal) -> dict[str, Any]:
    """Delete everything the participant submitted, and the participant (its token stops
    working). One transaction."""
    participant_id = _participant(principal)
    with conn.transaction():
        return repo.erase(conn, participant_id)


def purge(conn: psycopg.Connection[Any], months: int, audit_months: int) -> dict[str, int]:
    """Apply the retention periods (one transaction); counts of what was purged."""
    with conn.transaction():
        counts = repo.purge(conn, months, CELL_M)
        counts.update(repo.purge_accounts_data(conn, audit_months))
    return counts
