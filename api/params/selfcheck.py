"""Parameters of the self-check routes and pages: settings, testimony throttles, the rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from api.deps import SettingsDep
from selfcheck import rules
from selfcheck.models import Config
from selfcheck.throttle import Throttle

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


def throttles(request: Request) -> dict[str, Throttle]:
    """The testimony limiters of this app (created on first use; in memory, per process)."""
    state = request.app.state
    if not hasattr(state, "selfcheck_throttles"):
        per_hour = state.settings.selfcheck_testimonies_per_hour
        state.selfcheck_throttles = {
            "address": Throttle(per_hour, 3600),
            "session": Throttle(SESSION_ANSWERS_MAX, 72 * 3600),
        }
    found: dict[str, Throttle] = state.selfcheck_throttles
    return found


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
