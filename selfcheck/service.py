"""Use cases of the self-check: answer (qualify and orient; nothing stored), count a story
anonymously (opt-in), statistics, and group sessions for facilitators. Services own the
transactions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import psycopg

from accounts.models import Principal, Role
from actors import hours, resident
from actors.repo import review
from actors.repo.search import Viewer
from geo.errors import Forbidden, Invalid, InvariantError, NotFound
from selfcheck import codes, orient, repo, stats
from selfcheck.answers import RawAnswers, check_partial, parse
from selfcheck.models import Answers, Config, GroupSession, Place, Qualification, Testimony
from selfcheck.qualify import qualify
from selfcheck.rules import Outcome, Ruleset

MANAGERS = (Role.PLANNER, Role.ADMIN)
"""Roles that see every session (a facilitator sees the sessions they created)."""

SESSION_OPENERS = (Role.FACILITATOR, Role.PLANNER, Role.ADMIN)
"""Roles that open and run group sessions — the one set the API, the HTML form and the access
table all use (a moderator's work is moderation, not workshops)."""


@dataclass
class CheckResult:
    answers: Answers
    qualification: Qualification
    outcome: Outcome
    orientation: orient.Orientation
    evidence: list[str]


def places(conn: psycopg.Connection[Any], config: Config) -> dict[str, list[tuple[str, str]]]:
    """What the form offers: the QPV of the territory and its communes (code, name)."""
    quartiers = [
        (code, f"{name} ({', '.join(towns)})" if towns else name)
        for code, name, towns in review.quartiers(conn, config.territory, config.generation)
    ]
    communes = repo.territory_communes(conn, config.territory)
    if not communes:  # a territory that does not list its communes: those of the directory
        communes = resident.choices_communes(conn)
    return {"quartiers": quartiers, "communes": sorted(communes, key=lambda c: c[1])}


def validate(ruleset: Ruleset, raw: RawAnswers, today: date) -> None:
    """Check the codes answered so far (:class:`Invalid` names the unknown one)."""
    check_partial(raw, ruleset, today)


def check_place(conn: psycopg.Connection[Any], config: Config, place: Place) -> None:
    """:class:`Invalid` unless the QPV or the commune is one the form offers."""
    offered = places(conn, config)
    if place.qpv and place.qpv not in {code for code, _ in offered["quartiers"]}:
        raise Invalid(f"quartier inconnu : {place.qpv}")
    if place.commune and place.commune not in {code for code, _ in offered["communes"]}:
        raise Invalid(f"commune inconnue : {place.commune}")


def answer(
    conn: psycopg.Connection[Any],
    config: Config,
    ruleset: Ruleset,
    raw: RawAnswers,
    viewer: Viewer,
    limit: int = orient.DEFAULT_LIMIT,
    at: datetime | None = None,
) -> CheckResult:
    """Qualify the answers and find who can help. Nothing is written.

    Raises
    ------
    Invalid
        An unknown code, place or month (see :func:`selfcheck.answers.parse`).
    """
    moment = hours.paris_now(at)
    answers = parse(raw, ruleset, moment.date())
    check_place(conn, config, answers.place)
    qualification = qualify(answers, ruleset)
    outcome = ruleset.outcomes[qualification.outcome]
    found = orient.orient(
        conn,
        config.territory,
        config.generation,
        answers.place,
        qualification,
        outcome,
        viewer,
        limit,
        moment,
        config.helplines_file,
    )
    evidence = ruleset.evidence_for(qualification.kind.value)
    return CheckResult(answers, qualification, outcome, found, evidence)


def testify(
    conn: psycopg.Connection[Any],
    config: Config,
    ruleset: Ruleset,
    raw: RawAnswers,
    age_band: str | None,
    count_publicly: bool,
    session_code: str | None = None,
    today: date | None = None,
) -> dict[str, bool]:
    """Store what the person agreed to: an anonymous testimony (grounds, domain, QPV or
    commune, month, age band) and/or their answers in a group session's counts.

    Raises
    ------
    Invalid
        Unknown codes; a testimony without a QPV or commune; an unknown or closed session.
    """
    moment = today or hours.paris_now().date()
    answers = parse(raw, ruleset, moment)
    check_place(conn, config, answers.place)
    band = ruleset.age_band(age_band).code if age_band else None
    if count_publicly and not answers.place.given:
        raise Invalid("pour compter ton histoire, choisis ton quartier ou ta commune")
    session = _open_session(conn, session_code) if session_code else None
    if not count_publicly and session is None:
        raise Invalid("rien à enregistrer : tu n'as coché aucune case")
    qualification = qualify(answers, ruleset)
    with conn.transaction():
        if count_publicly:
            repo.insert_testimony(conn, testimony_of(answers, qualification, band))
        if session is not None:
            repo.insert_group_answer(
                conn,
                session.id,
                answers.situation,
                answers.reasons,
                qualification.domain,
                qualification.outcome,
                answers.wishes,
            )
    return {"counted": count_publicly, "shared_with_group": session is not None}


def testimony_of(answers: Answers, qualification: Qualification, band: str | None) -> Testimony:
    """Exactly the fields that may be stored (see ``models.TESTIMONY_FIELDS``)."""
    return Testimony(
        grounds=qualification.grounds,
        domain=qualification.domain,
        qpv=answers.place.qpv,
        commune=None if answers.place.qpv else answers.place.commune,
        month=answers.month,
        age_band=band,
    )


def statistics(
    conn: psycopg.Connection[Any], config: Config, ruleset: Ruleset, staff: bool
) -> dict[str, Any]:
    """Suppressed counts of the testimonies (see :mod:`selfcheck.stats`). The public figures
    are the day's snapshot (Europe/Paris), made at the day's first read and unchanged until
    the next day: two reads around one pupil's testimony show the same numbers."""
    if staff:
        return stats.testimonies(conn, config, ruleset, staff=True)
    day = hours.paris_now().date()
    published = repo.snapshot(conn, day, config.territory)
    if published is None:
        with conn.transaction():
            body = {**stats.testimonies(conn, config, ruleset, staff=False), "day": day.isoformat()}
            repo.save_snapshot(conn, day, body, config.territory)
        published = repo.snapshot(conn, day, config.territory)
    if published is None:
        raise InvariantError("the day's statistics snapshot was not stored")
    return published


# --- group sessions ----------------------------------------------------------------------------


def _open_session(conn: psycopg.Connection[Any], text: str) -> GroupSession:
    session = repo.session_by_code(conn, codes.normalise(text))
    if session is None or not session.is_open(hours.paris_now()):
        raise Invalid(f"code de séance inconnu ou séance terminée : {text[:20]}")
    return session


def join(conn: psycopg.Connection[Any], text: str) -> GroupSession:
    """The open session of a code a participant typed (:class:`Invalid` otherwise)."""
    return _open_session(conn, text)


def create_session(
    conn: psycopg.Connection[Any], config: Config, principal: Principal, label: str | None
) -> dict[str, Any]:
    """A new session with its code and the secret key of its results page (shown once)."""
    if not principal.has_role(*SESSION_OPENERS) or principal.user_id is None:
        raise Forbidden(
            "ouvrir une séance de groupe est réservé aux rôles : "
            + ", ".join(r.value for r in SESSION_OPENERS)
        )
    key = codes.new_key()
    until = hours.paris_now() + timedelta(hours=config.session_hours)
    for _attempt in range(5):
        code = codes.new_code()
        if repo.session_by_code(conn, code) is None:
            break
    with conn.transaction():
        repo.create_session(conn, code, codes.key_hash(key), label, principal.user_id, until)
    session = repo.session_by_code(conn, code)
    if session is None:
        raise InvariantError("expected session is not None")
    return {**session_view(session), "results_key": key}


def session_view(session: GroupSession) -> dict[str, Any]:
    until = hours.paris_now(session.open_until)
    return {
        "id": session.id,
        "code": codes.display(session.code),
        "label": session.label,
        "created_at": session.created_at,
        "open_until": session.open_until,
        "open_until_label": f"{hours.french_date(until.date())} à {hours.clock(until)}",
        "closed_at": session.closed_at,
        "open": session.is_open(hours.paris_now()),
        "answers": session.answers,
    }


def _managed(conn: psycopg.Connection[Any], principal: Principal, text: str) -> GroupSession:
    session = repo.session_by_code(conn, codes.normalise(text))
    mine = session is not None and (
        principal.has_role(*MANAGERS) or session.created_by == principal.user_id
    )
    if session is None or not mine:
        raise NotFound(f"séance introuvable : {text[:20]}")
    return session


def my_sessions(conn: psycopg.Connection[Any], principal: Principal) -> list[dict[str, Any]]:
    """The caller's sessions (every session for planners and admins)."""
    if not principal.is_staff:
        raise Forbidden("réservé à l'équipe")
    owner: uuid.UUID | None = None if principal.has_role(*MANAGERS) else principal.user_id
    return [session_view(s) for s in repo.sessions_of(conn, owner)]


def close_session(conn: psycopg.Connection[Any], principal: Principal, text: str) -> dict[str, Any]:
    session = _managed(conn, principal, text)
    with conn.transaction():
        repo.close_session(conn, session.id)
    closed = repo.session_by_code(conn, session.code)
    if closed is None:
        raise InvariantError("expected closed is not None")
    return session_view(closed)


def session_results(
    conn: psycopg.Connection[Any],
    config: Config,
    ruleset: Ruleset,
    text: str,
    principal: Principal | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    """A session's counts, for its facilitator (token) or whoever holds its results key."""
    code = codes.normalise(text)
    if principal is not None:
        session = _managed(conn, principal, text)
    else:
        found = repo.session_by_code(conn, code)
        if (
            found is None
            or not key
            or not repo.session_key_matches(conn, code, codes.key_hash(key))
        ):
            raise NotFound(f"séance introuvable : {text[:20]}")
        session = found
    return {**session_view(session), **stats.group(conn, session, config, ruleset)}
