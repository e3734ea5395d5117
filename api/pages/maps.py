"""Map pages rendered with Folium from data fetched here (the builders in ``maps`` stay pure)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.deps import ConnDep, Generation, SettingsDep
from api.routing import StrictJSONRoute
from app.map_pages import render_map_page
from app.tiles import tiles_of
from geo import qpv, territory
from maps.qpv_map import qpv_map
from sports import service as sports

router = APIRouter(prefix="/cartes", route_class=StrictJSONRoute, tags=["cartes"])


@router.get("/qpv", response_class=HTMLResponse, summary="Carte des quartiers prioritaires")
def qpv_page(
    conn: ConnDep,
    settings: SettingsDep,
    generation: Generation,
    equipements: Annotated[
        bool, Query(description="Ajouter la couche des équipements sportifs (Data ES)")
    ] = False,
    code: Annotated[
        str | None, Query(max_length=16, description="Équipements rattachés à ce QPV seulement")
    ] = None,
) -> HTMLResponse:
    area = territory.get(conn, settings.territory)
    fc = json.loads(qpv.feature_collection(conn, generation, area.bounds, settings.territory))
    facilities = (
        json.loads(sports.collection(conn, settings.territory, code)) if equipements else None
    )
    page = qpv_map(fc, generation, tiles_of(settings), area.bounds, facilities)
    return HTMLResponse(render_map_page(page))
