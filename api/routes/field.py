"""The walkers' field app API: the observation grid, one's own observations, corrections and
deletions by their authors."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.params.surveys import SurveyConfigDep
from api.routing import StrictJSONRoute
from api.schemas_field import CorrectionIn
from app import field_help
from surveys.grid import grid_document
from surveys.service import corrections

router = APIRouter(prefix="/api", route_class=StrictJSONRoute, tags=["application de terrain"])


@router.get("/grid", summary="La grille d'observation (thèmes, éléments, échelles, catégories)")
async def get_grid() -> JSONResponse:
    """Public and static: the six principles of the French method with their items, the 0–3
    scales with their labels, the GUSP categories (``surveys/grid.toml``)."""
    return JSONResponse(grid_document(), headers={"Cache-Control": "public, max-age=300"})


@router.get("/walks/{walk_id}/aide", summary="Aide sur place : numéros et lieux d'aide proches")
def walk_help(
    walk_id: uuid.UUID, conn: ConnDep, settings: SettingsDep, principal: CurrentPrincipal
) -> Any:
    """What the field app keeps when a walker joins, to show at once (offline too) when an
    observation records harassment or hate: the emergency and help lines with their sources,
    which items trigger it, and the three nearest public support actors for each ground."""
    return field_help.walk_help(conn, settings, principal, walk_id)


@router.get("/me/observations", summary="Mes observations (autrice ou auteur)")
def my_observations(conn: ConnDep, principal: CurrentPrincipal) -> Any:
    """The caller's own observations, newest first (current versions), each with ``editable``
    and, when it is not, ``locked_reason`` in French (walk closed, already handled)."""
    return corrections.authored(conn, principal)


@router.patch(
    "/observations/{obs_id}",
    summary="Corriger sa propre observation (nouvelle version)",
    responses={
        404: {"description": "Inconnue ou invisible pour ce jeton"},
        403: {"description": "Observation de quelqu'un d'autre"},
        409: {
            "description": "Marche close, déjà traitée, ou version dépassée (rien n'est modifié)"
        },
    },
)
def correct_observation(
    obs_id: uuid.UUID,
    body: CorrectionIn,
    conn: ConnDep,
    principal: CurrentPrincipal,
    config: SurveyConfigDep,
) -> Any:
    """Writes version ``base_version + 1``; the original is kept. Resending the same correction
    answers 200 with the same version (nothing written twice). Photos left out of ``photo_ids``
    are erased."""
    _created, observation = corrections.correct(conn, principal, obs_id, body.to_input(), config)
    return observation


@router.delete(
    "/observations/{obs_id}",
    status_code=204,
    summary="Supprimer sa propre observation (et ses photos)",
    responses={409: {"description": "Marche close ou observation déjà traitée"}},
)
def delete_observation(obs_id: uuid.UUID, conn: ConnDep, principal: CurrentPrincipal) -> Response:
    """Erases the observation, its versions and photos; 404 afterwards."""
    corrections.delete(conn, principal, obs_id)
    return Response(status_code=204)
