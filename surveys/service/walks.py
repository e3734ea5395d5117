"""Walks: create, read, list, join with an invite code, move through the lifecycle, compare
paired walks."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import psycopg

from accounts import service as accounts
from accounts.models import Principal, Role
from geo import territory
from geo.errors import Conflict, Invalid, InvariantError, NotFound
from surveys import policy, states
from surveys.models import DEMO_LABEL, SurveyConfig, WalkInput
from surveys.repo import walks as repo

INVITE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O, U (nothing to misread when the code is dictated)."""
INVITE_LENGTH = 8
_CROCKFORD_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_invite_code() -> str:
    """A random invite code (40 bits, Crockford base 32)."""
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def normalise_invite_code(text: str) -> str:
    """``abcd-efgh`` → ``ABCDEFGH`` (dashes and spaces dropped, O→0 and I/L→1)."""
    code = re.sub(r"[\s-]", "", text).upper().translate(_CROCKFORD_ALIASES)
    if len(code) != INVITE_LENGTH or any(c not in INVITE_ALPHABET for c in code):
        raise NotFound("code d'invitation inconnu")
    return code


def format_invite_code(code: str) -> str:
    """``ABCDEFGH`` → ``ABCD-EFGH`` (easier to dictate)."""
    return f"{code[:4]}-{code[4:]}"


def create_walk(
    conn: psycopg.Connection[Any],
    principal: Principal,
    data: WalkInput,
    config: SurveyConfig,
    demo: bool = False,
) -> dict[str, Any]:
    """Create a walk with its stops; returns it with its invite code.

    The facilitator is the creating account, or for an admin the facilitator account named by
    ``facilitator_login``.
    """
    policy.check_create_walk(principal)
    if principal.user_id is None:
        raise InvariantError("expected principal.user_id is not None")
    _check_places(conn, data, config)
    facilitator_id = _facilitator(conn, principal, data)
    with conn.transaction():
        if data.paired_walk_id is not None:
            policy.check_read_walk(principal, repo.get_ref(conn, data.paired_walk_id))
        walk_id = _insert_with_fresh_code(conn, data, config, facilitator_id, principal, demo)
        repo.insert_stops(conn, walk_id, data.stops)
    return get_walk(conn, principal, walk_id)


def _insert_with_fresh_code(
    conn: psycopg.Connection[Any],
    data: WalkInput,
    config: SurveyConfig,
    facilitator_id: uuid.UUID,
    principal: Principal,
    demo: bool,
) -> uuid.UUID:
    if principal.user_id is None:
        raise InvariantError("expected principal.user_id is not None")
    for _ in range(5):
        try:
            with conn.transaction():
                return repo.insert_walk(
                    conn,
                    data,
                    config.territory,
                    new_invite_code(),
                    facilitator_id,
                    principal.user_id,
                    demo,
                )
        except Conflict:
            continue
    raise Conflict("impossible d'attribuer un code d'invitation, réessayez")


def _facilitator(conn: psycopg.Connection[Any], principal: Principal, data: WalkInput) -> uuid.UUID:
    if principal.user_id is None:
        raise InvariantError("expected principal.user_id is not None")
    if data.facilitator_login is None:
        return principal.user_id
    if principal.role is not Role.ADMIN:
        raise Invalid("seul un compte admin peut désigner l'animatrice ou l'animateur")
    found = repo.user_id_by_login(conn, data.facilitator_login, Role.FACILITATOR.value)
    if found is None:
        raise Invalid(f"compte facilitator inconnu : {data.facilitator_login!r}")
    return found


def _check_places(conn: psycopg.Connection[Any], data: WalkInput, config: SurveyConfig) -> None:
    unknown = repo.unknown_qpv_codes(conn, data.qpv_codes)
    if unknown:
        raise Invalid(f"code(s) QPV inconnu(s) : {', '.join(unknown)}")
    for stop in data.stops:
        territory.check_point(conn, config.territory, stop.lon, stop.lat)
    if data.route is not None:
        for lon, lat in data.route.coords:
            territory.check_point(conn, config.territory, lon, lat)


