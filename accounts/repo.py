"""SQL of users and tokens. Functions take ``conn`` first and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from accounts.models import Principal, Role, Territory, User
from geo.errors import Conflict, InvariantError


def insert_user(
    conn: psycopg.Connection[Any],
    login: str,
    role: Role,
    display_name: str | None = None,
    organisation: str | None = None,
) -> User:
    try:
        row = conn.execute(
            """
            INSERT INTO users (login, role, display_name, organisation)
            VALUES (%s, %s, %s, %s)
            RETURNING id, login, role, display_name, organisation
            """,
            (login, role.value, display_name, organisation),
        ).fetchone()
    except pg_errors.UniqueViolation as exc:
        raise Conflict(f"l'identifiant « {login} » existe déjà") from exc
    if row is None:
        raise InvariantError("expected row is not None")
    return User(row[0], row[1], Role(row[2]), row[3], row[4])


_USER = """
SELECT id, login, role, display_name, organisation, scope_qpv, scope_communes,
       disabled_at IS NOT NULL, password_hash IS NOT NULL
FROM users
"""


def _user(row: Any) -> User:
    return User(
        row[0],
        row[1],
        Role(row[2]),
        row[3],
        row[4],
        tuple(row[5]) if row[5] is not None else None,
        tuple(row[6]) if row[6] is not None else None,
        bool(row[7]),
        bool(row[8]),
    )


def get_user_by_login(conn: psycopg.Connection[Any], login: str) -> User | None:
    row = conn.execute(_USER + " WHERE login = %s", (login,)).fetchone()
    return _user(row) if row else None


def list_users(conn: psycopg.Connection[Any]) -> list[User]:
    return [_user(r) for r in conn.execute(_USER + " ORDER BY login").fetchall()]


def password_of(conn: psycopg.Connection[Any], login: str) -> tuple[User, str | None] | None:
    """The enabled account ``login`` and its password hash (None when it has none)."""
    row = conn.execute(
        _USER.replace("FROM users", ", password_hash FROM users")
        + " WHERE login = %s AND disabled_at IS NULL",
        (login,),
    ).fetchone()
    return (_user(row), row[9]) if row else None


def password_of_id(conn: psycopg.Connection[Any], user_id: uuid.UUID) -> str | None:
    row = conn.execute("SELECT password_hash FROM users WHERE id = %s", (user_id,)).fetchone()
    return row[0] if row else None


def set_password_hash(conn: psycopg.Connection[Any], user_id: uuid.UUID, hashed: str) -> None:
    conn.execute(
        "UPDATE users SET password_hash = %s, password_changed_at = now() WHERE id = %s",
        (hashed, user_id),
    )


def update_user(conn: psycopg.Connection[Any], user_id: uuid.UUID, changes: dict[str, Any]) -> None:
    """Apply ``changes`` (keys among display_name, organisation, scope_qpv, scope_communes,
    disabled) to an account."""
    columns = {
        "display_name": "display_name = %(display_name)s",
        "organisation": "organisation = %(organisation)s",
        "scope_qpv": "scope_qpv = %(scope_qpv)s",
        "scope_communes": "scope_communes = %(scope_communes)s",
        "email": "email = %(email)s",
        "territory_id": "territory_id = %(territory_id)s",
        "disabled": "disabled_at = CASE WHEN %(disabled)s THEN COALESCE(disabled_at, now()) END",
    }
    sets = [columns[key] for key in changes if key in columns]
    if sets:
        conn.execute(
            f"UPDATE users SET {', '.join(sets)} WHERE id = %(id)s", {**changes, "id": user_id}
        )


def revoke_token(conn: psycopg.Connection[Any], token_id: int) -> None:
    conn.execute(
        "UPDATE tokens SET revoked_at = now() WHERE id = %s AND revoked_at IS NULL", (token_id,)
    )


def revoke_user_tokens(
    conn: psycopg.Connection[Any], user_id: uuid.UUID, keep_token_id: int | None = None
) -> int:
    """Revoke every live token of an account (but ``keep_token_id``), bootstrap token aside."""
    cur = conn.execute(
        """
        UPDATE tokens SET revoked_at = now()
        WHERE user_id = %s AND revoked_at IS NULL AND id IS DISTINCT FROM %s
          AND label IS DISTINCT FROM 'bootstrap-admin'
        """,
        (user_id, keep_token_id),
    )
    return cur.rowcount


def unknown_qpv(conn: psycopg.Connection[Any], codes: list[str]) -> list[str]:
    rows = conn.execute(
        "SELECT c FROM unnest(%s::text[]) c WHERE NOT EXISTS (SELECT 1 FROM qpv WHERE code = c)",
        (codes,),
    ).fetchall()
    return [r[0] for r in rows]


def insert_audit(conn: psycopg.Connection[Any], row: dict[str, Any]) -> None:
    """One audit row (ids, route template, counts: never personal content)."""
    conn.execute(
        """
        INSERT INTO audit_log (actor_role, actor_user_id, actor_participant_id, action, method,
                               route, object_id, item_count, status)
        VALUES (%(role)s, %(user_id)s, %(participant_id)s, %(action)s, %(method)s, %(route)s,
                %(object_id)s, %(count)s, %(status)s)
        """,
        row,
    )


def list_audit(
    conn: psycopg.Connection[Any], action: str | None, limit: int, before_id: int | None
) -> list[dict[str, Any]]:
    rows = conn.execute(
        """
        SELECT id, at, actor_role, actor_user_id, actor_participant_id, action, method, route,
               object_id, item_count, status
        FROM audit_log
        WHERE (%(action)s::text IS NULL OR action = %(action)s)
          AND (%(before)s::bigint IS NULL OR id < %(before)s)
        ORDER BY id DESC LIMIT %(limit)s
        """,
        {"action": action, "limit": limit, "before": before_id},
    ).fetchall()
    keys = (
        "id",
        "at",
        "actor_role",
        "actor_user_id",
        "actor_participant_id",
        "action",
        "method",
        "route",
        "object_id",
        "item_count",
        "status",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def insert_token(
    conn: psycopg.Connection[Any],
    token_hash: bytes,
    role: Role,
    user_id: uuid.UUID | None = None,
    participant_id: uuid.UUID | None = None,
    walk_id: uuid.UUID | None = None,
    label: str | None = None,
    expires_at: datetime | None = None,
) -> int:
    row = conn.execute(
        """
        INSERT INTO tokens (token_hash, role, user_id, participant_id, walk_id, label, expires_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s)
        RETURNING id
        """,
        (token_hash, role.value, user_id, participant_id, walk_id, label, expires_at),
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return int(row[0])


_PRINCIPAL_COLUMNS = """
t.id, t.role, t.user_id, u.login, t.participant_id, t.walk_id, t.expires_at,
t.role = 'planner' AND (u.scope_qpv IS NOT NULL OR u.scope_communes IS NOT NULL),
ARRAY(SELECT DISTINCT q.code FROM qpv q
      WHERE q.code = ANY(COALESCE(u.scope_qpv, '{}'))
         OR q.insee_codes && COALESCE(u.scope_communes, '{}'))
    || COALESCE(u.scope_qpv, '{}'),
