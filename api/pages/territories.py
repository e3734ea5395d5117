"""Territories side by side (issue 20): ``/territoires`` (page) and ``/api/territories``
(JSON), the same protected table (:mod:`planning.territories`) whatever address serves it."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ConnDep, SettingsDep
from api.routing import StrictJSONRoute
from app.configs import survey_config_from
from planning import territories
from surveys.service import public
from ui.templating import render

router = APIRouter(route_class=StrictJSONRoute, tags=["territoires"])


def _comparison(request: Request, conn: Any, settings: Any) -> territories.Comparison:
    default = request.app.state.settings.territory
    config = survey_config_from(settings)

    def published(territory_id: str) -> int:
        body = public.observations(conn, replace(config, territory=territory_id))
        return int(body["total_publie"])

    return territories.compare(conn, default, settings.public_min_count, published)


@router.get("/api/territories", summary="Territoires comparés (effectifs < k masqués)")
def territories_json(request: Request, conn: ConnDep, settings: SettingsDep) -> Any:
    return asdict(_comparison(request, conn, settings))


@router.get("/territoires", response_class=HTMLResponse, include_in_schema=False)
def territories_page(request: Request, conn: ConnDep, settings: SettingsDep) -> HTMLResponse:
    return HTMLResponse(
        render(
            "planning/territories.html",
            view=_comparison(request, conn, settings),
            inline_css=None,
        )
    )
