"""JSON API of the discrimination self-check: the questions (rules as data), an answer
(nothing stored), the anonymous opt-in testimony (rate-limited), suppressed statistics, and
group sessions for facilitators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request

from accounts.models import Principal
from actors import finder, helplines, present, vocab
from api.deps import ConnDep, MaybePrincipal, StaffPrincipal, require
from api.params.selfcheck import (
    ConfigDep,
    check_rate,
    rules_as_json,
)
from api.routing import StrictJSONRoute
from api.schemas_selfcheck import CheckIn, SessionIn, TestimonyIn
from selfcheck import rules, service

router = APIRouter(prefix="/api/selfcheck", route_class=StrictJSONRoute, tags=["selfcheck"])


Facilitator = Annotated[Principal, require(*service.SESSION_OPENERS)]


@router.get("/questions", summary="Questions, réponses possibles et règles (données relisibles)")
def questions() -> dict[str, Any]:
    return rules_as_json(rules.default())


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
