"""Request dependencies: settings, a pooled connection, the caller, bounded query parameters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import psycopg
from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool

from accounts.models import Principal, Role
from api.gate import principal_of
from app.settings import Settings
from geo.errors import Forbidden, Invalid, Unauthenticated


async def get_settings(request: Request) -> Settings:
    """The instance's settings, for the territory the request addresses (:mod:`api.territory`):
    its id, first QPV generation and help-line file."""
    settings: Settings = request.app.state.settings
    wanted = getattr(request.state, "territory", None)
    if not wanted or wanted == settings.territory:
        return settings
    cache: dict[str, Settings] = request.app.state.territory_settings
    if wanted not in cache:
        from api.territory import catalogue  # the middleware's catalogue, already loaded

        generation, helplines = (await catalogue(request.app)).details.get(
            wanted, (settings.qpv_generation, None)
        )
        cache[wanted] = replace(
            settings,
            territory=wanted,
            qpv_generation=generation,
            helplines_file=Path(helplines) if helplines else settings.helplines_file,
        )
    return cache[wanted]


async def get_pool(request: Request) -> ConnectionPool:
    pool: ConnectionPool[psycopg.Connection[tuple[Any, ...]]] = request.app.state.pool
    return pool


def _budget_ms(request: Request) -> int | None:
    """The statement budget of the route's access rule (``api.access``), if any."""
    return getattr(getattr(request.state, "access_rule", None), "budget_ms", None)


def _pool_and_budget(request: Request, pool: ConnectionPool) -> tuple[ConnectionPool, int | None]:
    """The pool to draw from, and a budget still to apply on the connection (None when the
    pool's own connections carry it). Each budget of ``api.access`` has its own pool whose
    connections were opened with that ``statement_timeout`` (``api.main``): no ``SET`` and
    ``RESET`` round trips per request (they cost a third of a nearest-actors request, measured
    in bench/)."""
    budget = _budget_ms(request)
    if not budget:
        return pool, None
    dedicated = getattr(request.app.state, "budget_pools", {}).get(budget)
    return (dedicated, None) if dedicated is not None else (pool, budget)


def _take(pool: ConnectionPool, budget: int | None) -> psycopg.Connection[Any]:
    conn = pool.getconn()
    if budget:
        try:
            conn.execute("SELECT set_config('statement_timeout', %s, false)", (f"{budget}ms",))
        except BaseException:
            pool.putconn(conn)
            raise
    return conn


def _give_back(pool: ConnectionPool, conn: psycopg.Connection[Any], budget: int | None) -> None:
    try:
        if budget and not conn.broken and not conn.closed:
            conn.execute("RESET statement_timeout")
    finally:
        pool.putconn(conn)


async def get_conn(
    request: Request,
    pool: Annotated[ConnectionPool, Depends(get_pool)],
) -> AsyncIterator[psycopg.Connection[Any]]:
    """A pooled autocommit connection; services open their own transactions. When the route's
    access rule sets a statement budget (``api.access``), the connection carries it.

    Taken from the pool in the thread pool (it may wait for a free connection) and given back
    on the event loop when idle (no I/O then): one thread hop per request instead of the two
    of a sync generator dependency (bench/: each hop costs the event loop ~0.1 ms).
    """
    pool, budget = _pool_and_budget(request, pool)
    conn = await run_in_threadpool(_take, pool, budget)
    try:
        yield conn
    finally:
        if not budget and conn.info.transaction_status == TransactionStatus.IDLE:
            pool.putconn(conn)
        else:  # a budget to reset, or a transaction left open by an error: I/O
            await run_in_threadpool(_give_back, pool, conn, budget)


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

PoolDep = Annotated[ConnectionPool, Depends(get_pool)]
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
"""The bearer credentials, unchecked (see :func:`principal_of`)."""

T = TypeVar("T")


async def in_thread(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """``fn(conn, *args)`` in the thread pool with a pooled autocommit connection (and the
    route's statement budget, as :func:`get_conn`).

    For the busiest routes: the use case costs one thread hop, where ``ConnDep`` + a sync
    route cost two; each hop costs the event loop ~0.1–0.2 ms (measured in bench/). The caller
    comes from the access gate (:data:`MaybePrincipal`, resolved once per request).
    """
    pool, budget = _pool_and_budget(request, request.app.state.pool)

    def call() -> T:
        conn = _take(pool, budget)
        try:
            return fn(conn, *args)
        finally:
            _give_back(pool, conn, budget)

    return await run_in_threadpool(call)


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
