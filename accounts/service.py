"""Use cases of accounts: bootstrap the admin, create staff, issue and resolve tokens."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import psycopg

from accounts import repo
from accounts.models import STAFF_ROLES, Principal, Role, User
from accounts.tokens import digest, new_token
from geo.errors import Invalid

BOOTSTRAP_LABEL = "bootstrap-admin"
ADMIN_LOGIN = "admin"
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_ADMIN_TOKEN_LENGTH = 24


def bootstrap_admin(conn: psycopg.Connection[Any], token: str) -> bool:
    """Make ``token`` (from ``CARTEGALITE_ADMIN_TOKEN``) a valid admin token.

    Creates the ``admin`` account when missing and revokes a previous bootstrap token that
    differs. Idempotent; returns True when a token row was written now.
    """
    if len(token) < MIN_ADMIN_TOKEN_LENGTH:
        raise Invalid(
            f"CARTEGALITE_ADMIN_TOKEN trop court (au moins {MIN_ADMIN_TOKEN_LENGTH} caractères)"
        )
    hashed = digest(token)
    with conn.transaction():
        user = repo.get_user_by_login(conn, ADMIN_LOGIN) or repo.insert_user(
            conn, ADMIN_LOGIN, Role.ADMIN, display_name="Administration"
        )
        repo.revoke_tokens_with_label(conn, BOOTSTRAP_LABEL, keep_hash=hashed)
        if repo.token_exists(conn, hashed):
            return False
        repo.insert_token(conn, hashed, Role.ADMIN, user_id=user.id, label=BOOTSTRAP_LABEL)
    return True


def create_staff(
    conn: psycopg.Connection[Any],
    login: str,
    role: Role,
    display_name: str | None = None,
    organisation: str | None = None,
) -> tuple[User, str]:
    """Create a staff account and its first token; return both (the token in clear, once)."""
    if role not in STAFF_ROLES:
        raise Invalid(f"rôle non attribuable à un compte : {role}")
    if not _LOGIN.match(login):
        raise Invalid(
            f"identifiant invalide : {login!r} (minuscules, chiffres, « . _ - », 2 à 63 caractères)"
        )
    with conn.transaction():
        user = repo.insert_user(conn, login, role, display_name, organisation)
        token = new_token()
        repo.insert_token(conn, digest(token), role, user_id=user.id, label="created")
    return user, token


def issue_participant_token(
    conn: psycopg.Connection[Any],
    participant_id: uuid.UUID,
    walk_id: uuid.UUID,
    expires_at: datetime | None = None,
) -> str:
    """A bearer token scoped to one walk, for a pseudonymous participant (caller's transaction)."""
    token = new_token()
    repo.insert_token(
        conn,
        digest(token),
        Role.PARTICIPANT,
        participant_id=participant_id,
        walk_id=walk_id,
        label="participant",
        expires_at=expires_at,
    )
    return token


def resolve(conn: psycopg.Connection[Any], token: str) -> Principal | None:
    """The principal behind ``token``, or None when unknown, revoked or expired."""
    if not token or len(token) > 200:
        return None
    return repo.find_principal(conn, digest(token))
