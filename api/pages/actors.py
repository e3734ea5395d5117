"""Resident pages (French): « Trouver de l'aide près de chez moi » — server-rendered form and
results that work without JavaScript (``/static/app/actors.js`` enhances them), the map
beside the list, one actor's page, the embeddable widget and its snippet."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from actors import campaign_kit, finder, hours, present, resident, rules, vocab
from api.deps import ConnDep, MaybePrincipal, SettingsDep
from api.params.actors import FormDep
from api.routing import StrictJSONRoute
from app import printed
from app.resident import ResidentForm, _find
from geo.errors import NotFound
from ui.templating import render

router = APIRouter(prefix="/aide", route_class=StrictJSONRoute, tags=["pages"])

Text = Annotated[str | None, Query(max_length=100)]


def _choices(conn: Any, settings: Any) -> dict[str, Any]:
    places = resident.choices(conn, settings.territory, settings.qpv_generation)
    return {
        **places,
        "domains": [(t.code, t.label) for t in vocab.domains().terms],
        "grounds": [(t.code, t.everyday or t.label) for t in vocab.grounds().terms],
        "publics": [(t.code, t.label) for t in vocab.publics().terms if t.code != "tous_publics"],
    }


def _search(conn: Any, settings: Any, principal: Any, form: ResidentForm) -> dict[str, Any]:
    found, problem = _find(conn, settings, principal, form)
    moment = found.at or hours.paris_now()
    return {
        "form": form,
        "place": found.place,
        "cards": [present.card(f) for f in found.features],
        "lines": found.lines,
        "problem": problem or found.problem,
        "at_label": f"{hours.french_date(moment.date())} à {hours.clock(moment)}",
        "map_url": f"/cartes/acteurs?{form.query(cadre='1')}" if found.place else None,
        "link_target": None,
    }


def _render(name: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(f"actors/{name}", **context))


Source = Annotated[
    str | None,
    Query(max_length=80, description="Lieu d'affichage du QR code scanné (compté par mois)"),
]


@router.get("", response_class=HTMLResponse, summary="Trouver de l'aide près de chez moi")
def search_page(
    conn: ConnDep,
    settings: SettingsDep,
    principal: MaybePrincipal,
    form: FormDep,
    src: Source = None,
) -> HTMLResponse:
    if src:
        campaign_kit.count_scan(conn, src)  # one more scan this month; nothing about who
    context = _search(conn, settings, principal, form)
    return _render("search.html", choices=_choices(conn, settings), action="/aide", **context)


@router.get("/resultats", response_class=HTMLResponse, include_in_schema=False)
def results_fragment(
    conn: ConnDep, settings: SettingsDep, principal: MaybePrincipal, form: FormDep
) -> HTMLResponse:
    """The results part only (the page's script swaps it in without reloading)."""
    return _render("_results.html", **_search(conn, settings, principal, form))


@router.get("/widget", response_class=HTMLResponse, summary="Cadre à intégrer (partenaires)")
def widget(
    conn: ConnDep, settings: SettingsDep, principal: MaybePrincipal, form: FormDep
) -> HTMLResponse:
    context = {**_search(conn, settings, principal, form), "map_url": None, "link_target": "_blank"}
    return _render(
        "widget.html", choices=_choices(conn, settings), action="/aide/widget", **context
    )


@router.get("/campagne", response_class=HTMLResponse, summary="Visites par QR code (campagne)")
def scans_page(conn: ConnDep, settings: SettingsDep) -> HTMLResponse:
    """The QR codes' scans per place of display and month, published at k ≥ 5."""
    k = max(settings.public_min_count, printed.SCAN_MIN)
    return _render("campaign.html", table=printed.scan_table(conn, k))


@router.get("/integrer", response_class=HTMLResponse, summary="Code d'intégration du cadre")
def embed(request: Request) -> HTMLResponse:
    url = str(request.base_url).rstrip("/") + "/aide/widget"
    snippet = (
        f'<iframe src="{url}" title="Trouver de l\'aide près de chez moi" width="100%" '
        'height="720" style="border:0;max-width:32rem" loading="lazy"></iframe>'
    )
    return _render("embed.html", snippet=snippet)


@router.get("/carte", include_in_schema=False)
def map_page(request: Request) -> RedirectResponse:
    """The map of a search now lives at ``/cartes/acteurs`` (same parameters)."""
    query = request.url.query
    return RedirectResponse("/cartes/acteurs" + (f"?{query}" if query else ""), status_code=308)


@router.get("/lieux/{actor_id}", response_class=HTMLResponse, summary="Fiche d'un lieu d'aide")
def actor_page(conn: ConnDep, principal: MaybePrincipal, actor_id: uuid.UUID) -> HTMLResponse:
    try:
        feature = finder.one(conn, actor_id, finder.viewer_for(principal))
    except NotFound:
        page = render("actors/notfound.html")
        return HTMLResponse(page, status_code=404)
    card = present.card(feature)
    rule = rules.default().get(feature["properties"].get("actor_type"))
    week = hours.week(card["horaires_accueil"]) if card["horaires_accueil"] else None
    return _render(
        "detail.html",
        c=card,
        about=rule.about if rule else None,
        rule_why=rule.why if rule else "",
        week=week,
        map_url=f"/cartes/acteurs?lieu={actor_id}&cadre=1",
    )
