"""Directory keepers' screens: the update campaign as a to-do list (worst first, « vérifié
aujourd'hui »), a new place, and the form of a place — every field of the model, with the same
validation as the importer (phone, e-mail, URL, opening hours), each message next to its field."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from actors import campaign_kit, finder, hours, quality, resident, selfupdate, service
from api.csrf import CheckedForm
from api.deps import ConnDep, CurrentPrincipal, SettingsDep
from api.pages.staff_page import done, staff_page
from api.routing import StrictJSONRoute
from app import actor_mail, printed
from app.backoffice import directory as views
from app.backoffice import imports
from app.backoffice import proposals as proposal_views
from geo.errors import DomainError, Invalid

router = APIRouter(route_class=StrictJSONRoute, tags=["équipe"], include_in_schema=False)

ActorId = Annotated[uuid.UUID, PathParam(description="Identifiant du lieu")]


@router.get("/equipe/annuaire", response_class=HTMLResponse)
def todo(request: Request, conn: ConnDep, principal: CurrentPrincipal) -> HTMLResponse:
    rows = views.campaign(conn, quality.DEFAULT_THRESHOLD)
    pending = len(selfupdate.pending(conn))
    return staff_page(request, principal, "directory.html", rows=rows, pending=pending)


@router.post("/equipe/annuaire/campagne", response_class=HTMLResponse)
def send_campaign(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    """A link to every place of the campaign that has an address and was not asked lately."""
    rows = views.campaign(conn, quality.DEFAULT_THRESHOLD)
    pending = len(selfupdate.pending(conn))
    try:
        run = actor_mail.send_campaign(conn, settings, str(request.base_url), principal.login)
    except Invalid as exc:
        return staff_page(
            request,
            principal,
            "directory.html",
            422,
            rows=rows,
            pending=pending,
            error=exc.message,
        )
    failed = [s for s in run.sent if s.error]
    text = (
        f"{len(run.sent) - len(failed)} lien(s) envoyé(s) ; {len(failed)} courriel(s) non "
        f"parti(s) ; {len(run.without_address)} lieu(x) sans courriel (à appeler) ; "
        f"{run.recently_asked} déjà sollicité(s) depuis moins de {selfupdate.RESEND_DAYS} jours."
    )
    return staff_page(
        request,
        principal,
        "directory.html",
        rows=rows,
        pending=pending,
        notice_text=text,
        without_address=run.without_address,
    )


ProposalId = Annotated[int, PathParam(description="Numéro de la proposition", ge=1)]


@router.get("/equipe/annuaire/propositions", response_class=HTMLResponse)
def proposals_page(request: Request, conn: ConnDep, principal: CurrentPrincipal) -> HTMLResponse:
    rows = proposal_views.pending(conn)
    return staff_page(request, principal, "proposals.html", rows=rows)


@router.get("/equipe/annuaire/propositions/{proposal_id}", response_class=HTMLResponse)
def proposal_page(
    proposal_id: ProposalId, request: Request, conn: ConnDep, principal: CurrentPrincipal
) -> HTMLResponse:
    view = proposal_views.proposal(conn, proposal_id)
    return staff_page(request, principal, "proposal.html", p=view)


@router.post("/equipe/annuaire/propositions/{proposal_id}", response_class=HTMLResponse)
def decide_proposal(
    proposal_id: ProposalId,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    decision = str(form.get("decision") or "")
    if decision == "appliquer":
        day = hours.paris_now().date()
        selfupdate.apply(conn, proposal_id, principal, settings.territory, day)
        return done("/equipe/annuaire/propositions", "proposition_appliquee")
    if decision == "refuser":
        selfupdate.refuse(conn, proposal_id, principal)
        return done("/equipe/annuaire/propositions", "proposition_refusee")
    raise Invalid(f"décision inconnue : {decision!r} (valeurs possibles : appliquer, refuser)")


def _form(
    request: Request,
    principal: CurrentPrincipal,
    values: dict[str, Any],
    action: str,
    title: str,
    errors: dict[str, str] | None = None,
    status: int = 200,
    actor_id: str | None = None,
    conn: Any = None,
    link_error: str | None = None,
) -> HTMLResponse:
    known = uuid.UUID(actor_id) if actor_id and conn is not None else None
    return staff_page(
        request,
        principal,
        "actor_form.html",
        status=status,
        specs=views.form_fields(),
        values=values,
        errors=errors or {},
        action=action,
        heading=title,
        actor_id=actor_id,
        history=proposal_views.history(conn, known) if known else [],
        links=proposal_views.links(conn, known) if known else [],
        email=values.get("courriel") or "",
        link_error=link_error,
    )


def _current(conn: ConnDep, principal: CurrentPrincipal, actor_id: uuid.UUID) -> dict[str, Any]:
    feature = finder.one(conn, actor_id, finder.viewer_for(principal))
    lon, lat = feature["geometry"]["coordinates"][:2]
    return views.values_of(feature["properties"], lon, lat)


@router.get("/equipe/annuaire/nouveau", response_class=HTMLResponse)
def new_actor(request: Request, principal: CurrentPrincipal) -> HTMLResponse:
    values = views.values_of({"status": "active", "visibility": "public"}, None, None)
    return _form(request, principal, values, "/equipe/annuaire/nouveau", "Nouveau lieu d'aide")


@router.post("/equipe/annuaire/nouveau", response_class=HTMLResponse)
def create_actor(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    values = views.read_form(form)
    patch, errors = views.patch_of(values, None)
    errors = errors or views.field_errors(patch)
    if not errors:
        try:
            actor_id = service.create(conn, patch, principal, settings.territory)
        except Invalid as exc:
            errors = views.errors_of(exc)
        else:
            return done(f"/equipe/annuaire/{actor_id}", "lieu_cree")
    action, title = "/equipe/annuaire/nouveau", "Nouveau lieu d'aide"
    return _form(request, principal, values, action, title, errors, status=422)


@router.get("/equipe/annuaire/import", response_class=HTMLResponse)
def import_form(request: Request, principal: CurrentPrincipal) -> HTMLResponse:
    return staff_page(request, principal, "import.html", summary=None, token=None, error=None)


@router.post("/equipe/annuaire/import", response_class=HTMLResponse)
async def import_preview(
    request: Request, form: CheckedForm, conn: ConnDep, principal: CurrentPrincipal
) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return staff_page(
            request,
            principal,
            "import.html",
            status=422,
            summary=None,
            token=None,
            error="choisissez un fichier",
        )
    data = await upload.read(imports.MAX_BYTES + 1)
    try:
        staged = imports.stage(data, upload.filename)
        summary = await run_in_threadpool(imports.run, conn, staged.token, principal.login, True)
    except DomainError as exc:
        return staff_page(
            request,
            principal,
            "import.html",
            status=422,
            summary=None,
            token=None,
            error=exc.message,
        )
    return staff_page(
        request, principal, "import.html", summary=summary, token=staged.token, error=None
    )


@router.post("/equipe/annuaire/import/confirmer", response_class=HTMLResponse)
def import_confirm(
    request: Request, form: CheckedForm, conn: ConnDep, principal: CurrentPrincipal
) -> Response:
    token = form.get("token")
    summary = imports.run(conn, str(token or ""), principal.login, False)
    return staff_page(
        request,
        principal,
        "import.html",
        summary=summary,
        token=None,
        error=None,
        notice_text="L'import est fait.",
    )


@router.get("/equipe/annuaire/doublons", response_class=HTMLResponse)
def duplicates_page(request: Request, conn: ConnDep, principal: CurrentPrincipal) -> HTMLResponse:
    rows = views.duplicates(conn)
    return staff_page(request, principal, "duplicates.html", rows=rows)


@router.post("/equipe/annuaire/doublons/{dup_id}", response_class=HTMLResponse)
def decide_duplicate(
    dup_id: int, request: Request, form: CheckedForm, conn: ConnDep, principal: CurrentPrincipal
) -> Response:
    decision = str(form.get("decision") or "")
    service.resolve_duplicate(conn, dup_id, decision, principal)
    return done("/equipe/annuaire/doublons", "doublon_traite")


@router.get("/equipe/annuaire/imprimer", response_class=HTMLResponse)
def print_page(
    request: Request, conn: ConnDep, settings: SettingsDep, principal: CurrentPrincipal
) -> HTMLResponse:
    """The campaign kit: a printed directory per QPV or commune, posters per place of
    display, and their QR codes' scans as published."""
    places = resident.choices(conn, settings.territory, settings.qpv_generation)
    k = max(settings.public_min_count, printed.SCAN_MIN)
    return staff_page(
        request,
        principal,
        "print.html",
        quartiers=places["quartiers"],
        communes=places["communes"],
        table=printed.scan_table(conn, k),
    )


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _print_area(conn: ConnDep, settings: SettingsDep, form: CheckedForm) -> Any:
    qpv, commune = str(form.get("qpv") or ""), str(form.get("commune") or "")
    if bool(qpv) == bool(commune):
        raise Invalid("choisissez un quartier ou une commune (l'un des deux)")
    if qpv:
        return campaign_kit.qpv_area(conn, qpv, settings.qpv_generation)
    return campaign_kit.commune_area(conn, commune)