def get_walk(
    conn: psycopg.Connection[Any], principal: Principal, walk_id: uuid.UUID
) -> dict[str, Any]:
    """The walk as the principal may see it (invite code, participants, history for managers)."""
    walk = policy.check_read_walk(principal, repo.get_ref(conn, walk_id))
    manager = policy.can_manage_walk(principal, walk)
    body = repo.walk_json(conn, walk_id, manager=manager)
    if body is None:
        raise NotFound("marche introuvable")
    body = _decorate(body)
    if principal.is_staff:
        body["history"] = repo.transitions(conn, walk_id)
    if manager:
        body["participants"] = repo.participants(conn, walk_id)
    return body


def _decorate(body: dict[str, Any]) -> dict[str, Any]:
    machine = states.walk()
    body["status_label"] = machine.state(body["status"]).label
    body["is_open"] = machine.in_category(body["status"], "open")
    if body.get("invite_code"):
        body["invite_code"] = format_invite_code(body["invite_code"])
    if body.get("demo"):
        body["avertissement"] = DEMO_LABEL
    return body


def list_walks(conn: psycopg.Connection[Any], principal: Principal) -> list[dict[str, Any]]:
    """The walks the principal may see, most recent first."""
    return [_decorate(w) for w in repo.list_walks(conn, policy.scope(principal))]


def join(
    conn: psycopg.Connection[Any],
    invite_code: str,
    pseudonym: str,
    token_days: int = SurveyConfig.participant_token_days,
) -> dict[str, Any]:
    """A pseudonymous participant joins the walk of ``invite_code``; returns a walk-scoped token
    that expires ``token_days`` after the walk (or after today, for a walk in the past).

    Every call creates a new participant (a retried join gives a second, harmless identity:
    nothing is keyed on the pseudonym).
    """
    code = normalise_invite_code(invite_code)
    with conn.transaction():
        walk = repo.get_ref_by_invite(conn, code)
        if walk is None:
            raise NotFound("code d'invitation inconnu")
        if not states.walk().in_category(walk.status, "open"):
            raise Conflict("cette marche est close : on ne peut plus la rejoindre")
        participant_id = repo.insert_participant(conn, walk.id, pseudonym, demo=walk.demo)
        start = max(repo.walk_date(conn, walk.id), datetime.now(UTC).date())
        expires = datetime.combine(start, time(0, 0), UTC) + timedelta(days=token_days + 1)
        token = accounts.issue_participant_token(conn, participant_id, walk.id, expires)
    return {
        "token": token,
        "walk_id": walk.id,
        "participant_id": participant_id,
        "expires_at": expires,
    }


def transition(
    conn: psycopg.Connection[Any],
    principal: Principal,
    walk_id: uuid.UUID,
    action: str,
    comment: str | None,
) -> dict[str, Any]:
    """Move the walk along its lifecycle (checked by the state machine); writes a history row."""
    with conn.transaction():
        walk = policy.check_read_walk(principal, repo.lock_ref(conn, walk_id))
        policy.check_manage_walk(principal, walk)
        target = states.walk().step(walk.status, action, principal.role, comment)
        if principal.user_id is None:
            raise InvariantError("expected principal.user_id is not None")
        repo.set_status(conn, walk_id, walk.status, target)
        repo.insert_transition(
            conn, walk_id, action, walk.status, target, principal.user_id, comment
        )
    return get_walk(conn, principal, walk_id)


