"""The printable invitation of a walk: its code in large type and a QR code of the join link, so
that participants join by scanning it with their phone's camera (``/marche?code=…``).

Only the people who run the walk see it (its facilitators and admins: the invite code is
theirs to hand out). The QR code is inline SVG drawn on the server (``app.qr`` and its macro):
no script, no external request, prints sharply.
"""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from accounts.models import Role
from api.deps import ConnDep, CurrentPrincipal
from api.routing import StrictJSONRoute
from app.qr import qr_code
from geo.errors import Forbidden
from surveys.service import walks
from ui.templating import render

router = APIRouter(route_class=StrictJSONRoute, tags=["pages"])


def join_url(base_url: str, invite_code: str) -> str:
    """The link a participant opens to join: the field app with the code filled in."""
    return f"{base_url.rstrip('/')}/marche?{urlencode({'code': invite_code})}"


@router.get(
    "/marches/{walk_id}/invitation",
    response_class=HTMLResponse,
    summary="Invitation imprimable d'une marche (code et QR code)",
)
def invitation_page(
    walk_id: Annotated[uuid.UUID, PathParam(description="Identifiant de la marche")],
    request: Request,
    conn: ConnDep,
    principal: CurrentPrincipal,
) -> HTMLResponse:
    walk = walks.get_walk(conn, principal, walk_id)  # 404 when the walk is not theirs to see
    code = walk.get("invite_code")
    if not code:
        raise Forbidden("invitation réservée aux personnes qui animent cette marche")
    link = join_url(str(request.base_url), code)
    page = render(
        "walks/invitation.html",
        walk=walk,
        code=code,
        link=link,
        qr=qr_code(link, f"QR code pour rejoindre la marche : {link}"),
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


@router.get("/marches", response_class=HTMLResponse, summary="Les marches de l'équipe")
def walks_page(conn: ConnDep, principal: CurrentPrincipal) -> HTMLResponse:
    """The walks the staff member may see (a facilitator: theirs), with their invitation,
    map and report."""
    page = render(
        "walks/list.html",
        walks=walks.list_walks(conn, principal),
        hands_out=principal.role in (Role.FACILITATOR, Role.ADMIN),
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})
