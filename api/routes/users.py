"""Staff accounts (minimal): the admin creates facilitators and planners."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from accounts import service as accounts
from api.deps import AdminPrincipal, ConnDep, CurrentPrincipal
from api.routing import StrictJSONRoute
from api.schemas import Me, UserCreate, UserCreated

router = APIRouter(prefix="/api", route_class=StrictJSONRoute, tags=["comptes"])


@router.post("/users", status_code=201, response_model=UserCreated, summary="Créer un compte")
def create_user(body: UserCreate, conn: ConnDep, _admin: AdminPrincipal) -> Any:
    user, token = accounts.create_staff(
        conn, body.login, body.role, body.display_name, body.organisation
    )
    return {"id": user.id, "login": user.login, "role": user.role, "token": token}


@router.get("/me", response_model=Me, summary="Qui suis-je ?")
def me(principal: CurrentPrincipal) -> Any:
    return {
        "role": principal.role,
        "login": principal.login,
        "user_id": principal.user_id,
        "walk_id": principal.walk_id,
    }
