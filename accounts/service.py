"""Use cases of accounts: bootstrap the admin, create staff, issue and resolve tokens."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from accounts import passwords, repo
from accounts.models import ACCOUNT_ROLES, Principal, Role, User
from accounts.tokens import digest, new_token
from geo.errors import Forbidden, Invalid, InvariantError, NotFound, Unauthenticated

BOOTSTRAP_LABEL = "bootstrap-admin"
ADMIN_LOGIN = "admin"
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_ADMIN_TOKEN_LENGTH = 24
_INSEE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")


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
    *,
    password: str | None = None,
    scope: dict[str, list[str] | None] | None = None,
    token_ttl: timedelta | None = None,
    email: str | None = None,
    territory_id: str | None = None,
) -> tuple[User, str]:
    """Create a staff account and its first token; return both (the token in clear, once).

    ``password`` (optional) lets the account log in later; ``scope`` (planners only) holds
    ``scope_qpv`` and/or ``scope_communes``; the first token expires after ``token_ttl``.
    """
    if role not in ACCOUNT_ROLES:
        raise Invalid(f"rôle non attribuable à un compte : {role}")
    if role is Role.BODY and not (organisation and organisation.strip()):
        raise Invalid("un organisme responsable a besoin de son nom (organisation)")
    if not _LOGIN.match(login):
        raise Invalid(
            f"identifiant invalide : {login!r} (minuscules, chiffres, « . _ - », 2 à 63 caractères)"
        )
    if password is not None:
        passwords.check_strength(password, login)
    changes = _checked_scope(conn, role, scope or {})
    if territory_id is not None:
        known = conn.execute("SELECT 1 FROM territory WHERE id = %s", (territory_id,)).fetchone()
        if known is None:
            raise Invalid(f"territoire inconnu : {territory_id}")
        changes = {**changes, "territory_id": territory_id}
    with conn.transaction():
        user = repo.insert_user(conn, login, role, display_name, organisation)
        if email:
            changes = {**changes, "email": email}
        if changes:
            repo.update_user(conn, user.id, changes)
        if password is not None:
            repo.set_password_hash(conn, user.id, passwords.hash_password(password))
        token = new_token()
        expires = datetime.now(UTC) + token_ttl if token_ttl else None
        repo.insert_token(
            conn, digest(token), role, user_id=user.id, label="created", expires_at=expires
        )
    return repo.get_user_by_login(conn, login) or user, token


def _checked_scope(
    conn: psycopg.Connection[Any], role: Role, scope: dict[str, list[str] | None]
) -> dict[str, Any]:
    """The scope columns to write; only planners have a territory, codes must exist."""
    changes = {k: v for k, v in scope.items() if k in ("scope_qpv", "scope_communes")}
    if not changes:
        return {}
    if role is not Role.PLANNER and any(v is not None for v in changes.values()):
        raise Invalid("seuls les comptes planner ont un territoire (scope_qpv, scope_communes)")
    unknown = repo.unknown_qpv(conn, list(changes.get("scope_qpv") or []))
    if unknown:
        raise Invalid(f"code(s) QPV inconnu(s) : {', '.join(sorted(unknown))}")
    for code in changes.get("scope_communes") or []:
        if not _INSEE.match(code):
            raise Invalid(f"code INSEE de commune invalide : {code!r} (5 caractères, ex. 44109)")
    return changes


def update_user(conn: psycopg.Connection[Any], login: str, changes: dict[str, Any]) -> User:
    """Change an account's names, planner territory or disabled flag (admin). Disabling an
    account revokes its tokens at once."""
    user = repo.get_user_by_login(conn, login)
    if user is None:
        raise NotFound(f"compte inconnu : {login}")
    scope = _checked_scope(
        conn, user.role, {k: changes[k] for k in ("scope_qpv", "scope_communes") if k in changes}
    )
    other = {k: v for k, v in changes.items() if k in ("display_name", "organisation", "disabled")}
    if user.login == ADMIN_LOGIN and other.get("disabled"):
        raise Invalid("le compte admin d'amorçage ne peut pas être désactivé")
    with conn.transaction():
        repo.update_user(conn, user.id, {**other, **scope})
        if other.get("disabled"):
            repo.revoke_user_tokens(conn, user.id)
    found = repo.get_user_by_login(conn, login)
    if found is None:
        raise InvariantError("expected found is not None")
    return found


def login(
    conn: psycopg.Connection[Any], login_name: str, password: str, ttl: timedelta
) -> tuple[User, str, datetime]:
    """Check a staff password and open a session: (account, bearer token, expiry).

    Unknown login, disabled account, account without password and wrong password all give the
    same :class:`Unauthenticated` after the same work (a dummy hash is verified).
    """
    found = repo.password_of(conn, login_name) if _LOGIN.match(login_name) else None
    stored = found[1] if found else None
    if not passwords.verify(stored, password) or found is None or stored is None:
        raise Unauthenticated("identifiant ou mot de passe incorrect")
    user = found[0]
    token = new_token()
    expires = datetime.now(UTC) + ttl
    with conn.transaction():
        if passwords.needs_rehash(stored):
            repo.set_password_hash(conn, user.id, passwords.hash_password(password))
        repo.insert_token(
            conn, digest(token), user.role, user_id=user.id, label="login", expires_at=expires
        )
    return user, token, expires


def logout(conn: psycopg.Connection[Any], principal: Principal) -> None:
    """Revoke the token the caller used."""
    repo.revoke_token(conn, principal.token_id)


def set_password(conn: psycopg.Connection[Any], login_name: str, password: str) -> User:
    """Set or reset an account's password (admin); its open sessions are revoked."""
    user = repo.get_user_by_login(conn, login_name)
    if user is None:
        raise NotFound(f"compte inconnu : {login_name}")
    passwords.check_strength(password, user.login)
    with conn.transaction():
        repo.set_password_hash(conn, user.id, passwords.hash_password(password))
        repo.revoke_user_tokens(conn, user.id)
    return user


def change_own_password(
    conn: psycopg.Connection[Any], principal: Principal, current: str, new: str
) -> None:
    """A staff member changes their password; their other sessions are revoked."""
    if principal.user_id is None or principal.login is None:
        raise Forbidden("réservé aux comptes de l'équipe")
    if not passwords.verify(repo.password_of_id(conn, principal.user_id), current):
        raise Forbidden("mot de passe actuel incorrect")
    passwords.check_strength(new, principal.login)
    with conn.transaction():
        repo.set_password_hash(conn, principal.user_id, passwords.hash_password(new))
        repo.revoke_user_tokens(conn, principal.user_id, keep_token_id=principal.token_id)


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


def list_users(conn: psycopg.Connection[Any]) -> list[User]:
    """Every staff account (the admins' list)."""
    return repo.list_users(conn)
