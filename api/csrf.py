"""Browser writes with the session cookie: same-origin requests carrying the session's token.

A staff member signed in at ``/connexion`` holds the session token in an ``HttpOnly``,
``SameSite=Strict`` cookie. The cookie authorises a write only on the back-office form routes
(rule ``form=True`` in :mod:`api.access`) and only when both hold:

1. the request comes from this site: ``Sec-Fetch-Site: same-origin`` when the browser sends it,
   and an ``Origin`` equal to this site's origin (a request with neither is refused);
2. the form carries the per-session CSRF token (``csrf_token``), an HMAC of the session token
   that only pages of this site, rendered for this session, contain.

Anything else answers 403 before the form is handled: nothing is written. Requests
authorised by an ``Authorization`` header (API clients) need neither: a cross-site page cannot
set that header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from api.ratelimit import request_scheme
from geo.errors import Forbidden

SESSION_COOKIE = "cg_session"
"""Browser session of a staff member (``/connexion``): honoured on GET/HEAD, and on the writes
of back-office forms only from this site with the form's CSRF token."""
FIELD = "csrf_token"
"""Name of the hidden form field."""
_CONTEXT = b"cartegalite/csrf/v1"


def token_for(session_token: str) -> str:
    """The CSRF token of a session (deterministic: every page of the session shows the same)."""
    mac = hmac.new(session_token.encode("utf-8"), _CONTEXT, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def own_origin(request: Request) -> str:
    """``scheme://host[:port]`` of this site as the browser addressed it."""
    settings = request.app.state.settings
    scheme = request_scheme(request.scope, settings.trusted_proxies)
    return f"{scheme}://{request.headers.get('host', '')}"


def check_same_origin(request: Request) -> None:
    """403 unless the request provably comes from a page of this site."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        raise Forbidden("requête venue d'un autre site refusée")
    origin = request.headers.get("origin")
    if origin is None or origin == "null" or origin != own_origin(request):
        raise Forbidden("requête venue d'un autre site refusée (origine absente ou différente)")


def session_token(request: Request) -> str | None:
    """The session cookie's token when it (not a header) authorised the request."""
    if getattr(request.state, "via_cookie", False):
        return request.cookies.get(SESSION_COOKIE) or None
    return None


def csrf_of(request: Request) -> str:
    """The token to put in the forms of a page (empty without a cookie session)."""
    token = request.cookies.get(SESSION_COOKIE)
    return token_for(token) if token else ""


async def checked_form(request: Request) -> FormData:
    """The submitted form, after the CSRF check of a cookie-authorised request."""
    form = await request.form()
    session = session_token(request)
    if session is not None:
        sent = form.get(FIELD)
        if not isinstance(sent, str) or not hmac.compare_digest(sent, token_for(session)):
            raise Forbidden("jeton de formulaire (CSRF) absent ou invalide : rechargez la page")
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]
"""A back-office form, CSRF-checked."""
