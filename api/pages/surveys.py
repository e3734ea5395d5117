"""Public map page of the surveys: the aggregated picture only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.deps import ConnDep, SettingsDep
from api.pages.maps import tiles_from
from api.routes.surveys_common import SurveyConfigDep
from api.routing import StrictJSONRoute
from geo import territory
from maps.surveys import public_observations_map
from surveys.models import DEMO_LABEL
from surveys.service import public

router = APIRouter(prefix="/cartes", route_class=StrictJSONRoute, tags=["cartes"])


@router.get("/observations", response_class=HTMLResponse, summary="Carte agrégée des observations")
def observations_page(
    conn: ConnDep,
    settings: SettingsDep,
    config: SurveyConfigDep,
    demo: Annotated[bool, Query(description="Données de démonstration à la place")] = False,
) -> HTMLResponse:
    body = public.observations(conn, config, demo=demo)
    area = territory.get(conn, settings.territory)
    page = public_observations_map(
        body, body["methode"], tiles_from(settings), area.bounds, DEMO_LABEL if demo else None
    )
    return HTMLResponse(page)