COALESCE(u.scope_communes, '{}'), u.organisation, u.territory_id"""
"""The columns :func:`_principal_from_row` reads (12, in this order), over ``tokens t`` and
``users u``."""

FROM_LIVE_BEARER = """
FROM tokens t LEFT JOIN users u ON u.id = t.user_id
WHERE t.token_hash = %(token_hash)s
  AND t.revoked_at IS NULL
  AND (t.expires_at IS NULL OR t.expires_at > now())
  AND (t.user_id IS NULL OR u.disabled_at IS NULL)"""
"""The live token of hash ``%(token_hash)s``: not revoked, not expired, account enabled —
checked by the database at the moment of the statement, so a revocation or an expiry is
effective at once in every worker. Shared with the one-statement submission
(:mod:`surveys.repo.observations`), which checks its token with this same text."""

_PRINCIPAL = f"SELECT {_PRINCIPAL_COLUMNS} {FROM_LIVE_BEARER}"


def _principal_from_row(row: Sequence[Any]) -> Principal:
    """The principal of a row of :data:`_PRINCIPAL_COLUMNS`."""
    territory = Territory(frozenset(row[8]), frozenset(row[9])) if row[7] else None
    return Principal(
        role=Role(row[1]),
        token_id=int(row[0]),
        user_id=row[2],
        login=row[3],
        participant_id=row[4],
        walk_id=row[5],
        territory=territory,
        expires_at=row[6],
        organisation=row[10],
        home=row[11],
    )


def find_principal(conn: psycopg.Connection[Any], token_hash: bytes) -> Principal | None:
    """The principal behind a live token (not revoked, not expired, account enabled), with a
    planner's territory expanded to QPV codes (its communes' QPV included)."""
    row = conn.execute(_PRINCIPAL, {"token_hash": token_hash}).fetchone()
    return _principal_from_row(row) if row is not None else None


def revoke_tokens_with_label(
    conn: psycopg.Connection[Any], label: str, keep_hash: bytes | None = None
) -> int:
    cur = conn.execute(
        """
        UPDATE tokens SET revoked_at = now()
        WHERE label = %s AND revoked_at IS NULL AND token_hash IS DISTINCT FROM %s
        """,
        (label, keep_hash),
    )
    return cur.rowcount


def token_exists(conn: psycopg.Connection[Any], token_hash: bytes) -> bool:
    row = conn.execute(
        "SELECT 1 FROM tokens WHERE token_hash = %s AND revoked_at IS NULL", (token_hash,)
    ).fetchone()
    return row is not None
