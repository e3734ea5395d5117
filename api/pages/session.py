"""Staff sign-in for browsers: a login form that turns the password login into a session cookie.

The cookie holds the same expiring bearer token as ``POST /api/auth/login`` (stored hashed,
revoked on sign-out). It is ``HttpOnly`` and ``SameSite=Strict``, and the access gate honours it
on **safe methods only** (GET/HEAD): every write still needs the ``Authorization`` header, so a
forged cross-site form can never act with it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from accounts import audit
from accounts import service as accounts
from api.csrf import SESSION_COOKIE
from api.deps import ConnDep, SettingsDep
from api.ratelimit import request_scheme
from api.routing import StrictJSONRoute
from geo.errors import Unauthenticated
from ui.templating import render

router = APIRouter(route_class=StrictJSONRoute, tags=["pages"])


def safe_next(target: str | None) -> str:
    """Only a path of this site (never ``//host`` or a full URL): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _form(
    next_path: str, hours: int, error: str = "", login: str = "", status: int = 200
) -> HTMLResponse:
    page = render(
        "session/login.html", next=safe_next(next_path), hours=hours, error=error, login=login
    )
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/connexion", response_class=HTMLResponse, summary="Connexion de l'équipe (navigateur)")
def login_form(settings: SettingsDep, next: str = "/") -> HTMLResponse:
    return _form(next, settings.staff_token_hours)


@router.post("/connexion", response_class=HTMLResponse, include_in_schema=False)
def login_submit(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    login: Annotated[str, Form(max_length=63)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    limiter = request.app.state.limiter
    if limiter is not None:
        limiter.hit("login_account", login.lower())
    ttl = timedelta(hours=settings.staff_token_hours)
    try:
        user, token, _expires = accounts.login(conn, login, password, ttl)
    except Unauthenticated as exc:
        audit.record(conn, None, "login_failed", method="POST", route="/connexion")
        return _form(next, settings.staff_token_hours, exc.message, login, status=401)
    audit.record(conn, None, "login", method="POST", route="/connexion", object_id=str(user.id))
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(ttl.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=settings.https_only
        or request_scheme(request.scope, settings.trusted_proxies) == "https",
        path="/",
    )
    return response


@router.post("/deconnexion", include_in_schema=False)
def logout(request: Request, conn: ConnDep) -> Response:
    """Revoke the session's token and clear the cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        principal = accounts.resolve(conn, token)
        if principal is not None:
            accounts.logout(conn, principal)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", samesite="strict", httponly=True)
    return response
