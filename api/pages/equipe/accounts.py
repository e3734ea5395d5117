"""Admins' screens: the accounts (create with role, password and planner territory; disable or
enable; reset a password), the audit log with a filter, the retention settings in force."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from accounts import service as accounts
from accounts.models import Role
from api.csrf import CheckedForm
from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.errors import french_error
from api.pages.staff_page import done, form_text, staff_page
from api.routing import StrictJSONRoute
from api.schemas import UserCreate
from app.backoffice import accounts as views
from app.backoffice.menu import ROLE_LABELS
from app.backoffice.walks import qpv_options
from geo.errors import DomainError
from ui.fields import Control, Select, TextInput

router = APIRouter(route_class=StrictJSONRoute, tags=["équipe"], include_in_schema=False)

Login = Annotated[str, Path(max_length=63, pattern=r"^[a-z0-9][a-z0-9._-]+$")]
_FIELDS = (
    "login",
    "role",
    "display_name",
    "organisation",
    "email",
    "password",
    "scope_qpv",
    "communes",
)


def _fields(values: dict[str, str], qpv: list[tuple[str, str]]) -> list[Control]:
    roles = tuple((r.value, ROLE_LABELS[r]) for r in Role if r is not Role.PARTICIPANT)
    return [
        TextInput(
            "login",
            "Identifiant",
            values.get("login", ""),
            "f-login",
            required=True,
            hint="minuscules, chiffres, « . _ - » (ex. claire.martin)",
            autocomplete="off",
        ),
        Select("role", "Rôle", roles, values.get("role", "facilitator"), "f-role"),
        TextInput("display_name", "Nom affiché", values.get("display_name", ""), "f-display_name"),
        TextInput(
            "organisation",
            "Structure (pour un organisme responsable : le nom auquel on transmet)",
            values.get("organisation", ""),
            "f-organisation",
        ),
        TextInput(
            "email",
            "Courriel où un organisme reçoit les signalements transmis",
            values.get("email", ""),
            "f-email",
            type="email",
        ),
        TextInput(
            "password",
            "Mot de passe (12 caractères au moins)",
            "",
            "f-password",
            type="password",
            autocomplete="new-password",
        ),
        Select(
            "scope_qpv",
            "Territoire d'un compte planner : un quartier",
            (("", "tout le territoire"), *qpv),
            values.get("scope_qpv", ""),
            "f-scope_qpv",
        ),
        TextInput(
            "communes",
            "ou des communes (codes INSEE séparés par des virgules)",
            values.get("communes", ""),
            "f-communes",
            hint="ex. 44109, 44143",
        ),
    ]


def _page(
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
        "accounts.html",
        status=status,
        accounts=views.account_rows(conn),
        fields=_fields(values or {}, qpv_options(conn, settings.qpv_generation)),
        errors=errors or {},
        retention=views.retention(settings),
        quartiers=qpv_options(conn, settings.qpv_generation),
    )


@router.get("/equipe/comptes", response_class=HTMLResponse)
def account_list(
    request: Request, conn: ConnDep, settings: SettingsDep, principal: CurrentPrincipal
) -> HTMLResponse:
    return _page(request, conn, settings, principal)


def _body(values: dict[str, str]) -> dict[str, Any]:
    communes = [c.strip() for c in values["communes"].split(",") if c.strip()]
    return {
        "login": values["login"],
        "role": values["role"],
        "display_name": values["display_name"] or None,
        "organisation": values["organisation"] or None,
        "email": values["email"] or None,
        "password": values["password"] or None,
        "scope_qpv": [values["scope_qpv"]] if values["scope_qpv"] else None,
        "scope_communes": communes or None,
    }


@router.post("/equipe/comptes", response_class=HTMLResponse)
def create_account(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    values = {name: form_text(form, name, 300) for name in _FIELDS}
    errors: dict[str, str] = {}
    try:
        body = UserCreate.model_validate(_body(values))
    except ValidationError as exc:
        for err in exc.errors():
            loc = str(err.get("loc", ("login",))[0])
            name = "communes" if loc == "scope_communes" else loc
            errors.setdefault(
                name if name in _FIELDS else "login", french_error(dict(err))["message"]
            )
    else:
        try:
            accounts.create_staff(
                conn,
                body.login,
                body.role,
                body.display_name,
                body.organisation,
                password=body.password,
                scope={"scope_qpv": body.scope_qpv, "scope_communes": body.scope_communes},
                token_ttl=None
                if body.role is Role.BODY
                else timedelta(hours=settings.staff_token_hours),
                email=body.email,
            )
        except DomainError as exc:
            field = "password" if "mot de passe" in exc.message else "login"
            if "QPV" in exc.message or "territoire" in exc.message:
                field = "scope_qpv"
            errors[field] = exc.message
        else:
            return done("/equipe/comptes", "compte_cree")
    return _page(request, conn, settings, principal, values, errors, status=422)


@router.post("/equipe/comptes/{login}/acces", response_class=HTMLResponse)
def toggle_account(
    login: Login,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    disable = form_text(form, "disabled", 10) == "true"
    try:
        accounts.update_user(conn, login, {"disabled": disable})
    except DomainError as exc:
        return _page(request, conn, settings, principal, errors={"login": exc.message}, status=409)
    return done("/equipe/comptes", "compte_modifie")


@router.post("/equipe/comptes/{login}/territoire", response_class=HTMLResponse)
def set_territory(
    login: Login,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    qpv = form_text(form, "scope_qpv", 20)
    communes = [c.strip() for c in form_text(form, "communes", 300).split(",") if c.strip()]
    changes = {"scope_qpv": [qpv] if qpv else None, "scope_communes": communes or None}
    try:
        accounts.update_user(conn, login, changes)
    except DomainError as exc:
        errors = {"scope_qpv": f"{login} : {exc.message}"}
        return _page(request, conn, settings, principal, errors=errors, status=422)
    return done("/equipe/comptes", "compte_modifie")


@router.post("/equipe/comptes/{login}/mot-de-passe", response_class=HTMLResponse)
def reset_password(
    login: Login,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    try:
        accounts.set_password(conn, login, form_text(form, "password", 256))
    except DomainError as exc:
        errors = {"password": f"{login} : {exc.message}"}
        return _page(request, conn, settings, principal, errors=errors, status=422)
    return done("/equipe/comptes", "mot_de_passe")


@router.get("/equipe/journal", response_class=HTMLResponse)
def audit_page(
    request: Request,
    conn: ConnDep,
    principal: CurrentPrincipal,
    action: str | None = None,
    avant: int | None = None,
) -> HTMLResponse:
    chosen = action if action in views.AUDIT_ACTIONS else None
    view = views.audit_view(conn, chosen, avant)
    return staff_page(request, principal, "audit.html", view=view)
