"""Parameters of the planning routes and pages: settings, year, QPV code, hotspot search."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query

from api.deps import SettingsDep, generation_param
from app.configs import planning_config_from
from planning.models import HotspotParams, PlanningConfig


def planning_config(
    settings: SettingsDep, generation: Annotated[int, Depends(generation_param)]
) -> PlanningConfig:
    return planning_config_from(settings, generation)


PlanningConfigDep = Annotated[PlanningConfig, Depends(planning_config)]


Year = Annotated[int | None, Query(description="Année civile (défaut : l'année en cours)")]


Demo = Annotated[bool, Query(description="Données de démonstration à la place")]


Code = Annotated[str, Path(pattern=r"^Q[PN][0-9]{5}[0-9A-Z]$", description="Code du QPV")]


def split_codes(values: list[str]) -> list[str]:
    """``["QP044005,QP044013", "QP044007"]`` → the three codes (repeated or comma-separated)."""
    return [code for value in values for code in value.split(",")][:20]


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
