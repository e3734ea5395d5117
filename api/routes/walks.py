"""Walks (marches exploratoires): create, read, list, join, lifecycle, paired comparison."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from api.deps import ConnDep, CurrentPrincipal
from api.params.surveys import SurveyConfigDep
from api.routing import StrictJSONRoute
from api.schemas_surveys import Joined, JoinIn, WalkCreate, WalkTransitionIn
from surveys.service import walks as service

router = APIRouter(prefix="/api/walks", route_class=StrictJSONRoute, tags=["marches"])


@router.post("", status_code=201, summary="Créer une marche (animation ou admin)")
def create_walk(
    body: WalkCreate, conn: ConnDep, principal: CurrentPrincipal, config: SurveyConfigDep
) -> Any:
    """201 with the walk, its stops (with their ids) and its ``invite_code``."""
    return service.create_walk(conn, principal, body.to_input(), config)


@router.get("", summary="Marches visibles par le compte")
def list_walks(conn: ConnDep, principal: CurrentPrincipal) -> Any:
    return service.list_walks(conn, principal)


@router.post("/join", response_model=Joined, summary="Rejoindre une marche avec un code")
def join_walk(body: JoinIn, conn: ConnDep, config: SurveyConfigDep) -> Any:
    """No account needed: a pseudonym and the invite code give a token scoped to the walk,
    valid until ``CARTEGALITE_PARTICIPANT_TOKEN_DAYS`` after the walk."""
    return service.join(conn, body.invite_code, body.pseudonym, config.participant_token_days)


@router.get("/{walk_id}", summary="Une marche")
def get_walk(walk_id: uuid.UUID, conn: ConnDep, principal: CurrentPrincipal) -> Any:
    return service.get_walk(conn, principal, walk_id)


@router.post("/{walk_id}/transitions", summary="Faire avancer le cycle de la marche")
def walk_transition(
    walk_id: uuid.UUID, body: WalkTransitionIn, conn: ConnDep, principal: CurrentPrincipal
) -> Any:
    """``realiser`` (préparée → réalisée), ``restituer`` (→ restituée), ``faire_bilan``."""
    return service.transition(conn, principal, walk_id, body.action, body.comment)


@router.get("/{walk_id}/participants", summary="Participantes (pseudonymes) de la marche")
def walk_participants(walk_id: uuid.UUID, conn: ConnDep, principal: CurrentPrincipal) -> Any:
    return service.participants(conn, principal, walk_id)


@router.get("/{walk_id}/comparison", summary="Comparer les étapes avec la marche appariée")
def walk_comparison(walk_id: uuid.UUID, conn: ConnDep, principal: CurrentPrincipal) -> Any:
    """Day and night walks of the same route, stop by stop (equipe only)."""
    return service.comparison(conn, principal, walk_id)
