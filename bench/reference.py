"""The references of the HTTP scenarios: bare FastAPI + psycopg endpoints, served by uvicorn with
the same pool and worker settings as the app (``uvicorn bench.reference:app_from_env --factory``).

- ``POST /observations``: only ``INSERT … RETURNING`` into ``bench_ref.observation_versions``, a
  table identical to ``observation_versions`` (``LIKE … INCLUDING ALL``: columns, CHECKs, GiST
  and GIN indexes; no foreign keys);
- ``GET /nearest``: the same KNN as ``/api/actors/nearest`` (same filter text, same feature
  columns), the FeatureCollection built by PostgreSQL and passed through as text;
- ``GET /grid``: the same aggregation as ``/api/public/observations`` (the app's own SQL text), the
  FeatureCollection built by PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Annotated, Any

import psycopg
from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from actors.repo.search import FEATURE, POINT, WHERE
from app.settings import Settings
from geo.postgis import make_pool
from surveys.repo.public import GRID_COUNTS_FULL

SETUP = (
    "CREATE SCHEMA IF NOT EXISTS bench_ref",
    "CREATE TABLE IF NOT EXISTS bench_ref.observation_versions "
    "(LIKE public.observation_versions INCLUDING ALL)",
)

NEAREST = f"""
SELECT '{{"type":"FeatureCollection","features":['
       || coalesce(string_agg(feature, ',' ORDER BY d, id), '') || ']}}'
FROM (
    SELECT {FEATURE} AS feature, ST_Distance(a.geom::geography, {POINT}) AS d, a.id
    FROM actor a
    WHERE {WHERE}
    ORDER BY a.geom::geography <-> {POINT}
    LIMIT %(k)s
) c
"""

GRID = f"""
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
    json_build_object('type', 'Feature', 'geometry', c.geometry, 'properties', json_build_object(
        'cell', '200m-' || c.ix || '-' || c.iy, 'kind', c.kind, 'theme', c.theme, 'count', c.n,
        'first_month', c.first_month, 'last_month', c.last_month))), '[]'::json))::text
FROM ({GRID_COUNTS_FULL}) AS c(kind, theme, ix, iy, n, first_month, last_month, geometry)
"""

INSERT = """
INSERT INTO bench_ref.observation_versions (observation_id, version, geom, observed_at, theme,
                                            items, rating, feeling, works_well, comment, category)
VALUES (%(id)s, 1, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(observed_at)s, %(theme)s,
        %(items)s, %(rating)s, %(feeling)s, %(works_well)s, %(comment)s, %(category)s)
RETURNING observation_id
"""


def prepare(conn: psycopg.Connection[Any]) -> None:
    """Create the reference table (empty it when it exists)."""
    for statement in SETUP:
        conn.execute(statement)
    conn.execute("TRUNCATE bench_ref.observation_versions")


class ObservationBody(BaseModel):
    """The same JSON as ``POST /api/observations``, parsed for types only."""

    id: uuid.UUID
    kind: str
    walk_id: uuid.UUID | None = None
    location: dict[str, Any]
    observed_at: datetime
    theme: str | None = None
    items: list[str] = []
    rating: int | None = None
    feeling: int | None = None
    works_well: bool = False
    comment: str | None = None
    category: str | None = None


def _conn(request: Request) -> Iterator[psycopg.Connection[Any]]:
    with request.app.state.pool.connection() as conn:
        yield conn


Conn = Annotated[psycopg.Connection[Any], Depends(_conn)]


def create_app(settings: Settings) -> FastAPI:
    """The reference app on ``settings.database_url`` with the app's pool settings."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = make_pool(
            settings.database_url or "",
            min_size=settings.pool_min,
            max_size=settings.pool_max,
            timeout=settings.db_timeout_s,
            statement_timeout_ms=settings.statement_timeout_ms,
        )
        pool.open(wait=False)
        app.state.pool = pool
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/observations", status_code=201)
    def insert(body: ObservationBody, conn: Conn) -> JSONResponse:
        lon, lat = body.location["coordinates"][:2]
        params = {**body.model_dump(), "lon": lon, "lat": lat}
        row = conn.execute(INSERT, params).fetchone()
        return JSONResponse({"id": str(row[0]) if row else None}, status_code=201)

    @app.get("/nearest")
    def nearest(conn: Conn, lon: float, lat: float, limit: int = 10) -> Response:
        row = conn.execute(NEAREST, {**_anonymous(), "lon": lon, "lat": lat, "k": limit})
        found = row.fetchone()
        return Response(found[0] if found else "", media_type="application/geo+json")

    @app.get("/grid")
    def grid(conn: Conn) -> Response:
        row = conn.execute(GRID, _grid_params(settings)).fetchone()
        return Response(row[0] if row else "", media_type="application/geo+json")

    return app


def _anonymous() -> dict[str, Any]:
    """The parameters of the actors' filter for an anonymous search without filters."""
    keys = ("ground", "domain", "public", "commune", "tsquery", "status", "ids", "territory")
    return {
        **dict.fromkeys(keys),
        "discrimination": False,
        "has_hours": False,
        "staff": False,
        "today": date.today(),
    }


def _grid_params(settings: Settings) -> dict[str, Any]:
    return {
        "cell": 200,
        "k": settings.public_min_count,
        "delay": settings.public_delay_days,
        "published": "publiee",
        "demo": False,
        "kind": None,
        "theme": None,
    }


def app_from_env() -> FastAPI:
    """uvicorn factory: settings from the environment (``DATABASE_URL`` …), like the app."""
    return create_app(Settings.from_env())
