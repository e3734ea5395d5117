"""Request dependencies: settings, a pooled connection, the caller, bounded query parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import psycopg
from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg_pool import ConnectionPool

from accounts.models import Principal, Role
from api.gate import principal_of
from api.settings import Settings
from geo.errors import Forbidden, Invalid, Unauthenticated


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_pool(request: Request) -> ConnectionPool:
    return request.app.state.pool


def get_conn(
    request: Request,
    pool: Annotated[ConnectionPool, Depends(get_pool)],
) -> Iterator[psycopg.Connection[Any]]:
    """A pooled autocommit connection; services open their own transactions. When the route's
    access rule sets a statement budget (``api.access``), it applies for this request only."""
    budget = getattr(getattr(request.state, "access_rule", None), "budget_ms", None)
    with pool.connection() as conn:
        if budget:
            conn.execute("SELECT set_config('statement_timeout', %s, false)", (f"{budget}ms",))
        try:
            yield conn
        finally:
            if budget and not conn.broken:
                conn.execute("RESET statement_timeout")


SettingsDep = Annotated[Settings, Depends(get_settings)]
ConnDep = Annotated[psycopg.Connection[Any], Depends(get_conn)]

_bearer = HTTPBearer(auto_error=False, description="Jeton « Bearer » (participant ou équipe)")


async def get_principal(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller, or None when anonymous. An invalid token is an error, not anonymity.

    Resolved once per request (the access gate usually did it already: ``api.gate``)."""
    return await principal_of(request)


MaybePrincipal = Annotated[Principal | None, Depends(get_principal)]


async def get_current(principal: MaybePrincipal) -> Principal:
    if principal is None:
        raise Unauthenticated("authentification requise (en-tête Authorization: Bearer …)")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_current)]


def require(*roles: Role) -> Any:
    """Dependency factory: the caller must hold one of ``roles``."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*roles):
            raise Forbidden("action réservée aux rôles : " + ", ".join(r.value for r in roles))
        return principal

    return Depends(check)


AdminPrincipal = Annotated[Principal, require(Role.ADMIN)]
StaffPrincipal = Annotated[
    Principal, require(Role.FACILITATOR, Role.PLANNER, Role.MODERATOR, Role.ADMIN)
]


async def lon_lat(
    lon: Annotated[float, Query(description="Longitude WGS84 (degrés)", allow_inf_nan=False)],
    lat: Annotated[float, Query(description="Latitude WGS84 (degrés)", allow_inf_nan=False)],
) -> tuple[float, float]:
    """A (lon, lat) pair from the query string, range-checked."""
    from geo.shapes import check_lon_lat

    check_lon_lat(lon, lat)
    return (lon, lat)


LonLat = Annotated[tuple[float, float], Depends(lon_lat)]


def generation_param(
    settings: SettingsDep,
    generation: Annotated[
        int | None, Query(description="Génération des QPV : 2015 ou 2024")
    ] = None,
) -> int:
    if generation is None:
        return settings.qpv_generation
    if generation not in (2015, 2024):
        raise Invalid(f"génération inconnue : {generation} (attendu : 2015 ou 2024)")
    return generation


Generation = Annotated[int, Depends(generation_param)]
