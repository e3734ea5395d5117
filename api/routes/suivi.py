"""A walker's « suivi » over the API: what became of her observations, and a read-only link
she can keep (``/suivi/<jeton>``) that works after her walk token expired."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder

from api.deps import ConnDep, CurrentPrincipal
from api.routing import StrictJSONRoute
from surveys.service import suivi

router = APIRouter(prefix="/api/me", route_class=StrictJSONRoute, tags=["suivi"])


@router.get("/suivi", summary="Ce qu'il est advenu de mes observations")
def my_suivi(conn: ConnDep, principal: CurrentPrincipal) -> Any:
    return jsonable_encoder(suivi.of_principal(conn, principal))


@router.post("/suivi/lien", status_code=201, summary="Un lien de suivi à garder (lecture seule)")
def my_link(request: Request, conn: ConnDep, principal: CurrentPrincipal) -> Any:
    token, expires = suivi.issue_link(conn, principal)
    base = str(request.base_url).rstrip("/")
    return {"url": f"{base}/suivi/{token}", "expires_at": expires}