def update_walk(
    conn: psycopg.Connection[Any],
    principal: Principal,
    walk_id: uuid.UUID,
    data: WalkInput,
    config: SurveyConfig,
) -> dict[str, Any]:
    """Change a walk's title, date, slot, QPV, organiser, group, pair, route and stops (the
    people who run it). Stops that observations already name cannot change any more."""
    _check_places(conn, data, config)
    with conn.transaction():
        walk = policy.check_read_walk(principal, repo.lock_ref(conn, walk_id))
        policy.check_manage_walk(principal, walk)
        if data.paired_walk_id is not None:
            if data.paired_walk_id == walk_id:
                raise Invalid("une marche ne peut pas être appariée à elle-même")
            policy.check_read_walk(principal, repo.get_ref(conn, data.paired_walk_id))
        current = get_walk(conn, principal, walk_id)
        before = [
            (
                s["name"],
                round(s["location"]["coordinates"][0], 6),
                round(s["location"]["coordinates"][1], 6),
            )
            for s in current["stops"]
        ]
        same_stops = before == [(s.name, round(s.lon, 6), round(s.lat, 6)) for s in data.stops]
        if not same_stops:
            if repo.stops_observed(conn, walk_id):
                raise Conflict(
                    "des observations sont déjà rattachées aux arrêts de cette marche : "
                    "les arrêts ne peuvent plus changer"
                )
            repo.delete_stops(conn, walk_id)
            repo.insert_stops(conn, walk_id, data.stops)
        repo.update_walk(conn, walk_id, data)
    return get_walk(conn, principal, walk_id)


MAX_TEXT = 10_000


def write_text(
    conn: psycopg.Connection[Any],
    principal: Principal,
    walk_id: uuid.UUID,
    version: str,
    text: str | None,
) -> dict[str, Any]:
    """The facilitator writes the walk's restitution or one-year bilan text (shown in the report
    of that version); only the people who run the walk may."""
    if version not in repo.TEXT_COLUMNS:
        raise Invalid(f"texte inconnu : {version!r} (restitution ou bilan)")
    if text is not None and len(text) > MAX_TEXT:
        raise Invalid(f"texte trop long ({len(text)} caractères, maximum {MAX_TEXT})")
    with conn.transaction():
        walk = policy.check_read_walk(principal, repo.lock_ref(conn, walk_id))
        policy.check_manage_walk(principal, walk)
        repo.set_text(conn, walk_id, version, (text or "").strip() or None)
    return get_walk(conn, principal, walk_id)


def participants(
    conn: psycopg.Connection[Any], principal: Principal, walk_id: uuid.UUID
) -> list[dict[str, Any]]:
    """Pseudonyms of a walk, for the people who manage it."""
    walk = policy.check_read_walk(principal, repo.get_ref(conn, walk_id))
    policy.check_manage_walk(principal, walk)
    return repo.participants(conn, walk_id)


def comparison(
    conn: psycopg.Connection[Any], principal: Principal, walk_id: uuid.UUID
) -> dict[str, Any]:
    """Stops of a walk side by side with those of its paired walk (same route by day and by
    night), matched by position: observations, mean rating and feeling, strong points."""
    walk = policy.check_read_walk(principal, repo.get_ref(conn, walk_id))
    if not principal.is_staff:
        raise NotFound("comparaison réservée à l'équipe")
    pair_id = repo.paired_walk_id(conn, walk.id)
    pair = repo.get_ref(conn, pair_id) if pair_id else None
    if pair is not None and not policy.can_read_walk(principal, pair):
        pair = None
    ids = [walk.id] + ([pair.id] if pair else [])
    rows = repo.stop_summaries(conn, ids)
    by_position: dict[int, dict[str, Any]] = {}
    for row in rows:
        side = "walk" if row["walk_id"] == walk.id else "paired"
        entry = by_position.setdefault(row["position"], {"position": row["position"]})
        entry[side] = {k: v for k, v in row.items() if k not in ("walk_id", "position")}
    return {
        "walk": _summary(conn, principal, walk.id),
        "paired": _summary(conn, principal, pair.id) if pair else None,
        "stops": [by_position[p] for p in sorted(by_position)],
    }


def _summary(
    conn: psycopg.Connection[Any], principal: Principal, walk_id: uuid.UUID
) -> dict[str, Any]:
    body = get_walk(conn, principal, walk_id)
    return {k: body[k] for k in ("id", "title", "date", "time_slot", "status", "demo")}
