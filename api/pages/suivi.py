"""The walker's « suivi » page, opened with the link she keeps: French, no script, never
cached, no referrer (the link is her key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from api.deps import ConnDep
from api.routing import StrictJSONRoute
from surveys.service import suivi
from ui.templating import render

router = APIRouter(route_class=StrictJSONRoute, tags=["pages"])


@router.get("/suivi/{token}", response_class=HTMLResponse, summary="Suivi d'une participante")
def suivi_page(token: Annotated[str, PathParam(max_length=200)], conn: ConnDep) -> HTMLResponse:
    view = suivi.of_link(conn, token)
    return HTMLResponse(
        render("suivi/page.html", view=view),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
