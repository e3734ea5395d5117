"""Map pages under ``/cartes`` (French): the planners' safety map, the public map, the support
actors, the exhibitions, a walk's map. Thin: parse, call :mod:`app.maps`, answer HTML.

Staff pages take the staff bearer token (``Authorization: Bearer …``) like the rest of the API,
or the browser session of ``/connexion`` (GET only), through the same dependency.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import ConnDep, CurrentPrincipal, Generation, MaybePrincipal, SettingsDep
from api.params.actors import FormDep
from api.params.exhibitions import Year
from api.routing import StrictJSONRoute
from app import maps as cartes
from geo.errors import Invalid
from surveys.mapdata import MapFilters
from surveys.models import Kind, TimeSlot

router = APIRouter(prefix="/cartes", route_class=StrictJSONRoute, tags=["cartes"])

Text = Annotated[str | None, Query(max_length=40)]


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(f"date invalide pour « {name} » : {value!r} (attendu : AAAA-MM-JJ)") from exc


def _slot(value: str | None) -> TimeSlot | None:
    if not value:
        return None
    try:
        return TimeSlot(value)
    except ValueError as exc:
        raise Invalid(f"créneau inconnu : {value!r} (jour, soiree ou nuit)") from exc


@router.get(
    "/securite",
    response_class=HTMLResponse,
    summary="Carte de la sécurité ressentie (équipe)",
)
def safety_page(
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    generation: Generation,
    du: Annotated[str | None, Query(max_length=10, description="Début (AAAA-MM-JJ)")] = None,
    au: Annotated[str | None, Query(max_length=10, description="Fin (AAAA-MM-JJ)")] = None,
    qpv: Annotated[str | None, Query(max_length=12, description="Code du QPV")] = None,
    theme: Annotated[str | None, Query(max_length=40, description="Thème de la grille")] = None,
    creneau: Annotated[str | None, Query(max_length=10, description="jour, soiree, nuit")] = None,
    non_mixte: Annotated[bool, Query(description="Marches non mixtes seulement")] = False,
    demo: Annotated[bool, Query(description="Données de démonstration")] = False,
) -> HTMLResponse:
    """Observations by theme and rating in one layer per time slot, heat map of low feeling
    of safety, walks, issues by state, support actors, QPV; filters as a form; tables."""
    filters = MapFilters(
        start=_date(du, "du"),
        end=_date(au, "au"),
        qpv=qpv or None,
        theme=theme or None,
        time_slot=_slot(creneau),
        women_only=non_mixte,
        generation=generation,
        demo=demo,
    )
    return HTMLResponse(cartes.safety(conn, settings, principal, filters))


@router.get("/publique", response_class=HTMLResponse, summary="Carte publique (agrégée)")
def public_page(
    conn: ConnDep,
    settings: SettingsDep,
    generation: Generation,
    kind: Text = None,
    theme: Text = None,
    demo: Annotated[bool, Query(description="Données de démonstration")] = False,
) -> HTMLResponse:
    """Aggregated cells (at least *k* observations, months), QPV and support actors; never a
    point, never a text."""
    try:
        chosen = Kind(kind) if kind else None
    except ValueError as exc:
        raise Invalid(f"type inconnu : {kind!r} (marche ou gusp)") from exc
    page = cartes.public_page(conn, settings, generation, chosen, theme or None, demo)
    return HTMLResponse(page)


@router.get("/acteurs", response_class=HTMLResponse, summary="Carte des lieux d'aide")
def actors_page(
    conn: ConnDep,
    settings: SettingsDep,
    principal: MaybePrincipal,
    form: FormDep,
    cadre: Annotated[str | None, Query(max_length=1)] = None,
    lieu: uuid.UUID | None = None,
) -> HTMLResponse:
    """Support actors: icons by domain, popups with opening status and ``tel:`` link (the
    resident page frames it beside its list)."""
    return HTMLResponse(cartes.actors_page(conn, settings, principal, form, cadre, lieu))


@router.get("/expositions", response_class=HTMLResponse, summary="Carte des expositions")
def exhibitions_page(
    conn: ConnDep, settings: SettingsDep, generation: Generation, year: Year
) -> HTMLResponse:
    """Schools reached / not reached and the QPV shaded by pupils reached (school year)."""
    return HTMLResponse(cartes.exhibitions_page(conn, settings, generation, year))


@router.get(
    "/marches/{walk_id}",
    response_class=HTMLResponse,
    summary="Carte d'une marche et de sa marche appariée",
)
def walk_page(
    conn: ConnDep, settings: SettingsDep, principal: CurrentPrincipal, walk_id: uuid.UUID
) -> HTMLResponse:
    """Route, stops and observations of the walk, and of its paired walk side by side (staff
    of the walk and its participants)."""
    return HTMLResponse(cartes.walk_page(conn, settings, principal, walk_id))


@router.get("/observations", include_in_schema=False)
def observations_alias(request: Request) -> RedirectResponse:
    """The former aggregated-observations page: the public map shows the same cells."""
    query = request.url.query
    return RedirectResponse("/cartes/publique" + (f"?{query}" if query else ""), status_code=308)
