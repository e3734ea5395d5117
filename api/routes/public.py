"""Public outputs of the surveys: aggregates only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import PoolDep, in_thread
from api.routes.surveys_common import SurveyConfigDep
from api.routing import StrictJSONRoute
from surveys.models import Kind
from surveys.service import public

router = APIRouter(prefix="/api/public", route_class=StrictJSONRoute, tags=["public"])


@router.get(
    "/observations",
    summary="Observations agrégées (grille de 200 m, seuil minimal, délai)",
    response_class=JSONResponse,
    responses={200: {"content": {"application/geo+json": {}}}},
)
async def public_observations(
    pool: PoolDep,
    config: SurveyConfigDep,
    kind: Kind | None = None,
    theme: Annotated[
        str | None, Query(max_length=60, description="Thème (marche) ou catégorie (GUSP)")
    ] = None,
    demo: Annotated[bool, Query(description="Données de démonstration à la place")] = False,
) -> Any:
    """Counts per 200 m cell (EPSG:2154) by kind and theme, only for cells with at least *k*
    observations, published and older than the publication delay. No exact point, no text, no
    photo, no pseudonym. The method is explained in French in ``methode``."""
    body = await in_thread(pool, public.observations, config, kind, theme, demo)
    return JSONResponse(body, media_type="application/geo+json")
