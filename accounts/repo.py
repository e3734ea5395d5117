"""SQL of users and tokens. Functions take ``conn`` first and never commit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import class_row

from accounts.models import Principal, Role, User
from geo.errors import Conflict


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
    assert row is not None
    return User(row[0], row[1], Role(row[2]), row[3], row[4])


def get_user_by_login(conn: psycopg.Connection[Any], login: str) -> User | None:
    row = conn.execute(
        "SELECT id, login, role, display_name, organisation FROM users WHERE login = %s",
        (login,),
    ).fetchone()
    return User(row[0], row[1], Role(row[2]), row[3], row[4]) if row else None


def list_users(conn: psycopg.Connection[Any]) -> list[User]:
    cur = conn.cursor(row_factory=class_row(User))
    rows = cur.execute(
        "SELECT id, login, role, display_name, organisation FROM users ORDER BY login"
    ).fetchall()
    return [User(u.id, u.login, Role(u.role), u.display_name, u.organisation) for u in rows]


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
    assert row is not None
    return int(row[0])


def find_principal(conn: psycopg.Connection[Any], token_hash: bytes) -> Principal | None:
    """The principal behind a live token (not revoked, not expired, account enabled)."""
    row = conn.execute(
        """
        SELECT t.id, t.role, t.user_id, u.login, t.participant_id, t.walk_id
        FROM tokens t LEFT JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = %s
          AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > now())
          AND (t.user_id IS NULL OR u.disabled_at IS NULL)
        """,
        (token_hash,),
    ).fetchone()
    if row is None:
        return None
    return Principal(
        role=Role(row[1]),
        token_id=int(row[0]),
        user_id=row[2],
        login=row[3],
        participant_id=row[4],
        walk_id=row[5],
    )


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
