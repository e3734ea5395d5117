"""Facilitators' screens: the walks, a new walk (with its pair and its stops), one walk with
its lifecycle, stops, history and the observations as they arrive."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from api.csrf import CheckedForm
from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.pages import walk_form
from api.pages.staff_page import done, form_text, staff_page
from api.params.surveys import SurveyConfigDep
from api.routing import StrictJSONRoute
from app.backoffice import walks as views
from geo.errors import DomainError, Forbidden, NotFound
from surveys.service import walks
from ui.paging import listing

router = APIRouter(route_class=StrictJSONRoute, tags=["équipe"], include_in_schema=False)

WalkId = Annotated[uuid.UUID, PathParam(description="Identifiant de la marche")]


@router.get("/equipe/marches", response_class=HTMLResponse)
def walk_list(
    request: Request, conn: ConnDep, settings: SettingsDep, principal: CurrentPrincipal
) -> HTMLResponse:
    rows = views.walk_rows(conn, principal, settings.qpv_generation)
    table = listing(
        "/equipe/marches",
        {k: v for k, v in request.query_params.items() if k in ("tri", "ordre", "page")},
        rows,
        views.WALK_COLUMNS,
        views.WALK_SORT,
        "day",
        default_ascending=False,
    )
    return staff_page(request, principal, "walks.html", table=table)


def _form_page(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    values: walk_form.WalkFormValues,
    status: int = 200,
    walk_id: uuid.UUID | None = None,
) -> HTMLResponse:
    others = [
        (w.id, f"{w.title} — {w.day}, {w.slot}")
        for w in views.walk_rows(conn, principal, settings.qpv_generation)
        if w.id != str(walk_id)
    ]
    fields = walk_form.fields(values, views.qpv_options(conn, settings.qpv_generation), others)
    return staff_page(
        request,
        principal,
        "walk_form.html",
        status=status,
        fields=fields,
        errors=values.errors,
        tiles=settings.tile_url,
        action=f"/equipe/marches/{walk_id}/modifier" if walk_id else "/equipe/marches/nouvelle",
        editing=walk_id is not None,
    )


@router.get("/equipe/marches/nouvelle", response_class=HTMLResponse)
def new_walk(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    apparier: uuid.UUID | None = None,
) -> HTMLResponse:
    values = walk_form.WalkFormValues(paired=str(apparier) if apparier else "")
    return _form_page(request, conn, settings, principal, values)


@router.post("/equipe/marches/nouvelle", response_class=HTMLResponse)
def create_walk(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    config: SurveyConfigDep,
    principal: CurrentPrincipal,
) -> Response:
    values = walk_form.read(form)
    data = walk_form.validate(values)
    if data is not None:
        try:
            created = walks.create_walk(conn, principal, data, config)
        except DomainError as exc:
            values.errors = walk_form.service_error(exc.message)
        else:
            return done(f"/equipe/marches/{created['id']}", "marche_creee")
    return _form_page(request, conn, settings, principal, values, status=422)


@router.get("/equipe/marches/{walk_id}/modifier", response_class=HTMLResponse)
def edit_walk(
    walk_id: WalkId,
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> HTMLResponse:
    walk = walks.get_walk(conn, principal, walk_id)
    if not walk.get("invite_code"):
        raise Forbidden("seules les personnes qui animent cette marche peuvent la modifier")
    return _form_page(request, conn, settings, principal, walk_form.from_walk(walk), 200, walk_id)


@router.post("/equipe/marches/{walk_id}/modifier", response_class=HTMLResponse)
def save_walk(
    walk_id: WalkId,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    config: SurveyConfigDep,
    principal: CurrentPrincipal,
) -> Response:
    values = walk_form.read(form)
    data = walk_form.validate(values)
    if data is not None:
        try:
            walks.update_walk(conn, principal, walk_id, data, config)
        except NotFound:
            raise
        except DomainError as exc:
            values.errors = walk_form.service_error(exc.message)
        else:
            return done(f"/equipe/marches/{walk_id}", "marche_modifiee")
    return _form_page(request, conn, settings, principal, values, 422, walk_id)


@router.get("/equipe/marches/{walk_id}", response_class=HTMLResponse)
def walk_page(
    walk_id: WalkId,
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> HTMLResponse:
    detail = views.walk_detail(conn, principal, walk_id, settings.qpv_generation)
    return staff_page(request, principal, "walk.html", walk=detail, error=None)


@router.post("/equipe/marches/{walk_id}/texte", response_class=HTMLResponse)
def walk_text(
    walk_id: WalkId,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    version = form_text(form, "version", 20)
    text = form_text(form, "text", 20_000)
    try:
        walks.write_text(conn, principal, walk_id, version, text)
    except NotFound:
        raise
    except DomainError as exc:
        detail = views.walk_detail(conn, principal, walk_id, settings.qpv_generation)
        return staff_page(
            request, principal, "walk.html", status=422, walk=detail, error=exc.message
        )
    return done(f"/equipe/marches/{walk_id}", "texte_enregistre")


@router.post("/equipe/marches/{walk_id}/etat", response_class=HTMLResponse)
def walk_step(
    walk_id: WalkId,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    action = form_text(form, "action", 40)
    comment = form_text(form, "comment", 2000) or None
    try:
        walks.transition(conn, principal, walk_id, action, comment)
    except DomainError as exc:
        detail = views.walk_detail(conn, principal, walk_id, settings.qpv_generation)
        return staff_page(
            request, principal, "walk.html", status=409, walk=detail, error=exc.message
        )
    return done(f"/equipe/marches/{walk_id}", "etat_change")