@router.post("/equipe/annuaire/imprimer/annuaire")
def print_directory(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    area = _print_area(conn, settings, form)
    page = printed.directory_page(
        conn,
        settings.territory,
        area,
        str(request.base_url),
        principal.login,
        settings.helplines_file,
    )
    pdf = printed.to_pdf(printed.directory_html(page), "A4")
    return _pdf(pdf, f"annuaire-{campaign_kit.slug(area.name)}.pdf")


@router.post("/equipe/annuaire/imprimer/affiche")
def print_poster(
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    label = str(form.get("lieu") or "").strip()[:200]
    paper = str(form.get("format") or "A4")
    if not campaign_kit.slug(label):
        raise Invalid("lieu d'affichage : nom attendu")
    if paper not in printed.PAPERS:
        raise Invalid(f"format inconnu : {paper} (A4 ou A3)")
    qpv = str(form.get("qpv") or "")
    area = campaign_kit.qpv_area(conn, qpv, settings.qpv_generation) if qpv else None
    page = printed.poster_page(
        conn, label, paper, area, str(request.base_url), principal.login, settings.helplines_file
    )
    pdf = printed.to_pdf(printed.poster_html(page), paper)
    return _pdf(pdf, f"affiche-{campaign_kit.slug(label)}-{paper}.pdf")


# the routes of one place come last: their path would also match /import and /doublons


@router.get("/equipe/annuaire/{actor_id}", response_class=HTMLResponse)
def actor_page(
    actor_id: ActorId, request: Request, conn: ConnDep, principal: CurrentPrincipal
) -> HTMLResponse:
    values = _current(conn, principal, actor_id)
    url = f"/equipe/annuaire/{actor_id}"
    return _form(request, principal, values, url, values["nom"], actor_id=str(actor_id), conn=conn)


@router.post("/equipe/annuaire/{actor_id}", response_class=HTMLResponse)
def update_actor(
    actor_id: ActorId,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    before = _current(conn, principal, actor_id)
    values = views.read_form(form)
    patch, errors = views.patch_of(values, before)
    errors = errors or views.field_errors(patch)
    if not errors and patch:
        try:
            service.update(conn, actor_id, patch, principal, settings.territory)
        except Invalid as exc:
            errors = views.errors_of(exc)
    url = f"/equipe/annuaire/{actor_id}"
    if errors:
        title = before["nom"]
        return _form(request, principal, values, url, title, errors, 422, str(actor_id), conn)
    return done(url, "lieu_modifie")


@router.post("/equipe/annuaire/{actor_id}/verifie", response_class=HTMLResponse)
def verified_today(
    actor_id: ActorId,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    principal: CurrentPrincipal,
) -> Response:
    service.verify(conn, actor_id, principal, hours.paris_now().date())
    return done("/equipe/annuaire", "lieu_verifie")


@router.post("/equipe/annuaire/{actor_id}/lien", response_class=HTMLResponse)
def send_link(
    actor_id: ActorId,
    request: Request,
    form: CheckedForm,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Response:
    """E-mail the place a link to check its own entry (to its address, or the one typed)."""
    to = str(form.get("to") or "").strip() or None
    url = f"/equipe/annuaire/{actor_id}"
    problem: str | None
    try:
        sent = actor_mail.send_link(
            conn, settings, actor_id, str(request.base_url), principal.login, to
        )
        problem = f"le courriel n'est pas parti ({sent.error})" if sent.error else None
    except Invalid as exc:
        problem = exc.message
    if problem is None:
        return done(url, "lien_envoye")
    values = _current(conn, principal, actor_id)
    return _form(
        request, principal, values, url, values["nom"], None, 422, str(actor_id), conn, problem
    )
