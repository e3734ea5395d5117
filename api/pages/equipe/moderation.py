"""Moderators' screen: the queue of observations waiting for a decision (oldest first, filters
by walk, QPV and theme, paginated), each with its text and photos; publish or hide (with a
reason) one observation or every ticked one of the page. The original is kept: a decision only
changes the moderation state, with its history."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.cache import forget_public_aggregates
from api.csrf import CheckedForm
from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.pages.staff_page import done, form_text, staff_page
from api.routing import StrictJSONRoute
from app.backoffice.moderation import queue_view
from surveys.service import moderation

router = APIRouter(route_class=StrictJSONRoute, tags=["équipe"], include_in_schema=False)

ACTIONS = {"publier": "publier", "masquer": "masquer"}


def _page(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    error: str | None = None,
    refused: list[tuple[uuid.UUID, str]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    query = {
        k: v for k, v in request.query_params.items() if k in ("walk_id", "qpv", "theme") and v
    }
    try:
        number = int(request.query_params.get("page", "1"))
    except ValueError:
        number = 1
    view = queue_view(conn, principal, settings.qpv_generation, query, number)
    return staff_page(
        request,
        principal,
        "moderation.html",
        status=status,
        view=view,
        error=error,
        refused=[(str(i), m) for i, m in refused or []],
    )


@router.get("/equipe/moderation", response_class=HTMLResponse)
def queue_page(
    request: Request, conn: ConnDep, settings: SettingsDep, principal: CurrentPrincipal
) -> HTMLResponse:
    return _page(request, conn, settings, principal)


@router.post("/equipe/moderation", response_class=HTMLResponse)
def decide(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    action = ACTIONS.get(form_text(form, "action", 20))
    reason = form_text(form, "reason", 2000) or None
    ids: list[uuid.UUID] = []
    for value in form.getlist("ids"):
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    if action is None or not ids:
        message = "cochez au moins une observation et choisissez « publier » ou « masquer »"
        return _page(request, conn, settings, principal, error=message, status=422)
    if action == "masquer" and not reason:
        message = "un motif est obligatoire pour masquer (il est gardé dans l'historique)"
        return _page(request, conn, settings, principal, error=message, status=422)
    applied, refused = moderation.decide(conn, principal, ids[:100], action, reason)
    if applied:
        forget_public_aggregates(request)
    if refused:
        return _page(request, conn, settings, principal, refused=refused, status=409)
    return done("/equipe/moderation", "moderation_faite")
