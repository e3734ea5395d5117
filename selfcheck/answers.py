"""Turn what a form or a JSON body sent into checked :class:`Answers` (codes of ``rules.toml``;
an unknown code is :class:`Invalid`, i.e. 422, naming the valid ones). HTTP-free."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from geo.errors import Invalid
from selfcheck.models import Answers, Place
from selfcheck.rules import Ruleset

UNKNOWN = ("", "ne_sais_pas")
"""Values meaning « not said » for the domain and the month."""
LONG_AGO = "avant"
"""Month value for « il y a plus longtemps »."""
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QPV = re.compile(r"^Q[PN]\d{3}[0-9A-Z]{3}$")
_INSEE = re.compile(r"^\d[\dAB]\d{3}$")


@dataclass(frozen=True)
class RawAnswers:
    """Answers as received (strings), before any check."""

    situation: str | None = None
    reasons: tuple[str, ...] = ()
    domain: str | None = None
    place: str | None = None
    """``QP044013`` (a QPV) or ``44109`` (an INSEE code)."""
    month: str | None = None
    wishes: tuple[str, ...] = ()


def parse(raw: RawAnswers, ruleset: Ruleset, today: date) -> Answers:
    """Check every code of ``raw``.

    Raises
    ------
    Invalid
        Missing situation; unknown situation, reason, domain, wish; malformed place; month
        malformed, in the future or older than ``months_accepted``.
    """
    if not raw.situation:
        raise Invalid("situation manquante : dis-nous d'abord ce qui s'est passé")
    situation = ruleset.situation(raw.situation).code
    reasons = _unique(ruleset.reason(code).code for code in raw.reasons)
    domain = None if (raw.domain or "") in UNKNOWN else ruleset.place(raw.domain or "").code
    wishes = _unique(ruleset.wish(code).code for code in raw.wishes)
    return Answers(
        situation=situation,
        reasons=reasons,
        domain=domain,
        place=parse_place(raw.place),
        month=parse_month(raw.month, ruleset, today),
        wishes=wishes,
    )


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def parse_place(text: str | None) -> Place:
    """``QP044013`` → a QPV, ``44109`` → a commune, empty → none (existence checked later)."""
    value = (text or "").strip().upper()
    if not value:
        return Place()
    if _QPV.match(value):
        return Place(qpv=value)
    if _INSEE.match(value):
        return Place(commune=value)
    raise Invalid(f"lieu inconnu : {text!r} (un code de quartier QPV ou un code INSEE de commune)")


def parse_month(text: str | None, ruleset: Ruleset, today: date) -> date | None:
    """``2026-11`` → 1 November 2026; empty, « ne_sais_pas » or « avant » → None."""
    value = (text or "").strip()
    if value in UNKNOWN or value == LONG_AGO:
        return None
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise Invalid(f"mois invalide : {text!r} (attendu AAAA-MM)")
    month = date(int(match.group(1)), int(match.group(2)), 1)
    if month > today.replace(day=1):
        raise Invalid(f"mois dans le futur : {value}")
    if month < months_ago(today, ruleset.months_accepted):
        raise Invalid(f"mois trop ancien : {value} (au plus {ruleset.months_accepted} mois)")
    return month


def months_ago(today: date, count: int) -> date:
    """First day of the month ``count`` months before ``today``'s."""
    index = today.year * 12 + today.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def recent_months(today: date, count: int) -> list[date]:
    """The current month and the ``count - 1`` before it, newest first."""
    return [months_ago(today, n) for n in range(count)]


def check_partial(raw: RawAnswers, ruleset: Ruleset, today: date) -> None:
    """Check the codes given so far (any answer may still be missing).

    Raises
    ------
    Invalid
        As :func:`parse`, except for a missing situation.
    """
    parse(replace(raw, situation=raw.situation or ruleset.situations[0].code), ruleset, today)
