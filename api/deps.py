"""Request dependencies: settings, a pooled connection, the caller, bounded query parameters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

import psycopg
from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool

from accounts import service as accounts
from accounts.models import Principal, Role
from api.settings import Settings
from geo.errors import Forbidden, Invalid, Unauthenticated


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_pool(request: Request) -> ConnectionPool:
    return request.app.state.pool


async def get_conn(
    pool: Annotated[ConnectionPool, Depends(get_pool)],
) -> AsyncIterator[psycopg.Connection[Any]]:
    """A pooled autocommit connection; services open their own transactions.

    Taken from the pool in the thread pool (it may wait for a free connection) and given back
    on the event loop when idle (no I/O then): one thread hop per request instead of the two
    of a sync generator dependency (bench/, issue 10: each hop costs the event loop ~0.1 ms).
    """
    conn = await run_in_threadpool(pool.getconn)
    try:
        yield conn
    finally:
        if conn.info.transaction_status == TransactionStatus.IDLE:
            pool.putconn(conn)
        else:  # a transaction left open by an error: the pool rolls it back (I/O)
            await run_in_threadpool(pool.putconn, conn)


SettingsDep = Annotated[Settings, Depends(get_settings)]
ConnDep = Annotated[psycopg.Connection[Any], Depends(get_conn)]

_bearer = HTTPBearer(auto_error=False, description="Jeton « Bearer » (participant ou équipe)")


async def get_principal(
    conn: ConnDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller, or None when anonymous. An invalid token is an error, not anonymity.

    ``async``: an anonymous request costs no thread hop; the token lookup runs in the pool.
    """
    if credentials is None:
        return None
    principal = await run_in_threadpool(accounts.resolve, conn, credentials.credentials)
    if principal is None:
        raise Unauthenticated("jeton invalide, expiré ou révoqué")
    return principal


MaybePrincipal = Annotated[Principal | None, Depends(get_principal)]

PoolDep = Annotated[ConnectionPool, Depends(get_pool)]
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
"""The bearer credentials, unchecked (see :func:`principal_of`)."""

T = TypeVar("T")


async def in_thread(pool: ConnectionPool, fn: Callable[..., T], *args: Any) -> T:
    """``fn(conn, *args)`` in the thread pool with a pooled autocommit connection.

    For the busiest routes: the whole use case (token lookup included, see
    :func:`principal_of`) costs one thread hop, where ``ConnDep`` + ``CurrentPrincipal`` + a
    sync route cost three; each hop costs the event loop ~0.1–0.2 ms (bench/, issue 10).
    """

    def call() -> T:
        with pool.connection() as conn:
            return fn(conn, *args)

    return await run_in_threadpool(call)


def principal_of(
    conn: psycopg.Connection[Any], credentials: HTTPAuthorizationCredentials | None
) -> Principal | None:
    """What :data:`MaybePrincipal` gives, for a route running in :func:`in_thread`."""
    if credentials is None:
        return None
    principal = accounts.resolve(conn, credentials.credentials)
    if principal is None:
        raise Unauthenticated("jeton invalide, expiré ou révoqué")
    return principal


def current_principal(
    conn: psycopg.Connection[Any], credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    """What :data:`CurrentPrincipal` gives, for a route running in :func:`in_thread`."""
    principal = principal_of(conn, credentials)
    if principal is None:
        raise Unauthenticated("authentification requise (en-tête Authorization: Bearer …)")
    return principal


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
