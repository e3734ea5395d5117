"""Qualification: may what happened be a discrimination in law? Pure functions over the answers
and the rules of ``rules.toml`` (no database, no HTTP)."""

from __future__ import annotations

from selfcheck.models import Answers, Kind, Qualification
from selfcheck.rules import Ruleset


def grounds_of(reasons: tuple[str, ...], ruleset: Ruleset) -> tuple[str, ...]:
    """The grounds of the law behind the everyday reasons, without repeats, in order."""
    seen: dict[str, None] = {}
    for code in reasons:
        for ground in ruleset.reason(code).grounds:
            seen.setdefault(ground, None)
    return tuple(seen)


def ground_state(reasons: tuple[str, ...], ruleset: Ruleset) -> str:
    """``legal`` (a ground of the law given), ``unknown`` (« je ne sais pas » only) or
    ``none`` (only reasons the law does not list, or nothing)."""
    if grounds_of(reasons, ruleset):
        return "legal"
    if any(ruleset.reason(code).unknown for code in reasons):
        return "unknown"
    return "none"


def effective_domain(answers: Answers, ruleset: Ruleset) -> str | None:
    """The domain chosen, else the one the situation implies (a refused flat → housing)."""
    return answers.domain or ruleset.situation(answers.situation).domain


def qualify(answers: Answers, ruleset: Ruleset) -> Qualification:
    """Apply the ordered rules; the first whose conditions match gives the outcome.

    The three elements of a discrimination in law are read from the answers: the kind of
    situation (a less favourable treatment or something else), the grounds (of the law or not),
    the domain (covered by the law or not).
    """
    situation = ruleset.situation(answers.situation)
    kind = situation.kind or Kind.OTHER
    grounds = grounds_of(answers.reasons, ruleset)
    g_state = ground_state(answers.reasons, ruleset)
    domain = effective_domain(answers, ruleset)
    if domain is None:
        d_state = "unknown"
    else:
        d_state = "covered" if domain in ruleset.covered_domains else "not_covered"
    for rule in ruleset.rules:
        if rule.matches(kind.value, g_state, d_state, domain):
            outcome = ruleset.outcomes[rule.outcome]
            return Qualification(
                outcome=outcome.code,
                verdict=outcome.verdict,
                kind=kind,
                grounds=grounds,
                domain=domain,
                ground_state=g_state,
                domain_state=d_state,
                rule_why=rule.why,
            )
    raise AssertionError("rules.toml ends with a catch-all rule (checked on load)")
