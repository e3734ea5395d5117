"""Actors keep their own entry true (issue 21).

Staff send an actor a link (by e-mail, :mod:`app.actor_mail`); the link opens a French form of
that actor's entry and nothing else. The actor changes its hours, phone, publics, grounds… or
says « nothing changed ». What it sends waits for a staff review (a diff: value when proposed,
value now, proposed value); applying it writes the fields as a staff edit would (history,
imports never overwrite them), records that the actor confirmed its entry and sets the
verification date — the quality score's freshness is full again.

A link is a random 256-bit token; the database keeps only its SHA-256. It expires
(:data:`LINK_DAYS`) and is used once: the submission consumes it in the same statement that
checks it, so an expired, used or unknown link answers 404 and nothing is written.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from accounts.models import Principal
from actors import service, validate, vocab
from actors.models import Actor
from actors.repo import proposals, records
from geo.errors import Conflict, Invalid, InvariantError, NotFound

LINK_DAYS = 30
"""How long a link sent to an actor stays usable."""
RESEND_DAYS = 14
"""The campaign does not send a new link to an actor who got one this recently."""
NOTE_MAX = 1000

SELF_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("telephone", "Téléphone", "text"),
    ("courriel", "Courriel", "text"),
    ("site_web", "Site web", "text"),
    ("horaires_accueil", "Horaires d'accueil (format OpenStreetMap)", "text"),
    ("hours_text", "Horaires en quelques mots", "textarea"),
    ("description", "Présentation du lieu", "textarea"),
    ("publics", "Publics accueillis", "codes"),
    ("grounds", "Motifs de discrimination traités", "codes"),
)
"""(field, French label, kind) of what an actor may change itself."""
FIELD_NAMES = tuple(name for name, _, _ in SELF_FIELDS)
LABELS = {name: label for name, label, _ in SELF_FIELDS}

NOTHING_CHANGED = "Rien n'a changé : sans modification, cliquez sur « Rien n'a changé »."


def options(field: str) -> tuple[tuple[str, str], ...]:
    """The vocabulary terms (code, label) of a list field."""
    terms = vocab.publics().terms if field == "publics" else vocab.grounds().terms
    return tuple((t.code, t.everyday or t.label) for t in terms)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


@dataclass(frozen=True)
class Link:
    id: int
    token: str
    actor_id: uuid.UUID
    sent_to: str
    expires_at: datetime


def issue(
    conn: psycopg.Connection[Any],
    actor_id: uuid.UUID,
    sent_to: str,
    by_login: str | None,
    days: int = LINK_DAYS,
) -> Link:
    """A new link for one actor (the caller sends it; only its hash is stored)."""
    address = validate.email(sent_to)
    if address is None:
        raise Invalid("courriel : obligatoire pour envoyer un lien")
    if records.get(conn, actor_id) is None:
        raise NotFound(f"acteur introuvable : {actor_id}")
    token = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days)
    link_id = proposals.add_link(conn, token_hash(token), actor_id, address, by_login, expires)
    return Link(link_id, token, actor_id, address, expires)


def actor_of_link(conn: psycopg.Connection[Any], token: str) -> Actor:
    """The actor a live link opens; NotFound for an unknown, expired or used link."""
    found = proposals.live_link(conn, token_hash(token)) if _plausible(token) else None
    actor = records.get(conn, found[1]) if found else None
    if actor is None:
        raise NotFound("lien de mise à jour inconnu, expiré ou déjà utilisé")
    return actor


def _plausible(token: str) -> bool:
    return 20 <= len(token) <= 100 and token.replace("-", "").replace("_", "").isalnum()


def current_values(actor: Actor) -> dict[str, Any]:
    """The form's values: the entry as stored (lists stay lists)."""
    out: dict[str, Any] = {}
    for name in FIELD_NAMES:
        value = getattr(actor, name)
        out[name] = list(value or []) if isinstance(value, list) else (value or "")
    return out


def check(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each field given validated alone with the importer's rules: (clean values, errors by
    field). Fields outside :data:`SELF_FIELDS` are ignored."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in FIELD_NAMES:
        if name not in values:
            continue
        raw = values.get(name)
        if raw == "":
            raw = None
        try:
            clean[name] = validate.record({name: raw}, require_name=False)[name]
        except Invalid as exc:
            errors[name] = exc.message
    return clean, errors


def differences(actor: Actor, clean: dict[str, Any]) -> dict[str, list[Any]]:
    """field → [stored value, proposed value] for what the actor changed."""
    out: dict[str, list[Any]] = {}
    for name in FIELD_NAMES:
        if name not in clean:
            continue
        before, after = getattr(actor, name), clean.get(name)
        if isinstance(before, list) or isinstance(after, list):
            if sorted(before or []) != sorted(after or []):
                out[name] = [list(before or []), list(after or [])]
        elif (before or None) != (after or None):
            out[name] = [before, after]
    return out


