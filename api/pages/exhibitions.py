"""The exhibitions coverage page: one map and its tables (:func:`app.maps.exhibitions_page`)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import ConnDep, Generation, SettingsDep
from api.params.exhibitions import Year
from api.routing import StrictJSONRoute
from app import maps

router = APIRouter(prefix="/expositions", route_class=StrictJSONRoute, tags=["pages"])


@router.get(
    "/couverture",
    response_class=HTMLResponse,
    summary="Couverture des établissements prioritaires (carte et tableaux)",
)
def coverage(
    conn: ConnDep, settings: SettingsDep, generation: Generation, year: Year
) -> HTMLResponse:
    return HTMLResponse(maps.exhibitions_page(conn, settings, generation, year))
