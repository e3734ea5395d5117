"""JSON API of the discrimination self-check: the questions (rules as data), an answer
(nothing stored), the anonymous opt-in testimony (rate-limited), suppressed statistics, and
group sessions for facilitators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request

from accounts.models import Principal
from actors import finder, helplines, present, vocab
from api.deps import ConnDep, MaybePrincipal, SettingsDep, StaffPrincipal, require
from api.routing import StrictJSONRoute
from api.schemas_selfcheck import CheckIn, SessionIn, TestimonyIn
from selfcheck import rules, service
from selfcheck.models import Config
from selfcheck.throttle import Throttle

router = APIRouter(prefix="/api/selfcheck", route_class=StrictJSONRoute, tags=["selfcheck"])

SESSION_ANSWERS_MAX = 200
"""Answers one group session accepts (a class, a youth club: far fewer)."""


async def selfcheck_config(settings: SettingsDep) -> Config:
    return Config(
        territory=settings.territory,
        generation=settings.qpv_generation,
        min_count=settings.public_min_count,
        group_min_count=settings.selfcheck_group_min_count,
        session_hours=settings.selfcheck_session_hours,
        helplines_file=settings.helplines_file,
    )


ConfigDep = Annotated[Config, Depends(selfcheck_config)]
Facilitator = Annotated[Principal, require(*service.SESSION_OPENERS)]


def throttles(request: Request) -> dict[str, Throttle]:
    """The testimony limiters of this app (created on first use; in memory, per process)."""
    state = request.app.state
    if not hasattr(state, "selfcheck_throttles"):
        per_hour = state.settings.selfcheck_testimonies_per_hour
        state.selfcheck_throttles = {
            "address": Throttle(per_hour, 3600),
            "session": Throttle(SESSION_ANSWERS_MAX, 72 * 3600),
        }
    return state.selfcheck_throttles


def check_rate(request: Request, session_code: str | None) -> None:
    """429 when an address (or a group session) sent too many testimonies. In a workshop the
    participants share one address: the session's own budget is used instead."""
    limits = throttles(request)
    if session_code:
        wait = limits["session"].hit("session:" + session_code.upper().replace("-", ""))
    else:
        wait = limits["address"].hit(request.client.host if request.client else "?")
    if wait is not None:
        raise HTTPException(
            429,
            detail="trop de témoignages envoyés depuis cette connexion, réessaie plus tard",
            headers={"Retry-After": str(wait)},
        )


@router.get("/questions", summary="Questions, réponses possibles et règles (données relisibles)")
def questions() -> dict[str, Any]:
    return rules_as_json(rules.default())


def rules_as_json(book: rules.Ruleset) -> dict[str, Any]:
    def choices(items: tuple[rules.Choice, ...]) -> list[dict[str, Any]]:
        return [{k: v for k, v in c.__dict__.items() if v not in (None, (), False)} for c in items]

    return {
        "version": book.version,
        "status": book.status,
        "situations": choices(book.situations),
        "reasons": choices(book.reasons),
        "places": choices(book.places),
        "wishes": choices(book.wishes),
        "age_bands": choices(book.age_bands),
        "covered_domains": sorted(book.covered_domains),
        "references": [r.__dict__ for r in book.references.values()],
        "outcomes": [{**o.__dict__, "actors": o.actors.__dict__} for o in book.outcomes.values()],
        "rules": [r.__dict__ for r in book.rules],
    }


@router.post(
    "/check", summary="Est-ce une discrimination ? Réponse et lieux proches (rien n'est enregistré)"
)
def check(
    conn: ConnDep, config: ConfigDep, principal: MaybePrincipal, body: CheckIn
) -> dict[str, Any]:
    book = rules.default()
    result = service.answer(
        conn, config, book, body.raw(), finder.viewer_for(principal, body.at), body.limit, body.at
    )
    return result_as_json(result, book)


def result_as_json(result: service.CheckResult, book: rules.Ruleset) -> dict[str, Any]:
    q, outcome, found = result.qualification, result.outcome, result.orientation
    return {
        "outcome": outcome.code,
        "discrimination": outcome.verdict.value,
        "title": outcome.title,
        "legal_word": outcome.legal_word,
        "summary": outcome.summary,
        "why": q.rule_why,
        "grounds": [
            {"code": g.code, "label": g.label, "legal_ref": g.legal_ref, "legal_url": g.legal_url}
            for g in (vocab.grounds().get(code) for code in q.grounds)
        ],
        "domain": {"code": q.domain, "label": vocab.domains().get(q.domain).label}
        if q.domain
        else None,
        "references": [book.references[r].__dict__ for r in outcome.refs],
        "actions": list(outcome.actions),
        "evidence": result.evidence,
        "helplines": [helplines.as_dict(line) for line in found.lines],
        "places": {
            "type": "FeatureCollection",
            "origin": found.origin,
            "features": found.places,
        },
        "cards": [present.card(f) for f in found.places],
        "problem": found.problem,
        "stored": False,
    }


@router.post("/testimonies", status_code=201, summary="Compter mon histoire, anonymement")
def testify(
    request: Request, conn: ConnDep, config: ConfigDep, body: TestimonyIn
) -> dict[str, Any]:
    """Stores only: grounds, domain, QPV or commune, month, age band (no identifier, no text,
    no address, no IP, no time finer than the month) — and, with a session code, the answers
    in that group's counts. Limited per address (429)."""
    check_rate(request, body.session_code)
    return service.testify(
        conn,
        config,
        rules.default(),
        body.raw(),
        body.age_band,
        body.count_publicly,
        body.session_code,
    )


@router.get("/stats", summary="Statistiques publiques des témoignages (nombres ≥ k seulement)")
def public_stats(conn: ConnDep, config: ConfigDep) -> dict[str, Any]:
    return service.statistics(conn, config, rules.default(), staff=False)


@router.get("/stats/staff", summary="Statistiques détaillées pour l'équipe (nombres ≥ k)")
def staff_stats(conn: ConnDep, config: ConfigDep, _who: StaffPrincipal) -> dict[str, Any]:
    return service.statistics(conn, config, rules.default(), staff=True)


@router.post("/sessions", status_code=201, summary="Ouvrir une séance de groupe")
def create_session(
    conn: ConnDep, config: ConfigDep, who: Facilitator, body: SessionIn
) -> dict[str, Any]:
    """Returns the short code for the participants and, once, the secret key of the results
    page (``/discrimination/seance/{code}?cle=…``)."""
    return service.create_session(conn, config, who, body.label)


@router.get("/sessions", summary="Mes séances de groupe")
def list_sessions(conn: ConnDep, who: Facilitator) -> list[dict[str, Any]]:
    return service.my_sessions(conn, who)


@router.get("/sessions/{code}", summary="Réponses d'une séance, comptées")
def session_results(
    conn: ConnDep, config: ConfigDep, who: Facilitator, code: str
) -> dict[str, Any]:
    return service.session_results(conn, config, rules.default(), code, principal=who)


@router.post("/sessions/{code}/close", summary="Clore une séance")
def close_session(conn: ConnDep, who: Facilitator, code: str) -> dict[str, Any]:
    return service.close_session(conn, who, code)
