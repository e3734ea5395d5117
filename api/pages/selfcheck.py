"""« Est-ce une discrimination ? » — the self-check for young people, as server-rendered pages
that work without JavaScript (each step is a POST form carrying the previous answers in hidden
fields, so nothing lands in the address bar or the history; ``/static/app/selfcheck/`` only
enhances). No cookie, no tracker, nothing stored unless the person chooses it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from accounts import service as accounts
from actors import finder, hours, vocab
from api.deps import ConnDep
from api.params.selfcheck import ConfigDep, check_rate, rules_as_json
from api.routing import StrictJSONRoute
from geo.errors import DomainError, Forbidden, Invalid, NotFound
from selfcheck import codes, rules, service
from selfcheck.answers import LONG_AGO, RawAnswers, recent_months
from selfcheck.models import Config
from selfcheck.orient import cards
from ui.templating import render as render_template

router = APIRouter(prefix="/discrimination", route_class=StrictJSONRoute, tags=["pages"])

PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
"""Nothing of these pages is kept by caches, nor sent to another site."""
STEPS = 4
Text = Annotated[str, Form(max_length=60)]
Codes = Annotated[list[str], Form(max_length=40)]


@dataclass(frozen=True)
class Flow:
    """The answers carried from step to step (strings as sent; checked when used)."""

    etape: int = 1
    aller: str = "suivant"
    situation: str = ""
    raisons: tuple[str, ...] = ()
    domaine: str = ""
    lieu: str = ""
    mois: str = ""
    souhaits: tuple[str, ...] = ()
    seance: str = ""

    def raw(self) -> RawAnswers:
        return RawAnswers(
            self.situation or None,
            self.raisons,
            self.domaine or None,
            self.lieu or None,
            self.mois or None,
            self.souhaits,
        )


def flow_form(
    etape: Annotated[int, Form(ge=1, le=STEPS + 1)] = 1,
    aller: Text = "suivant",
    situation: Text = "",
    raisons: Codes = [],  # noqa: B006 (FastAPI copies defaults)
    domaine: Text = "",
    lieu: Text = "",
    mois: Text = "",
    souhaits: Codes = [],  # noqa: B006
    seance: Annotated[str, Form(max_length=20)] = "",
) -> Flow:
    return Flow(
        etape, aller, situation, tuple(raisons), domaine, lieu, mois, tuple(souhaits), seance
    )


FlowDep = Annotated[Flow, Depends(flow_form)]


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    page = render_template(f"selfcheck/{name}", **context)
    return HTMLResponse(page, status_code=status, headers=PRIVATE)


def _month_choices(book: rules.Ruleset) -> list[tuple[str, str]]:
    today = hours.paris_now().date()
    months = [
        (f"{m:%Y-%m}", f"{hours.FRENCH_MONTHS[m.month - 1]} {m.year}")
        for m in recent_months(today, book.months_offered)
    ]
    return [*months, (LONG_AGO, f"Il y a plus de {book.months_offered // 12} ans")]


def _step_context(conn: Any, config: Config, flow: Flow) -> dict[str, Any]:
    book = rules.default()
    domaine = flow.domaine
    if flow.etape == 3 and not domaine and flow.situation:
        domaine = _situation_domain(book, flow.situation)
    return {
        "flow": replace(flow, domaine=domaine),
        "book": book,
        "steps": STEPS,
        "places": service.places(conn, config) if flow.etape == 3 else None,
        "months": _month_choices(book) if flow.etape == 3 else None,
        "session_code": codes.display(flow.seance) if flow.seance else None,
    }


def _situation_domain(book: rules.Ruleset, code: str) -> str:
    try:
        return book.situation(code).domain or ""
    except Invalid:
        return ""


def _step(conn: Any, config: Config, flow: Flow, error: str | None = None) -> HTMLResponse:
    context = _step_context(conn, config, flow)
    return render(f"etape{flow.etape}.html", 422 if error else 200, error=error, **context)


def _missing(flow: Flow) -> str | None:
    """What the current step still needs before going on."""
    if flow.etape == 1 and not flow.situation:
        return "Choisis ce qui s'est passé (une réponse), puis « Continuer »."
    if flow.etape == 2 and not flow.raisons:
        return "Choisis au moins une réponse (ou « Je ne sais pas »), puis « Continuer »."
    return None


@router.get("", response_class=HTMLResponse, summary="Est-ce une discrimination ? (étape 1)")
def start(conn: ConnDep, config: ConfigDep) -> HTMLResponse:
    return _step(conn, config, Flow())


@router.post("", response_class=HTMLResponse, summary="Étape suivante ou réponse")
def step(conn: ConnDep, config: ConfigDep, flow: FlowDep) -> HTMLResponse:
    """Check what was sent; go back, stay (with the problem said) or go on; after step 4,
    the answer."""
    if flow.aller == "retour":
        return _step(conn, config, replace(flow, etape=max(1, flow.etape - 1)))
    try:
        service.validate(rules.default(), flow.raw(), hours.paris_now().date())
    except Invalid as exc:
        return _step(conn, config, replace(flow, etape=min(flow.etape, STEPS)), exc.message)
    problem = _missing(flow)
    if problem:
        return _step(conn, config, flow, problem)
    if flow.etape < STEPS:
        return _step(conn, config, replace(flow, etape=flow.etape + 1))
    return _answer(conn, config, flow)


def _answer(conn: Any, config: Config, flow: Flow) -> HTMLResponse:
    book = rules.default()
    try:
        result = service.answer(conn, config, book, flow.raw(), finder.viewer_for(None))
    except Invalid as exc:
        return _step(conn, config, replace(flow, etape=3), exc.message)
    moment = hours.paris_now()
    return render(
        "reponse.html",
        flow=flow,
        book=book,
        r=result,
        grounds=[vocab.grounds().get(g) for g in result.qualification.grounds],
        domain=vocab.domains().get(result.qualification.domain)
        if result.qualification.domain
        else None,
        cards=cards(result.orientation),
        sections=_sections(result.answers.wishes),
        place_label=_place_label(conn, config, flow.lieu),
        more_url=_more_url(result),
        at_label=f"{hours.french_date(moment.date())} à {hours.clock(moment)}",
        session_code=codes.display(flow.seance) if flow.seance else None,
    )


def _sections(wishes: tuple[str, ...]) -> list[str]:
    """Order of the answer's sections: what the person wants first."""
    order = {"parler": "aide", "droits": "droits", "agir": "agir"}
    first = [order[w] for w in wishes if w in order]
    return list(dict.fromkeys([*first, "aide", "droits", "agir"]))


