"""The access gate: an app-wide dependency that applies :mod:`api.access` to every request.

Runs before the route's own dependencies and before its body is validated, so a caller who may
not use a route learns nothing from it (401/403, no validation detail). It also counts the
route-specific rate-limit buckets and writes the audit row of audited routes after success.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from accounts import audit
from accounts import service as accounts
from accounts.models import Principal, Role
from api import access
from api.csrf import SESSION_COOKIE, check_same_origin
from api.ratelimit import TokenBuckets, client_ip
from geo.errors import Forbidden, NotFound, TooLarge, Unauthenticated

log = logging.getLogger("cartegalite.access")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_UNSET = object()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("en-tête Authorization invalide (attendu : Bearer <jeton>)")
    return token.strip()


def _form_write(request: Request) -> bool:
    rule = getattr(request.state, "access_rule", None)
    return rule is not None and rule.form


def _resolve(pool: Any, token: str) -> Principal | None:
    with pool.connection() as conn:
        return accounts.resolve(conn, token)


async def principal_of(request: Request) -> Principal | None:
    """The caller (cached on the request): None when anonymous, 401 for a bad token."""
    cached = getattr(request.state, "principal", _UNSET)
    if cached is None or isinstance(cached, Principal):
        return cached
    token = _bearer(request)
    if token is None and request.url.path.startswith("/open311/"):
        token = request.query_params.get("api_key") or None  # GeoReport's key parameter
    if token is None and (request.method in SAFE_METHODS or _form_write(request)):
        token = request.cookies.get(SESSION_COOKIE) or None
        if token is not None and request.method not in SAFE_METHODS:
            check_same_origin(request)  # the form's CSRF token is checked with the form
            request.state.via_cookie = True
    principal = None
    if token is not None:
        principal = await run_in_threadpool(_resolve, request.app.state.pool, token)
        if principal is None:
            raise Unauthenticated("jeton invalide, expiré ou révoqué")
        principal = placed(request, principal)
    request.state.principal = principal
    return principal


def request_territory(request: Request) -> str:
    """The territory the request addresses (host or ``/t/<id>`` prefix: :mod:`api.territory`),
    else the instance's default."""
    found = getattr(request.state, "territory", None)
    return str(found) if found else str(request.app.state.settings.territory)


def placed(request: Request, principal: Principal) -> Principal:
    """A staff account works in its own territory only: elsewhere 403; there, its listings are
    cut to that territory (``home`` becomes the request's territory). An admin without a
    territory is the instance's operator and works in any; other accounts without one belong
    to the default territory."""
    if not principal.is_staff:
        return principal
    here = request_territory(request)
    home = principal.home
    if home is None and principal.role is not Role.ADMIN:
        home = request.app.state.settings.territory
    if home is not None and home != here:
        raise Forbidden(
            f"ce compte travaille sur le territoire « {home} » : connectez-vous à son adresse"
        )
    return replace(principal, home=here)


ANONYMOUS_BODY_MAX = 64 * 1024
"""Largest body an anonymous caller may send (login, join, workshop forms are tiny)."""


async def check_access(request: Request) -> Principal | None:
    """Apply the route's rule (see :mod:`api.access`) once per request; the caller or None.

    Called by :class:`api.routing.StrictJSONRoute` before the body is read (an anonymous or
    unauthorised caller is refused without a byte of the body being parsed, and the anonymous
    write bucket is charged first), then again by :func:`access_gate` where it is a no-op.
    """
    if getattr(request.state, "access_checked", False):
        return getattr(request.state, "principal", None)
    template = getattr(request.scope.get("route"), "path_format", None)
    rule = access.rule_for(request.method, template)
    if rule is None:
        log.error("route without access rule (api/access.py): %s %s", request.method, template)
        raise NotFound("ressource introuvable")
    request.state.access_rule = rule
    settings = request.app.state.settings
    limiter: TokenBuckets | None = request.app.state.limiter
    ip = client_ip(request.scope, settings.trusted_proxies)
    if limiter is not None and rule.limit and rule.limit != "ip":
        limiter.hit(rule.limit, ip)
    if rule.token_in_route and request.method not in SAFE_METHODS:
        token = _bearer(request)
        if token is not None:  # the route checks it in its own statement (access.Rule)
            if _declared_length(request) > ANONYMOUS_BODY_MAX:  # a token not checked yet
                raise TooLarge(
                    f"requête trop volumineuse : {ANONYMOUS_BODY_MAX // 1024} Kio au plus"
                )
            request.state.route_token = token
            request.state.access_checked = True
            return None
    principal = None if rule.public else await principal_of(request)
    if rule.public and request.headers.get("authorization"):
        principal = await principal_of(request)
    anonymous_write = principal is None and request.method not in SAFE_METHODS
    if anonymous_write and limiter is not None and not rule.limit:
        limiter.hit("anon_write", ip)
    if not rule.allows(principal):
        if principal is None:
            raise Unauthenticated("authentification requise (en-tête Authorization: Bearer …)")
        allowed = ", ".join(sorted(r.value for r in rule.roles or ()))
        raise Forbidden(f"action réservée aux rôles : {allowed}")
    if anonymous_write and _declared_length(request) > ANONYMOUS_BODY_MAX:
        raise TooLarge(
            f"requête trop volumineuse sans jeton : {ANONYMOUS_BODY_MAX // 1024} Kio au plus"
        )
    request.state.access_checked = True
    request.state.principal = principal
    return principal


async def check_route_token(request: Request) -> None:
    """For a route that checks its token itself (``access.Rule.token_in_route``), before an
    error about the body is sent: the token is resolved and the rule applied now, so that a
    caller who may not use the route gets 401/403, never a validation detail."""
    if getattr(request.state, "route_token", None) is None:
        return
    principal = await principal_of(request)
    rule: access.Rule = request.state.access_rule
    if not rule.allows(principal):
        allowed = ", ".join(sorted(r.value for r in rule.roles or ()))
        raise Forbidden(f"action réservée aux rôles : {allowed}")


def _declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length") or 0)
    except ValueError:
        return 0


async def access_gate(request: Request) -> AsyncIterator[None]:
    """The app-wide dependency: :func:`check_access` (already done for routes of
    :class:`~api.routing.StrictJSONRoute`), then the audit row after success."""
    principal = await check_access(request)
    yield
    rule: access.Rule = request.state.access_rule
    if rule.audit:
        template = getattr(request.scope.get("route"), "path_format", None)
        await _audit(request, principal, rule.audit, template)


async def _audit(
    request: Request, principal: Principal | None, action: str, template: str | None
) -> None:
    params = request.path_params
    object_id = next((str(v) for v in params.values()), None) if params else None

    def write() -> None:
        with request.app.state.pool.connection() as conn:
            audit.record(
                conn,
                principal,
                action,
                method=request.method,
                route=template,
                object_id=object_id,
            )

    try:
        await run_in_threadpool(write)
    except Exception as exc:  # the answer is already computed; never fail it for the log
        log.error("audit write failed: %s", type(exc).__name__)
