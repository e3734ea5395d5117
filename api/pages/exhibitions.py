"""The exhibitions coverage page: one map and its tables (the builder in ``maps`` stays pure)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import ConnDep, SettingsDep
from api.params.exhibitions import CoverageDep
from api.routing import StrictJSONRoute
from app.tiles import tiles_of
from geo import territory
from geo.qpv import repo as qpv_repo
from maps.exhibitions import coverage_page

router = APIRouter(prefix="/expositions", route_class=StrictJSONRoute, tags=["pages"])


@router.get(
    "/couverture",
    response_class=HTMLResponse,
    summary="Couverture des établissements prioritaires (carte et tableaux)",
)
def coverage(coverage: CoverageDep, conn: ConnDep, settings: SettingsDep) -> HTMLResponse:
    area = territory.get(conn, settings.territory)
    fc = json.loads(qpv_repo.feature_collection(conn, coverage.generation, area.bounds))
    codes = {q.code for q in coverage.qpv}
    fc["features"] = [f for f in fc["features"] if f["properties"]["code"] in codes]
    query = urlencode({"school_year": str(coverage.school_year), "generation": coverage.generation})
    page = coverage_page(
        coverage, fc, tiles_of(settings), area.bounds, f"/api/exhibitions/coverage.csv?{query}"
    )
    return HTMLResponse(page)
