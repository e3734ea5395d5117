"""« Sports et femmes » over HTTP: counts of who is present (``POST /api/presence``), the
sports facilities (GeoJSON) and a QPV's section of the dashboard (JSON)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Response
from fastapi import Path as PathParam
from pydantic import AwareDatetime, Field

from api.deps import ConnDep, CurrentPrincipal, MaybePrincipal, SettingsDep
from api.params.surveys import SurveyConfigDep
from api.routing import StrictJSONRoute
from api.schemas import StrictModel
from planning import policy as planning_policy
from planning import sport
from planning.models import Audience
from sports import service as sports
from surveys import presence
from surveys.service import presence as service

router = APIRouter(route_class=StrictJSONRoute, tags=["sports et femmes"])


class PresenceIn(StrictModel):
    id: uuid.UUID = Field(description="Identifiant créé par l'appareil (un renvoi ne duplique pas)")
    facility_id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,40}$", description="Équipement (equip_numero)"
    )
    walk_id: uuid.UUID | None = None
    stop_id: uuid.UUID | None = None
    observed_at: AwareDatetime
    minutes: int = Field(10, ge=1, le=120, strict=True)
    counts: dict[
        Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")],
        Annotated[int, Field(ge=0, le=100_000, strict=True)],
    ] = Field(max_length=20, description="Personnes comptées par groupe de la grille")


@router.post("/api/presence", summary="Compter qui est présent (équipement ou arrêt)")
def record_presence(
    body: PresenceIn, conn: ConnDep, principal: CurrentPrincipal, config: SurveyConfigDep
) -> Response:
    raw = presence.PresenceInput(
        body.id,
        body.observed_at,
        body.minutes,
        dict(body.counts),
        body.facility_id,
        body.walk_id,
        body.stop_id,
    )
    stored, p = service.record(conn, principal, raw, config)
    content = orjson.dumps({"id": str(p.id), "counts": p.counts, "stored": stored})
    return Response(content, status_code=201 if stored else 200, media_type="application/json")


@router.get("/api/sports/facilities", summary="Équipements sportifs (GeoJSON, Data ES)")
def facilities(
    conn: ConnDep,
    settings: SettingsDep,
    qpv: Annotated[str | None, Query(max_length=16, description="Rattachés à ce QPV")] = None,
) -> Response:
    text = sports.collection(conn, settings.territory, qpv)
    return Response(text, media_type="application/geo+json")


@router.get("/api/qpv/{code}/sport", summary="Sports et femmes dans un QPV (k séances au moins)")
def qpv_sport(
    code: Annotated[str, PathParam(max_length=16)],
    conn: ConnDep,
    settings: SettingsDep,
    principal: MaybePrincipal,
) -> Any:
    """Walk stops are named for staff only; for others their sessions count in the QPV's row."""
    staff = planning_policy.audience(principal) is not Audience.PUBLIC
    return sport.section(
        conn, code.strip().upper(), settings.qpv_generation, settings.public_min_count, staff
    )
