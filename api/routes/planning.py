"""Planning JSON: per-QPV dashboards, their comparison and overview, hotspots."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse

from api.deps import ConnDep, MaybePrincipal, SettingsDep, generation_param
from api.routing import StrictJSONRoute
from app.settings import Settings
from planning import dashboard, hotspots
from planning import policy as planning_policy
from planning.models import HotspotParams, PlanningConfig

router = APIRouter(route_class=StrictJSONRoute, tags=["tableaux de bord"])


def planning_config_from(settings: Settings, generation: int | None = None) -> PlanningConfig:
    """The planning part of the settings, as the domain services take it."""
    return PlanningConfig(
        territory=settings.territory,
        generation=generation or settings.qpv_generation,
        public_min_count=settings.public_min_count,
        public_delay_days=settings.public_delay_days,
        actor_distance_m=settings.planning_actor_distance_m,
        school_distance_m=settings.exhibitions_qpv_distance_m,
    )


def planning_config(
    settings: SettingsDep, generation: Annotated[int, Depends(generation_param)]
) -> PlanningConfig:
    return planning_config_from(settings, generation)


PlanningConfigDep = Annotated[PlanningConfig, Depends(planning_config)]
Year = Annotated[int | None, Query(description="Année civile (défaut : l'année en cours)")]
Demo = Annotated[bool, Query(description="Données de démonstration à la place")]
Code = Annotated[str, Path(pattern=r"^Q[PN][0-9]{5}[0-9A-Z]$", description="Code du QPV")]


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


def split_codes(values: list[str]) -> list[str]:
    """``["QP044005,QP044013", "QP044007"]`` → the three codes (repeated or comma-separated)."""
    return [code for value in values for code in value.split(",")][:20]


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


def hotspot_params(
    eps_m: Annotated[int, Query(description="Rayon DBSCAN en mètres (10 à 1000)")] = 60,
    min_points: Annotated[int, Query(description="Observations minimales (2 à 100)")] = 4,
    max_feeling: Annotated[
        int, Query(description="Sentiment de sécurité au plus (0 à 2, échelle 0–3)")
    ] = 1,
    since: Annotated[date | None, Query(description="Depuis (AAAA-MM-JJ)")] = None,
    until: Annotated[date | None, Query(description="Jusqu'au (AAAA-MM-JJ)")] = None,
    qpv: Annotated[
        str | None, Query(pattern=r"^Q[PN][0-9]{5}[0-9A-Z]$", description="Un seul QPV")
    ] = None,
) -> HotspotParams:
    return HotspotParams(eps_m, min_points, max_feeling, since, until, qpv).check()


HotspotParamsDep = Annotated[HotspotParams, Depends(hotspot_params)]


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
