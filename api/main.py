"""The FastAPI application, built by :func:`create_app` from explicit settings."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from psycopg_pool import ConnectionPool

from accounts import service as accounts
from api import access, errors
from api.gate import access_gate
from api.hardening import harden, purge_at_start
from api.middleware import BodyLimit
from api.pages import actors as actor_pages
from api.pages import cartes as cartes_pages
from api.pages import evaluation as evaluation_pages
from api.pages import exhibitions as exhibitions_pages
from api.pages import home, maps
from api.pages import invitation as invitation_pages
from api.pages import marche as marche_pages
from api.pages import planning as planning_pages
from api.pages import privacy as privacy_pages
from api.pages import selfcheck as selfcheck_pages
from api.pages import selfupdate as selfupdate_pages
from api.pages import session as session_pages
from api.pages import suivi as suivi_pages
from api.pages import territories as territory_pages
from api.pages.equipe import accounts as staff_accounts
from api.pages.equipe import directory as staff_directory
from api.pages.equipe import exhibitions as staff_exhibitions
from api.pages.equipe import gusp as staff_gusp
from api.pages.equipe import home as staff_home
from api.pages.equipe import moderation as staff_moderation
from api.pages.equipe import presence as staff_presence
from api.pages.equipe import walks as staff_walks
from api.routes import actors as actor_routes
from api.routes import (
    auth,
    field,
    health,
    observations,
    ogc,
    plan,
    privacy,
    public,
    qpv,
    users,
    walks,
)
from api.routes import exhibitions as exhibitions_routes
from api.routes import exports as export_routes
from api.routes import open311 as open311_routes
from api.routes import planning as planning_routes
from api.routes import presence as presence_routes
from api.routes import selfcheck as selfcheck_routes
from api.routes import suivi as suivi_routes
from api.territory import TerritoryResolver
from app.settings import Settings
from geo.postgis import make_pool
from maps.assets import VENDOR_PACKAGES, VENDOR_PREFIX
from maps.csp import script_nonce

log = logging.getLogger("cartegalite.api")

STATIC_DIR = Path(__file__).parent / "static"
SERVED_PACKAGES = (*VENDOR_PACKAGES, "swagger-ui-dist")
"""npm packages served under /static/vendor (the map assets plus the API documentation UI)."""

DESCRIPTION = """
Cartégalité : cartographie et diagnostics de terrain pour l'égalité des droits
(contrat de ville de Nantes Métropole, enjeu 3).

Les réponses d'erreur sont toujours `{"detail": "<message en français>"}`.
"""


ROUTERS = [
    health.router,
    walks.router,
    observations.router,
    field.router,
    plan.router,
    public.router,
    qpv.router,
    users.router,
    auth.router,
    privacy.router,
    suivi_routes.router,
    open311_routes.router,
    ogc.router,
    exhibitions_routes.schools,
    exhibitions_routes.router,
    actor_routes.router,
    selfcheck_routes.router,
    planning_routes.router,
    export_routes.router,
    maps.router,
    exhibitions_pages.router,
    cartes_pages.router,
    privacy_pages.router,
    actor_pages.router,
    marche_pages.router,
    selfcheck_pages.router,
    planning_pages.router,
    session_pages.router,
    invitation_pages.router,
    suivi_pages.router,
    selfupdate_pages.router,
    territory_pages.router,
    presence_routes.router,
    evaluation_pages.router,
    staff_presence.router,
    staff_home.router,
    staff_walks.router,
    staff_moderation.router,
    staff_gusp.router,
    staff_exhibitions.router,
    staff_directory.router,
    staff_accounts.router,
    home.router,
]
"""Every router of the app (one line each; pages last)."""


def _pool(settings: Settings, min_size: int, statement_timeout_ms: int | None) -> ConnectionPool:
    """An opening pool with the settings' limits (the connections carry the timeouts)."""
    pool = make_pool(
        settings.database_url or "",
        min_size=min_size,
        max_size=settings.pool_max,
        timeout=settings.db_timeout_s,
        statement_timeout_ms=statement_timeout_ms,
        lock_timeout_ms=settings.lock_timeout_ms,
        idle_in_transaction_ms=settings.idle_in_transaction_ms,
    )
    pool.open(wait=False)
    return pool


def create_app(settings: Settings) -> FastAPI:
    """Build the application. Nothing connects before the lifespan starts."""
    if settings.database_url is None:
        raise ValueError("settings.database_url is required (the CLI resolves the embedded one)")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = _pool(settings, settings.pool_min, settings.statement_timeout_ms)
        app.state.pool = pool
        # one small pool per statement budget of api.access (connections opened with it)
        app.state.budget_pools = {ms: _pool(settings, 1, ms) for ms in access.budgets()}
        purge_at_start(pool, settings)
        if settings.admin_token:
            try:
                with pool.connection() as conn:
                    accounts.bootstrap_admin(conn, settings.admin_token)
            except Exception as exc:  # the service still starts; /health says what is wrong
                log.error("admin token bootstrap failed: %s", type(exc).__name__)
        gc.collect()
        gc.freeze()  # what start-up loaded (modules, templates, grid) is never scanned again
        try:
            yield
        finally:
            for budget_pool in app.state.budget_pools.values():
                budget_pool.close()
            pool.close()

    app = FastAPI(
        title="Cartégalité",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(access_gate)],
    )
    app.state.settings = settings
    app.add_middleware(
        BodyLimit, default=settings.max_body_bytes, overrides=settings.body_limit_overrides
    )
    harden(app, settings)
    app.add_middleware(TerritoryResolver)  # outermost: the prefix goes before anything reads
    app.state.territory_settings = {}
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    _mount_static(app, settings)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI from the locally served copy (FastAPI's default loads it from a CDN).
        FastAPI's page (no user content in it) starts Swagger with one inline script: it gets
        the response's CSP nonce."""
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Cartégalité — API",
            swagger_js_url=f"{VENDOR_PREFIX}/swagger-ui-dist/swagger-ui-bundle.js",
            swagger_css_url=f"{VENDOR_PREFIX}/swagger-ui-dist/swagger-ui.css",
            swagger_favicon_url=f"{VENDOR_PREFIX}/swagger-ui-dist/favicon-32x32.png",
        )
        body = bytes(page.body).decode()
        nonce = script_nonce()
        if nonce:
            body = body.replace("<script>", f'<script nonce="{nonce}">')
        return HTMLResponse(body)

    return app


def _mount_static(app: FastAPI, settings: Settings) -> None:
    app.mount("/static/app", StaticFiles(directory=STATIC_DIR), name="static-app")
    for package in SERVED_PACKAGES:
        directory = settings.assets_dir / package
        if not directory.is_dir():
            log.warning("front-end package %s missing in %s (run make setup)", package, directory)
            continue
        app.mount(
            f"{VENDOR_PREFIX}/{package}", StaticFiles(directory=directory), name=f"vendor-{package}"
        )


def app_from_env() -> FastAPI:
    """Factory used by uvicorn (``--factory``): settings from the environment."""
    return create_app(Settings.from_env())