def propose(
    conn: psycopg.Connection[Any],
    token: str,
    values: dict[str, Any],
    unchanged: bool,
    note: str | None,
) -> int:
    """Record what the actor sends through its link; the link is used up.

    Raises :class:`NotFound` (dead link: nothing written), or :class:`InvalidFields` naming
    each bad field (the link stays usable).
    """
    actor = actor_of_link(conn, token)
    note = _note(note)
    changes: dict[str, list[Any]] = {}
    if not unchanged:
        clean, errors = check(values)
        if errors:
            raise InvalidFields(errors)
        changes = differences(actor, clean)
        if not changes and not note:
            raise InvalidFields({"_": NOTHING_CHANGED})
    with conn.transaction():
        used = proposals.consume(conn, token_hash(token))
        if used is None or used[1] != actor.id:
            raise NotFound("lien de mise à jour inconnu, expiré ou déjà utilisé")
        return proposals.add_proposal(conn, used[0], actor.id, unchanged, changes, note)


def _note(raw: str | None) -> str | None:
    """The actor's message to the team (multi-line text, bounded)."""
    try:
        note = validate.text("description", raw)
    except Invalid as exc:
        raise InvalidFields({"note": exc.message.replace("description", "message")}) from exc
    if note and len(note) > NOTE_MAX:
        raise InvalidFields({"note": f"message trop long (maximum {NOTE_MAX} caractères)"})
    return note


class InvalidFields(Invalid):
    """Bad values of the self-update form, by field (``_``: the form as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str
    proposed_from: str
    now: str
    proposed: str
    moved_since: bool
    """Someone changed the field between the proposal and now."""


def shown(field: str, value: Any) -> str:
    """A value as a reviewer reads it (codes as their French labels)."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        labels = dict(options(field)) if field in ("publics", "grounds") else {}
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    return str(value)


def diff(conn: psycopg.Connection[Any], proposal: dict[str, Any]) -> list[DiffRow]:
    """The rows of a proposal's review: what it proposed against the entry as it is now."""
    actor = records.get(conn, proposal["actor_id"])
    if actor is None:
        raise NotFound("lieu supprimé depuis la proposition")
    rows = []
    for name, (before, after) in proposal["changes"].items():
        now = getattr(actor, name, None)
        same = (
            sorted(now or []) == sorted(before or [])
            if isinstance(now, list)
            else ((now or None) == (before or None))
        )
        rows.append(
            DiffRow(
                name,
                LABELS.get(name, name),
                shown(name, before),
                shown(name, now),
                shown(name, after),
                not same,
            )
        )
    return rows


def pending(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    return proposals.proposals(conn, "a_examiner")


def get(conn: psycopg.Connection[Any], proposal_id: int) -> dict[str, Any]:
    found = proposals.proposal(conn, proposal_id)
    if found is None:
        raise NotFound(f"proposition introuvable : {proposal_id}")
    return found


def apply(
    conn: psycopg.Connection[Any],
    proposal_id: int,
    principal: Principal,
    territory_id: str,
    day: date,
) -> Actor:
    """Apply a pending proposal: its fields as a staff edit, then « verified on ``day`` »."""
    with conn.transaction():
        found = _pending_locked(conn, proposal_id)
        actor_id = found["actor_id"]
        patch = {name: after for name, (_, after) in found["changes"].items()}
        if patch:
            service.update(conn, actor_id, patch, principal, territory_id)
        previous = records.mark_verified(conn, actor_id, day)
        records.add_event(
            conn,
            actor_id,
            "self_update",
            principal.login,
            {
                "proposition": proposal_id,
                "envoyee_a": found["sent_to"],
                "rien_change": found["unchanged"],
                "champs": sorted(patch),
                "last_verified_on": [_iso(previous), day.isoformat()],
            },
        )
        proposals.decide(conn, proposal_id, "appliquee", principal.login)
    updated = records.get(conn, actor_id)
    if updated is None:
        raise InvariantError("expected updated is not None")
    return updated


def refuse(conn: psycopg.Connection[Any], proposal_id: int, principal: Principal) -> None:
    """Refuse a pending proposal: the entry stays as it is (the refusal is in its history)."""
    with conn.transaction():
        found = _pending_locked(conn, proposal_id)
        records.add_event(
            conn,
            found["actor_id"],
            "self_refused",
            principal.login,
            {"proposition": proposal_id, "champs": sorted(found["changes"])},
        )
        proposals.decide(conn, proposal_id, "refusee", principal.login)


def _pending_locked(conn: psycopg.Connection[Any], proposal_id: int) -> dict[str, Any]:
    found = proposals.proposal(conn, proposal_id, lock=True)
    if found is None:
        raise NotFound(f"proposition introuvable : {proposal_id}")
    if found["state"] != "a_examiner":
        raise Conflict(f"proposition déjà traitée ({found['state']})")
    return found


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
