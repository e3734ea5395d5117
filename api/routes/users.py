"""Staff accounts: the admin creates them, sets passwords and planner territories; the audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from accounts import audit
from accounts import service as accounts
from accounts.models import Role, User
from api.deps import AdminPrincipal, ConnDep, CurrentPrincipal, SettingsDep
from api.routing import StrictJSONRoute
from api.schemas import Me, UserCreate, UserCreated
from api.schemas_accounts import AuditEntry, PasswordIn, UserOut, UserPatch

router = APIRouter(prefix="/api", route_class=StrictJSONRoute, tags=["comptes"])

Login = Annotated[str, Path(max_length=63, pattern=r"^[a-z0-9][a-z0-9._-]+$")]


def _out(user: User) -> dict[str, Any]:
    return {
        **{k: getattr(user, k) for k in ("id", "login", "role", "display_name", "organisation")},
        "scope_qpv": list(user.scope_qpv) if user.scope_qpv is not None else None,
        "scope_communes": list(user.scope_communes) if user.scope_communes is not None else None,
        "disabled": user.disabled,
        "has_password": user.has_password,
    }


@router.post("/users", status_code=201, response_model=UserCreated, summary="Créer un compte")
def create_user(
    body: UserCreate,
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    _admin: AdminPrincipal,
) -> Any:
    """With ``password`` the account can log in (``POST /api/auth/login``); the token returned
    here expires like a session. ``scope_qpv``/``scope_communes`` restrict a planner."""
    user, token = accounts.create_staff(
        conn,
        body.login,
        body.role,
        body.display_name,
        body.organisation,
        password=body.password,
        scope={"scope_qpv": body.scope_qpv, "scope_communes": body.scope_communes},
        token_ttl=None if body.role is Role.BODY else timedelta(hours=settings.staff_token_hours),
        email=body.email,
        territory_id=body.territory_id
        or (
            settings.territory
            if settings.territory != request.app.state.settings.territory
            else None
        ),
    )
    return {"id": user.id, "login": user.login, "role": user.role, "token": token}


@router.get("/users", response_model=list[UserOut], summary="Comptes de l'équipe")
def list_users(conn: ConnDep, _admin: AdminPrincipal) -> Any:
    return [_out(u) for u in accounts.list_users(conn)]


@router.patch("/users/{login}", response_model=UserOut, summary="Modifier un compte")
def update_user(body: UserPatch, login: Login, conn: ConnDep, _admin: AdminPrincipal) -> Any:
    """Names, planner territory (``null`` = the whole territory), disabled flag (revokes the
    account's tokens). Neither the login nor the role can be changed."""
    return _out(accounts.update_user(conn, login, body.model_dump(exclude_unset=True)))


@router.put("/users/{login}/password", status_code=204, summary="Définir un mot de passe")
def set_password(body: PasswordIn, login: Login, conn: ConnDep, _admin: AdminPrincipal) -> Response:
    """Sets or resets the password; the account's open sessions are revoked."""
    accounts.set_password(conn, login, body.password)
    return Response(status_code=204)


@router.get("/me", response_model=Me, summary="Qui suis-je ?")
def me(principal: CurrentPrincipal) -> Any:
    territory = principal.territory
    return {
        "role": principal.role,
        "login": principal.login,
        "user_id": principal.user_id,
        "walk_id": principal.walk_id,
        "expires_at": principal.expires_at,
        "scope_qpv": sorted(territory.qpv) if territory is not None else None,
    }


@router.get("/audit", response_model=list[AuditEntry], summary="Journal d'audit (admin)")
def audit_log(
    conn: ConnDep,
    _admin: AdminPrincipal,
    action: Annotated[str | None, Query(max_length=60, pattern=r"^[a-z_.]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> Any:
    """Who read exact locations, photos, pseudonyms or exports; logins; account changes."""
    return audit.entries(conn, action, limit, before_id)
