"""The back office's home: the role's screens."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ConnDep, CurrentPrincipal
from api.pages.staff_page import staff_page
from api.routing import StrictJSONRoute
from surveys.service import moderation

router = APIRouter(route_class=StrictJSONRoute, tags=["équipe"], include_in_schema=False)


@router.get("/equipe", response_class=HTMLResponse)
def home(request: Request, conn: ConnDep, principal: CurrentPrincipal) -> HTMLResponse:
    waiting = None
    if principal.has_role(*moderation.MODERATORS):
        waiting = moderation.waiting(conn, principal)
    return staff_page(request, principal, "home.html", waiting=waiting)
