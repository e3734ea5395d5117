"""GDPR: a participant exports or erases what they submitted, with their walk token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.cache import forget_public_aggregates
from api.deps import ConnDep, CurrentPrincipal
from api.routing import StrictJSONRoute
from api.schemas_accounts import Erased
from surveys import privacy

router = APIRouter(prefix="/api/me", route_class=StrictJSONRoute, tags=["confidentialité"])


@router.get("/export", summary="Exporter tout ce que j'ai envoyé (JSON)")
def export(conn: ConnDep, principal: CurrentPrincipal) -> JSONResponse:
    """Pseudonym, walk, every observation with all its versions (point, texts), photos (links
    usable with the same token) and states."""
    return JSONResponse(
        privacy.export(conn, principal),
        headers={"Content-Disposition": 'attachment; filename="mes-donnees-cartegalite.json"'},
    )


@router.delete("", response_model=Erased, summary="Effacer tout ce que j'ai envoyé")
def erase(request: Request, conn: ConnDep, principal: CurrentPrincipal) -> Any:
    """Observations, their versions and photos, the pseudonym; the token stops working. The
    public counts are recomputed from what remains."""
    erased = privacy.erase(conn, principal)
    forget_public_aggregates(request)
    return erased
