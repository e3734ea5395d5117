"""Planning pages (French): the QPV overview, one QPV's dashboard, the comparison, the hotspots
and the printable walk report. Charts are SVG drawn on the server, each beside its table."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from api.deps import ConnDep, MaybePrincipal, SettingsDep
from api.params.planning import (
    Code,
    Demo,
    HotspotParamsDep,
    PlanningConfigDep,
    Year,
    split_codes,
)
from api.routing import StrictJSONRoute
from app import planning_pages as pages
from app import planning_views as views
from app.map_pages import render_map_page
from app.reports import render_report
from app.tiles import tiles_of
from geo import qpv, territory
from maps.planning import hotspot_page
from planning import dashboard, hotspots, report
from planning import policy as planning_policy
from planning import sport as sport_section
from planning.models import Audience, current_year
from planning.report import Version
from ui.templating import render

router = APIRouter(route_class=StrictJSONRoute, tags=["pages"])


def _page(name: str, **context: Any) -> HTMLResponse:
    context.setdefault("inline_css", None)
    return HTMLResponse(render(f"planning/{name}.html", **context))


@router.get("/quartiers", response_class=HTMLResponse, summary="Tous les quartiers : chiffres clés")
def overview_page(
    conn: ConnDep,
    config: PlanningConfigDep,
    principal: MaybePrincipal,
    year: Year = None,
    demo: Demo = False,
) -> HTMLResponse:
    audience = planning_policy.audience(principal)
    body = dashboard.overview(conn, config, year, audience, demo)
    k = 1 if body["audience"] == "staff" else config.public_min_count
    return _page("overview", view=views.overview(body, k))


@router.get("/quartiers/comparer", response_class=HTMLResponse, summary="Comparer des quartiers")
def compare_page(
    conn: ConnDep,
    config: PlanningConfigDep,
    principal: MaybePrincipal,
    codes: Annotated[list[str], Query(max_length=200)],
    year: Year = None,
    demo: Demo = False,
) -> HTMLResponse:
    wanted = split_codes(codes)
    body = dashboard.compare(conn, config, wanted, year, planning_policy.audience(principal), demo)
    return _page("compare", view=pages.compare(body, ",".join(wanted)))


@router.get(
    "/quartiers/zones-sensibles",
    response_class=HTMLResponse,
    summary="Carte et tableau des zones d'insécurité ressentie (équipe)",
)
def hotspots_page(
    conn: ConnDep,
    settings: SettingsDep,
    principal: MaybePrincipal,
    params: HotspotParamsDep,
    demo: Demo = False,
) -> HTMLResponse:
    fc = hotspots.hotspots(conn, principal, params, demo, settings.public_min_count)
    area = territory.get(conn, settings.territory)
    generation = settings.qpv_generation
    outlines = json.loads(qpv.feature_collection(conn, generation, area.bounds))
    page = hotspot_page(fc, tiles_of(settings), area.bounds, outlines, generation)
    return HTMLResponse(render_map_page(page))


@router.get(
    "/quartiers/{code}", response_class=HTMLResponse, summary="Tableau de bord d'un quartier"
)
def dashboard_page(
    code: Code,
    conn: ConnDep,
    config: PlanningConfigDep,
    principal: MaybePrincipal,
    year: Year = None,
    demo: Demo = False,
) -> HTMLResponse:
    audience = planning_policy.audience(principal)
    d = dashboard.dashboard(conn, config, code, year, audience, demo)
    staff = audience is not Audience.PUBLIC
    sport = pages.sport(
        sport_section.section(
            conn, d["qpv"]["code"], config.generation, config.public_min_count, staff
        )
    )
    return _page("dashboard", view=pages.dashboard(d, current_year()), sport=sport)


@router.get(
    "/marches/{walk_id}/rapport",
    response_class=HTMLResponse,
    summary="Rapport de marche imprimable (restitution, ou bilan à un an)",
)
def report_page(
    walk_id: Annotated[uuid.UUID, PathParam(description="Identifiant de la marche")],
    conn: ConnDep,
    config: PlanningConfigDep,
    principal: MaybePrincipal,
    version: Version = Version.RESTITUTION,
) -> HTMLResponse:
    body = report.walk_report(conn, principal, walk_id, config, version)
    return HTMLResponse(render_report(body))
