"""« Compter qui est présent » for the observer of a session of use (issue 20): one screen on
a phone, the facility, the time, the minutes and one number per group of the grid's count
item. The form carries the count's id (made when the page was drawn): sending it twice —
a double tap, a flaky network — stores it once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.csrf import CheckedForm
from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.pages.staff_page import done, form_text, staff_page
from api.routing import StrictJSONRoute
from app.configs import survey_config_from
from geo.errors import DomainError
from sports import service as sports
from surveys import presence
from surveys.service import presence as service

router = APIRouter(route_class=StrictJSONRoute, tags=["équipe"], include_in_schema=False)
PAGE = "/equipe/comptage"


def _page(
    request: Request,
    conn: Any,
    settings: Any,
    principal: Any,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    spec = presence.item()
    return staff_page(
        request,
        principal,
        "presence.html",
        status=status,
        facilities=sports.choices(conn, settings.territory),
        groups=[(g.code, g.label) for g in spec.groups],
        values=values,
        errors=errors,
    )


@router.get(PAGE, response_class=HTMLResponse)
def counting_page(
    request: Request, conn: ConnDep, settings: SettingsDep, principal: CurrentPrincipal
) -> HTMLResponse:
    now = datetime.now(presence.PARIS).strftime("%Y-%m-%dT%H:%M")
    values = {"id": str(uuid.uuid4()), "observed_at": now, "minutes": str(presence.item().minutes)}
    values.update({code: "0" for code in presence.item().codes})
    return _page(request, conn, settings, principal, values, {})


@router.post(PAGE, response_class=HTMLResponse)
def record_count(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    spec = presence.item()
    names = ("id", "facility_id", "observed_at", "minutes", *spec.codes)
    values = {name: form_text(form, name, 100) for name in names}
    errors: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for name in ("minutes", *spec.codes):
        try:
            numbers[name] = int(values[name] or "0")
        except ValueError:
            errors[name] = "nombre entier attendu"
    try:
        count_id = uuid.UUID(values["id"])
    except ValueError:
        errors["id"] = "formulaire incomplet : rechargez la page"
        count_id = uuid.uuid4()
    try:
        at = datetime.fromisoformat(values["observed_at"]).replace(tzinfo=presence.PARIS)
    except ValueError:
        errors["observed_at"] = "date et heure attendues"
        at = datetime.now(presence.PARIS)
    if not values["facility_id"]:
        errors["facility_id"] = "choisissez l'équipement"
    if not errors:
        raw = presence.PresenceInput(
            count_id,
            at,
            numbers["minutes"],
            {code: numbers[code] for code in spec.codes},
            facility_id=values["facility_id"],
        )
        try:
            service.record(conn, principal, raw, survey_config_from(settings))
        except DomainError as exc:
            errors["facility_id"] = exc.message
    if errors:
        return _page(request, conn, settings, principal, values, errors, status=422)
    return done(PAGE, "comptage_enregistre")
