"""Public outputs of the surveys: aggregates only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from api.cache import ResponseCache
from api.deps import SettingsDep, in_thread
from api.params.surveys import SurveyConfigDep
from api.routing import StrictJSONRoute
from app.settings import Settings
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
    request: Request,
    settings: SettingsDep,
    config: SurveyConfigDep,
    kind: Kind | None = None,
    theme: Annotated[
        str | None, Query(max_length=60, description="Thème (marche) ou catégorie (GUSP)")
    ] = None,
    demo: Annotated[bool, Query(description="Données de démonstration à la place")] = False,
) -> Any:
    """Counts per 200 m cell (EPSG:2154) by kind and theme, only for cells with at least *k*
    observations, published and older than the publication delay. No exact point, no text, no
    photo, no pseudonym. The method is explained in French in ``methode``.

    Computed at most once every ``CARTEGALITE_PUBLIC_CACHE_S`` seconds per worker for each
    (kind, theme, demo): the counts only move when observations pass the publication delay or
    moderation. A recomputation reads the counts the database maintains (≈ 0.07 s over a
    million observations, measured in bench/)."""

    async def compute() -> bytes:
        return await in_thread(request, public.observations_json, config, kind, theme, demo)

    content = await _cache(request, settings).get((settings.territory, kind, theme, demo), compute)
    return Response(content, media_type="application/geo+json")


def _cache(request: Request, settings: Settings) -> ResponseCache:
    cache = getattr(request.app.state, "public_cache", None)
    if cache is None:
        cache = request.app.state.public_cache = ResponseCache(settings.public_cache_s)
    return cache
