"""Planning JSON: per-QPV dashboards, their comparison and overview, hotspots."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

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
from planning import dashboard, hotspots
from planning import policy as planning_policy

router = APIRouter(route_class=StrictJSONRoute, tags=["tableaux de bord"])


@router.get(
    "/api/qpv/{code}/dashboard",
    summary="Tableau de bord d'égalité d'un QPV (public agrégé, ou détaillé pour l'équipe)",
)
def qpv_dashboard(
    code: Code,
    conn: ConnDep,
    config: PlanningConfigDep,
    principal: MaybePrincipal,
    year: Year = None,
    demo: Demo = False,
) -> dict[str, Any]:
    """Observations by theme and time slot, feeling of safety by slot and month, GUSP issues
    and median time to resolution, actions by status and owner, nearest actor per ground,
    exhibitions in its schools, population, and the absences. Anonymous callers get the public
    version: counts under ``public_min_count`` are ``null``."""
    audience = planning_policy.audience(principal)
    return dashboard.dashboard(conn, config, code, year, audience, demo)


@router.get("/api/dashboards/compare", summary="Tableaux de bord de 2 à 6 QPV côte à côte")
def compare(
    conn: ConnDep,
    config: PlanningConfigDep,
    principal: MaybePrincipal,
    codes: Annotated[
        list[str],
        Query(max_length=200, description="Codes QPV (séparés par des virgules ou répétés)"),
    ],
    year: Year = None,
    demo: Demo = False,
) -> dict[str, Any]:
    audience = planning_policy.audience(principal)
    return dashboard.compare(conn, config, split_codes(codes), year, audience, demo)


@router.get(
    "/api/dashboards/overview", summary="Tous les QPV du territoire : chiffres clés et absences"
)
def overview(
    conn: ConnDep,
    config: PlanningConfigDep,
    principal: MaybePrincipal,
    year: Year = None,
    demo: Demo = False,
) -> dict[str, Any]:
    audience = planning_policy.audience(principal)
    return dashboard.overview(conn, config, year, audience, demo)


@router.get(
    "/api/hotspots",
    summary="Zones d'insécurité ressentie (DBSCAN), équipe",
    response_class=JSONResponse,
    responses={200: {"content": {"application/geo+json": {}}}},
)
def get_hotspots(
    conn: ConnDep,
    principal: MaybePrincipal,
    params: HotspotParamsDep,
    settings: SettingsDep,
    demo: Demo = False,
) -> JSONResponse:
    """Clusters of walk observations with a low feeling of safety (``ST_ClusterDBSCAN`` in
    EPSG:2154) with their dominant themes and time slots, largest first."""
    body = hotspots.hotspots(conn, principal, params, demo, settings.public_min_count)
    return JSONResponse(body, media_type="application/geo+json")
