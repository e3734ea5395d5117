"""From observation to action: routing rules and the action plan (planners)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api.deps import ConnDep, CurrentPrincipal
from api.routing import StrictJSONRoute
from api.schemas_surveys import ActionCreate, ActionLinkIn, ActionTransitionIn, RoutingRuleIn
from surveys.service import actions, followup

router = APIRouter(prefix="/api", route_class=StrictJSONRoute, tags=["suivi et plan d'action"])


@router.get("/routing-rules", summary="Règles d'orientation (catégorie, QPV → organisme)")
def list_rules(conn: ConnDep, principal: CurrentPrincipal) -> Any:
    return followup.list_rules(conn, principal)


@router.put("/routing-rules", summary="Créer ou remplacer une règle d'orientation")
def set_rule(body: RoutingRuleIn, conn: ConnDep, principal: CurrentPrincipal) -> JSONResponse:
    """A rule for a category everywhere (``qpv_code`` null) or in one QPV; the QPV rule wins."""
    created, rule = followup.set_rule(
        conn, principal, body.category, body.qpv_code, body.body, body.note
    )
    return JSONResponse(jsonable_encoder(rule), status_code=201 if created else 200)


@router.delete("/routing-rules/{rule_id}", status_code=204, summary="Supprimer une règle")
def delete_rule(rule_id: int, conn: ConnDep, principal: CurrentPrincipal) -> Response:
    followup.delete_rule(conn, principal, rule_id)
    return Response(status_code=204)


@router.post("/actions", status_code=201, summary="Créer une action du plan")
def create_action(body: ActionCreate, conn: ConnDep, principal: CurrentPrincipal) -> Any:
    return actions.create(conn, principal, body.to_input())


@router.get("/actions", summary="Actions, filtrées par état, marche ou QPV")
def list_actions(
    conn: ConnDep,
    principal: CurrentPrincipal,
    status: Annotated[str | None, Query(max_length=10, description="open ou closed")] = None,
    walk_id: uuid.UUID | None = None,
    qpv: Annotated[
        str | None, Query(max_length=16, pattern=r"^Q[PN][0-9]{5}[0-9A-Z]$", description="Code QPV")
    ] = None,
) -> Any:
    return actions.list_actions(conn, principal, status, walk_id, qpv)


@router.get("/actions/open", summary="Actions ouvertes par marche et par QPV (un appel)")
def open_actions(conn: ConnDep, principal: CurrentPrincipal) -> Any:
    return actions.open_by_walk_and_qpv(conn, principal)


@router.get("/actions/{action_id}", summary="Une action")
def get_action(action_id: uuid.UUID, conn: ConnDep, principal: CurrentPrincipal) -> Any:
    return actions.get(conn, principal, action_id)


@router.post("/actions/{action_id}/observations", summary="Lier des observations à l'action")
def link_observations(
    action_id: uuid.UUID, body: ActionLinkIn, conn: ConnDep, principal: CurrentPrincipal
) -> Any:
    return actions.link(conn, principal, action_id, tuple(body.observation_ids))


@router.post("/actions/{action_id}/transitions", summary="Faire avancer une action")
def action_transition(
    action_id: uuid.UUID, body: ActionTransitionIn, conn: ConnDep, principal: CurrentPrincipal
) -> Any:
    """``valider``, ``demarrer``, ``realiser``, ``abandonner`` (motif obligatoire)."""
    return actions.transition(conn, principal, action_id, body.action, body.comment)
