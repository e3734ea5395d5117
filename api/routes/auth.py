"""Staff sessions: log in with a password (argon2), log out, change one's password."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from accounts import audit
from accounts import service as accounts
from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.routing import StrictJSONRoute
from api.schemas_accounts import LoginIn, PasswordChangeIn, Session
from geo.errors import Unauthenticated

router = APIRouter(prefix="/api/auth", route_class=StrictJSONRoute, tags=["comptes"])


async def login_attempts(request: Request, body: LoginIn) -> LoginIn:
    """Count the attempt against the account name too (guessing one account from many IPs)."""
    limiter = request.app.state.limiter
    if limiter is not None:
        limiter.hit("login_account", body.login.lower())
    return body


@router.post(
    "/login",
    response_model=Session,
    summary="Se connecter (équipe) : identifiant et mot de passe → jeton de session",
    responses={401: {"description": "identifiant ou mot de passe incorrect"}},
)
def login(
    body: Annotated[LoginIn, Depends(login_attempts)], conn: ConnDep, settings: SettingsDep
) -> Any:
    """The token expires after ``CARTEGALITE_STAFF_TOKEN_HOURS``; the same French message
    answers an unknown login, a wrong password or a disabled account."""
    ttl = timedelta(hours=settings.staff_token_hours)
    try:
        user, token, expires = accounts.login(conn, body.login, body.password, ttl)
    except Unauthenticated:
        audit.record(conn, None, "login_failed", method="POST", route="/api/auth/login")
        raise
    audit.record(
        conn, None, "login", method="POST", route="/api/auth/login", object_id=str(user.id)
    )
    return {"token": token, "expires_at": expires, "login": user.login, "role": user.role}


@router.post("/logout", status_code=204, summary="Se déconnecter (révoque ce jeton)")
def logout(conn: ConnDep, principal: CurrentPrincipal) -> Response:
    accounts.logout(conn, principal)
    return Response(status_code=204)


@router.post("/password", status_code=204, summary="Changer son mot de passe")
def change_password(body: PasswordChangeIn, conn: ConnDep, principal: CurrentPrincipal) -> Response:
    """The other sessions of the account are revoked; this one stays open."""
    accounts.change_own_password(conn, principal, body.current_password, body.new_password)
    return Response(status_code=204)
