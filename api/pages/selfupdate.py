"""« Vérifiez votre fiche »: the page an actor opens from the link it received by e-mail
(:mod:`actors.selfupdate`). The link is the only key: it opens one entry, is used once, and
expires; an unknown, expired or used link answers 404. The page is never cached and sends no
referrer to another site (the link is in its address); its form is posted only from this site."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from actors import selfupdate
from api.csrf import CheckedForm, check_same_origin, csrf_of
from api.deps import ConnDep
from api.routing import StrictJSONRoute
from app import selfupdate_form
from geo.errors import NotFound
from ui.templating import render

router = APIRouter(route_class=StrictJSONRoute, tags=["pages"], include_in_schema=False)

Token = Annotated[str, PathParam(max_length=200)]
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}
"""No referrer leaves for another site (the link is in the address); a same-origin one stays,
so that the browser names this site as the form's origin (« no-referrer » makes it « null »)."""


def _page(template: str, status: int = 200, **context: object) -> HTMLResponse:
    return HTMLResponse(render(f"mise_a_jour/{template}", **context), status, HEADERS)


def _gone() -> HTMLResponse:
    return _page("gone.html", 404)


@router.get("/mise-a-jour/{token}", response_class=HTMLResponse)
def form_page(token: Token, request: Request, conn: ConnDep) -> HTMLResponse:
    try:
        actor = selfupdate.actor_of_link(conn, token)
    except NotFound:
        return _gone()
    values = selfupdate.current_values(actor)
    view = selfupdate_form.form_of(actor, values, {})
    return _page("form.html", view=view, token=token, csrf=csrf_of(request))


@router.post("/mise-a-jour/{token}", response_class=HTMLResponse)
def submit(token: Token, request: Request, form: CheckedForm, conn: ConnDep) -> HTMLResponse:
    check_same_origin(request)  # a page of another site cannot post here (403)
    values = selfupdate_form.read(form)
    unchanged = form.get("action") == "inchange"
    try:
        actor = selfupdate.actor_of_link(conn, token)
        selfupdate.propose(conn, token, values, unchanged, values["note"] or None)
    except NotFound:
        return _gone()
    except selfupdate.InvalidFields as exc:
        view = selfupdate_form.form_of(actor, values, exc.errors)
        return _page("form.html", 422, view=view, token=token, csrf=csrf_of(request))
    return _page("thanks.html", name=actor.nom, unchanged=unchanged)
