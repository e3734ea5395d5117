"""The audit log: who read exact locations or exports, who logged in, who changed accounts.

Rows hold the actor's role and ids, the action, the route template and an object id — never
coordinates, free text, pseudonyms, e-mails or tokens (the table has no column for them).
"""

from __future__ import annotations

from typing import Any

import psycopg

from accounts import repo
from accounts.models import Principal


def record(
    conn: psycopg.Connection[Any],
    principal: Principal | None,
    action: str,
    *,
    method: str | None = None,
    route: str | None = None,
    object_id: str | None = None,
    count: int | None = None,
    status: int | None = None,
) -> None:
    """Write one audit row (autocommit or the caller's transaction)."""
    repo.insert_audit(
        conn,
        {
            "role": principal.role.value if principal else None,
            "user_id": principal.user_id if principal else None,
            "participant_id": principal.participant_id if principal else None,
            "action": action,
            "method": method,
            "route": route[:200] if route else None,
            "object_id": object_id[:100] if object_id else None,
            "count": count,
            "status": status,
        },
    )


def entries(
    conn: psycopg.Connection[Any],
    action: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[dict[str, Any]]:
    """The most recent rows first (admin)."""
    return repo.list_audit(conn, action, limit, before_id)