def _place_label(conn: Any, config: Config, code: str) -> str | None:
    for group in service.places(conn, config).values():
        for value, label in group:
            if value == code:
                return label
    return None


def _more_url(result: service.CheckResult) -> str:
    q, place = result.qualification, result.answers.place
    query = {
        "besoin": "discrimination" if result.outcome.verdict.value != "non" else "aide",
        "domain": q.domain or "",
        "ground": q.grounds[0] if q.grounds else "",
        "quartier": place.qpv or "",
        "commune": place.commune or "",
    }
    return "/aide?" + urlencode({k: v for k, v in query.items() if v})


@router.post("/temoignage", response_class=HTMLResponse, summary="Compter mon histoire")
def testimony(
    request: Request,
    conn: ConnDep,
    config: ConfigDep,
    flow: FlowDep,
    compter: Annotated[str, Form(max_length=2)] = "",
    partager: Annotated[str, Form(max_length=2)] = "",
    age: Annotated[str, Form(max_length=20)] = "",
) -> Any:
    """Store only what the person ticked, then say thank you (POST → redirect → GET)."""
    session = flow.seance if partager else None
    try:
        check_rate(request, session)
        done = service.testify(
            conn, config, rules.default(), flow.raw(), age or None, bool(compter), session
        )
    except DomainError as exc:
        return render("erreur.html", 422, message=exc.message)
    query = urlencode({"compte": int(done["counted"]), "groupe": int(done["shared_with_group"])})
    return RedirectResponse(f"/discrimination/merci?{query}", status_code=303, headers=PRIVATE)


@router.get("/merci", response_class=HTMLResponse, include_in_schema=False)
def thanks(
    compte: Annotated[int, Query(ge=0, le=1)] = 0, groupe: Annotated[int, Query(ge=0, le=1)] = 0
) -> HTMLResponse:
    return render("merci.html", counted=bool(compte), shared=bool(groupe))


@router.get("/groupe", response_class=HTMLResponse, summary="Rejoindre une séance de groupe")
def join_page() -> HTMLResponse:
    return render("groupe.html", error=None, code="")


@router.post("/groupe", response_class=HTMLResponse, include_in_schema=False)
def join(
    conn: ConnDep, config: ConfigDep, code: Annotated[str, Form(max_length=20)] = ""
) -> HTMLResponse:
    try:
        session = service.join(conn, code)
    except Invalid as exc:
        return render("groupe.html", 422, error=exc.message, code=code)
    return _step(conn, config, Flow(seance=session.code))


@router.get("/animer", response_class=HTMLResponse, summary="Animer une séance de groupe")
def facilitate_page() -> HTMLResponse:
    return render("animer.html", error=None, created=None)


@router.post("/animer", response_class=HTMLResponse, include_in_schema=False)
def facilitate(
    conn: ConnDep,
    config: ConfigDep,
    jeton: Annotated[str, Form(max_length=200)] = "",
    nom: Annotated[str, Form(max_length=80)] = "",
) -> HTMLResponse:
    """The facilitator pastes their access token (used for this request only, never kept in
    the page or a cookie) and gets the code and the private link of the results."""
    principal = accounts.resolve(conn, jeton.strip()) if jeton.strip() else None
    try:
        if principal is None:
            raise Forbidden("jeton d'accès invalide : demande-le à l'administrateur·rice")
        created = service.create_session(conn, config, principal, nom.strip() or None)
    except DomainError as exc:
        return render("animer.html", 403, error=exc.message, created=None)
    link = f"/discrimination/seance/{created['code']}?{urlencode({'cle': created['results_key']})}"
    return render("animer.html", 201, error=None, created=created, link=link)


@router.get("/seance/{code}", response_class=HTMLResponse, summary="Bilan d'une séance de groupe")
def session_page(
    conn: ConnDep, config: ConfigDep, code: str, cle: Annotated[str, Query(max_length=64)] = ""
) -> HTMLResponse:
    """Counts for the facilitator (private link with the session's key)."""
    try:
        result = service.session_results(conn, config, rules.default(), code, key=cle)
    except (NotFound, Invalid):
        return render("erreur.html", 404, message="Séance introuvable, ou lien incomplet.")
    return render("seance.html", s=result)


@router.get("/statistiques", response_class=HTMLResponse, summary="Ce que les jeunes racontent")
def statistics_page(conn: ConnDep, config: ConfigDep) -> HTMLResponse:
    data = service.statistics(conn, config, rules.default(), staff=False)
    return render("statistiques.html", st=data)


@router.get("/regles", response_class=HTMLResponse, summary="Les règles utilisées (à relire)")
def rules_page() -> HTMLResponse:
    return render("regles.html", book=rules_as_json(rules.default()), today=date.today())
