"""Exhibition coordinators' screens: the exhibitions and the calendar of showings per copy over
a school year, a new exhibition, and the booking of a showing in a school — a copy already
booked over those dates is refused with a French message naming the other booking."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.csrf import CheckedForm
from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.pages.staff_page import done, form_text, staff_page
from api.params.exhibitions import Year
from api.routing import StrictJSONRoute
from app.backoffice import exhibitions as views
from exhibitions import service
from exhibitions import themes as theme_vocab
from exhibitions.models import ShowingInput
from geo.errors import DomainError

router = APIRouter(route_class=StrictJSONRoute, tags=["équipe"], include_in_schema=False)

BOOKING_FIELDS = (
    "copy",
    "uai",
    "start_date",
    "end_date",
    "classes",
    "pupils",
    "intervenant",
    "notes",
)


def _list_page(
    request: Request,
    conn: ConnDep,
    principal: CurrentPrincipal,
    year: Any,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return staff_page(
        request,
        principal,
        "exhibitions.html",
        status=status,
        year=str(year),
        exhibitions=views.exhibitions(conn),
        calendar=views.calendar(conn, year),
        themes=[(t.code, t.label) for t in theme_vocab.themes()],
        values=values or {},
        errors=errors or {},
    )


@router.get("/equipe/expositions", response_class=HTMLResponse)
def exhibitions_page(
    request: Request, conn: ConnDep, principal: CurrentPrincipal, school_year: Year
) -> HTMLResponse:
    return _list_page(request, conn, principal, school_year)


@router.post("/equipe/expositions", response_class=HTMLResponse)
def create_exhibition(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    principal: CurrentPrincipal,
    school_year: Year,
) -> Response:
    values = {
        k: form_text(form, k, 2000)
        for k in ("title", "partner", "copies", "age_min", "age_max", "description")
    }
    chosen = [str(t) for t in form.getlist("themes")]
    errors: dict[str, str] = {}
    if not values["title"]:
        errors["title"] = "donnez le titre de l'exposition"
    copies = int(values["copies"]) if values["copies"].isdigit() else 0
    if not 1 <= copies <= 99:
        errors["copies"] = "nombre d'exemplaires entre 1 et 99"
    ages = {k: _int(values[k], k, errors) for k in ("age_min", "age_max")}
    if not errors:
        try:
            service.create_exhibition(
                conn,
                principal,
                {
                    "title": values["title"][:200],
                    "partner": values["partner"][:200] or None,
                    "themes": chosen,
                    "description": values["description"] or None,
                    **ages,
                },
                copies,
            )
        except DomainError as exc:
            errors["title"] = exc.message
    if errors:
        return _list_page(request, conn, principal, school_year, values, errors, status=422)
    return done("/equipe/expositions", "exposition_creee")


@router.post("/equipe/expositions/{exhibition_id}/exemplaire", response_class=HTMLResponse)
def add_copy(
    exhibition_id: uuid.UUID, request: Request, form: CheckedForm, conn: ConnDep
) -> Response:
    service.add_copy(conn, exhibition_id, None)
    return done("/equipe/expositions", "exemplaire_ajoute")


def _booking_page(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    choices = views.booking_choices(
        conn,
        settings.territory,
        settings.qpv_generation,
        settings.exhibitions_qpv_distance_m,
    )
    return staff_page(
        request,
        principal,
        "booking.html",
        status=status,
        choices=choices,
        values=values,
        errors=errors or {},
    )


@router.get("/equipe/expositions/reserver", response_class=HTMLResponse)
def booking_form(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    uai: str | None = None,
) -> HTMLResponse:
    values = {"uai": (uai or "")[:8].upper()}
    return _booking_page(request, conn, settings, principal, values)


def _int(text: str, name: str, errors: dict[str, str]) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        errors[name] = "nombre entier attendu"
        return None
    return int(text)


def _day(text: str, name: str, errors: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "date attendue (ex. 2027-01-11)"
        return None


@router.post("/equipe/expositions/reserver", response_class=HTMLResponse)
def book_showing(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    values = {k: form_text(form, k, 2000) for k in BOOKING_FIELDS}
    errors: dict[str, str] = {}
    exhibition, _, number = values["copy"].partition(":")
    try:
        exhibition_id, copy = uuid.UUID(exhibition), int(number)
    except ValueError:
        errors["copy"] = "choisissez une exposition et un exemplaire"
        exhibition_id, copy = uuid.UUID(int=0), 0
    if not values["uai"]:
        errors["uai"] = "choisissez l'établissement"
    start = _day(values["start_date"], "start_date", errors)
    end = _day(values["end_date"], "end_date", errors)
    classes = _int(values["classes"], "classes", errors)
    pupils = _int(values["pupils"], "pupils", errors)
    if not errors and start is not None and end is not None:
        data = ShowingInput(
            exhibition_id,
            copy,
            values["uai"],
            start,
            end,
            classes,
            pupils,
            None,
            values["intervenant"] or None,
            values["notes"] or None,
        )
        try:
            service.record_showing(conn, principal, settings.territory, data)
        except DomainError as exc:
            field = "copy" if "exemplaire" in exc.message else "uai"
            if "date" in exc.message or "période" in exc.message:
                field = "start_date" if "réservé" not in exc.message else "copy"
            if "élèves" in exc.message:
                field = "pupils"
            errors[field] = exc.message
        else:
            return done("/equipe/expositions", "presentation_reservee")
    return _booking_page(request, conn, settings, principal, values, errors, status=422)
