"""``GET /health``: liveness plus what the database runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from psycopg_pool import ConnectionPool

from api.deps import get_pool
from api.routing import StrictJSONRoute
from geo import qpv
from geo.postgis import postgis_version

router = APIRouter(route_class=StrictJSONRoute, tags=["santé"])


@router.get("/health", summary="État du service et de la base")
def health(pool: Annotated[ConnectionPool, Depends(get_pool)]) -> JSONResponse:
    """200 with the PostGIS version when the database answers; 503 otherwise (within ~2 s)."""
    try:
        with pool.connection(timeout=2.0) as conn:
            version = postgis_version(conn)
            server = conn.info.server_version
            gens = qpv.generations(conn)
    except Exception:  # the database is down, slow or unreachable
        return JSONResponse(
            {"status": "unavailable", "detail": "base de données indisponible"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    return JSONResponse(
        {
            "status": "ok",
            "postgis": version,
            "postgresql": f"{server // 10000}.{server % 10000}",
            "qpv_generations": gens,
        }
    )
