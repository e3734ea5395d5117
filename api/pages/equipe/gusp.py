"""GUSP managers' (planners') screens: the reports to triage (by follow-up state and QPV), one
report with its follow-up (take into account, hand to the responsible body — the routing rule
when none is named —, reject with a reason…) and the actions answering it, and the action plan,
overdue first, per QPV."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from api.cache import forget_public_aggregates
from api.csrf import CheckedForm
from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.pages.staff_page import done, form_text, staff_page
from api.routing import StrictJSONRoute
from app.backoffice import gusp as views
from app.backoffice.walks import qpv_options
from app.delivery import notify_body
from geo.errors import DomainError, NotFound
from surveys.models import ActionInput, TransitionInput
from surveys.service import actions, followup

router = APIRouter(route_class=StrictJSONRoute, tags=["équipe"], include_in_schema=False)

ObsId = Annotated[uuid.UUID, PathParam(description="Identifiant de l'observation")]
ActionId = Annotated[uuid.UUID, PathParam(description="Identifiant de l'action")]
QpvFilter = Annotated[str | None, Query(max_length=16, pattern=r"^(Q[PN][0-9]{5}[0-9A-Z])?$")]


@router.get("/equipe/signalements", response_class=HTMLResponse)
def report_list(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    etat: str = "open",
    qpv: QpvFilter = None,
) -> HTMLResponse:
    category = etat if etat in views.CATEGORIES else "open"
    rows = views.reports(conn, principal, category, qpv)
    return staff_page(
        request,
        principal,
        "reports.html",
        rows=rows,
        category=category,
        categories=views.CATEGORIES,
        qpv=qpv or "",
        quartiers=qpv_options(conn, settings.qpv_generation),
    )


def _detail(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    obs_id: uuid.UUID,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    detail = views.report_detail(conn, principal, obs_id, settings.qpv_generation)
    return staff_page(
        request,
        principal,
        "report.html",
        status=status,
        report=detail,
        error=error,
        values=values or {},
    )


@router.get("/equipe/signalements/{obs_id}", response_class=HTMLResponse)
def report_page(
    obs_id: ObsId,
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> HTMLResponse:
    return _detail(request, conn, settings, principal, obs_id)


@router.post("/equipe/signalements/{obs_id}/suivi", response_class=HTMLResponse)
def report_step(
    obs_id: ObsId,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    data = TransitionInput(
        form_text(form, "action", 40),
        form_text(form, "comment", 2000) or None,
        form_text(form, "responsible_body", 200) or None,
    )
    try:
        followup.transition(conn, principal, obs_id, data)
    except NotFound:
        raise
    except DomainError as exc:
        return _detail(request, conn, settings, principal, obs_id, exc.message, status=409)
    forget_public_aggregates(request)
    if data.action == "transmettre":
        notify_body(conn, settings, obs_id)
    return done(f"/equipe/signalements/{obs_id}", "suivi_change")


@router.post("/equipe/signalements/{obs_id}/action", response_class=HTMLResponse)
def report_action(
    obs_id: ObsId,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    values = {
        k: form_text(form, k, 2000) for k in ("title", "owner_org", "due_date", "description")
    }
    error = None
    due: date | None = None
    if not values["title"] or not values["owner_org"]:
        error = "l'intitulé de l'action et l'organisme qui la porte sont obligatoires"
    elif values["due_date"]:
        try:
            due = date.fromisoformat(values["due_date"])
        except ValueError:
            error = "échéance invalide (date attendue, ex. 2027-03-31)"
    if error is None:
        data = ActionInput(
            values["title"][:200],
            values["owner_org"][:200],
            values["description"] or None,
            due,
            (obs_id,),
        )
        try:
            actions.create(conn, principal, data)
        except NotFound:
            raise
        except DomainError as exc:
            error = exc.message
    if error is not None:
        return _detail(request, conn, settings, principal, obs_id, error, values, status=422)
    return done(f"/equipe/signalements/{obs_id}", "action_creee")


@router.get("/equipe/actions", response_class=HTMLResponse)
def action_plan(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    qpv: QpvFilter = None,
) -> HTMLResponse:
    rows = views.action_plan(conn, principal, qpv, settings.qpv_generation)
    return staff_page(
        request,
        principal,
        "actions.html",
        rows=rows,
        qpv=qpv or "",
        quartiers=qpv_options(conn, settings.qpv_generation),
        error=None,
    )


@router.post("/equipe/actions/{action_id}/etat", response_class=HTMLResponse)
def action_step(
    action_id: ActionId,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    back = form_text(form, "retour", 300)
    target = back if back.startswith("/equipe/") and "//" not in back else "/equipe/actions"
    try:
        actions.transition(
            conn,
            principal,
            action_id,
            form_text(form, "action", 40),
            form_text(form, "comment", 2000) or None,
        )
    except NotFound:
        raise
    except DomainError as exc:
        rows = views.action_plan(conn, principal, None, settings.qpv_generation)
        return staff_page(
            request,
            principal,
            "actions.html",
            status=409,
            rows=rows,
            qpv="",
            quartiers=qpv_options(conn, settings.qpv_generation),
            error=exc.message,
        )
    path, _, query = target.partition("?")
    return done(path, "action_changee", **{k: v for k, v in parse_qsl(query) if k == "qpv"})


def _rules_page(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return staff_page(
        request,
        principal,
        "rules.html",
        status=status,
        rules=views.rule_rows(conn, principal, settings.qpv_generation),
        categories=views.category_options(),
        quartiers=qpv_options(conn, settings.qpv_generation),
        values=values or {},
        errors=errors or {},
    )


@router.get("/equipe/orientation", response_class=HTMLResponse)
def rules_page(
    request: Request, conn: ConnDep, settings: SettingsDep, principal: CurrentPrincipal
) -> HTMLResponse:
    return _rules_page(request, conn, settings, principal)


@router.post("/equipe/orientation", response_class=HTMLResponse)
def set_rule(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    values = {k: form_text(form, k, 500) for k in ("category", "qpv", "body", "note")}
    errors: dict[str, str] = {}
    if not values["body"]:
        errors["body"] = "indiquez l'organisme responsable"
    if not errors:
        try:
            followup.set_rule(
                conn,
                principal,
                values["category"],
                values["qpv"] or None,
                values["body"][:200],
                values["note"] or None,
            )
        except DomainError as exc:
            errors["qpv" if "QPV" in exc.message or "territoire" in exc.message else "category"] = (
                exc.message
            )
    if errors:
        return _rules_page(request, conn, settings, principal, values, errors, status=422)
    return done("/equipe/orientation", "regle_enregistree")


@router.post("/equipe/orientation/{rule_id}/supprimer", response_class=HTMLResponse)
def delete_rule(
    rule_id: int, request: Request, form: CheckedForm, conn: ConnDep, principal: CurrentPrincipal
) -> Response:
    followup.delete_rule(conn, principal, rule_id)
    return done("/equipe/orientation", "regle_supprimee")
