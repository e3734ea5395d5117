"""A walker's « suivi »: what became of her observations (their follow-up and the actions of
the plan answering them), her walk's restitution once it was presented and its one-year bilan
once written — nothing about other people's observations, nothing pending or hidden of anyone
else. Read with her walk token, or with a « suivi » link she keeps (read-only, expiring, works
after the walk closed)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from accounts.models import Principal, Role
from accounts.tokens import digest, new_token
from geo.errors import Forbidden, NotFound
from surveys import states
from surveys.grid import grid
from surveys.repo import suivi as repo

LINK_DAYS = 2 * 365
"""How long a « suivi » link works (the bilan comes a year after the walk)."""
SLOT_LABELS = {"jour": "de jour", "soiree": "de soirée", "nuit": "de nuit"}


@dataclass(frozen=True)
class ActionState:
    title: str
    owner: str
    due: str
    state: str
    changed_on: str


@dataclass(frozen=True)
class MyObservation:
    day: str
    subject: str
    followup: str
    body: str
    actions: tuple[ActionState, ...]


@dataclass(frozen=True)
class Suivi:
    walk_id: str
    pseudonym: str
    walk: str
    walk_status: str
    restitution: tuple[str, ...]
    """Paragraphs of the restitution, once it was presented (else empty)."""
    bilan: tuple[str, ...]
    report_available: bool
    observations: tuple[MyObservation, ...]


def _paragraphs(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split("\n\n") if p.strip())


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
    return ""


def of_participant(conn: psycopg.Connection[Any], participant_id: uuid.UUID) -> Suivi:
    """The suivi of one walker (404 when she is unknown or was erased)."""
    walk = repo.walk_of(conn, participant_id)
    if walk is None:
        raise NotFound("suivi introuvable")
    machine, followup, actions = states.walk(), states.followup(), states.action()
    presented = walk["status"] in ("restituee", "bilan")
    g = grid()
    observations = tuple(
        MyObservation(
            day=_day(o["observed_at"]),
            subject=g.label_of(o["theme"] or o["category"])
            if (o["theme"] or o["category"])
            else "",
            followup=followup.state(o["followup"]).label,
            body=o["responsible_body"] or "",
            actions=tuple(
                ActionState(
                    a["title"],
                    a["owner_org"],
                    _day(a["due_date"]) or "à fixer",
                    actions.state(a["status"]).label,
                    _day(a["changed_at"]),
                )
                for a in o["actions"]
            ),
        )
        for o in repo.my_observations(conn, participant_id)
    )
    return Suivi(
        walk_id=str(walk["id"]),
        pseudonym=walk["pseudonym"],
        walk=f"{walk['title']} ({SLOT_LABELS.get(walk['time_slot'], '')}, le "
        f"{walk['walk_date']:%d/%m/%Y})",
        walk_status=machine.state(walk["status"]).label,
        restitution=_paragraphs(walk["restitution_text"]) if presented else (),
        bilan=_paragraphs(walk["bilan_text"]) if walk["status"] == "bilan" else (),
        report_available=presented,
        observations=observations,
    )


def of_principal(conn: psycopg.Connection[Any], principal: Principal) -> Suivi:
    """The suivi of the walker behind a walk token."""
    if principal.role is not Role.PARTICIPANT or principal.participant_id is None:
        raise Forbidden("le suivi est celui d'une participante ou d'un participant")
    return of_participant(conn, principal.participant_id)


def issue_link(conn: psycopg.Connection[Any], principal: Principal) -> tuple[str, datetime]:
    """A new read-only « suivi » link for the walker behind a walk token: (token, expiry)."""
    if principal.role is not Role.PARTICIPANT or principal.participant_id is None:
        raise Forbidden("le lien de suivi est celui d'une participante ou d'un participant")
    token = new_token()
    expires = datetime.now(UTC) + timedelta(days=LINK_DAYS)
    repo.insert_link(conn, digest(token), principal.participant_id, expires)
    return token, expires


def of_link(conn: psycopg.Connection[Any], token: str) -> Suivi:
    """The suivi a link opens (404 when unknown or expired: the same answer)."""
    if not token or len(token) > 200:
        raise NotFound("lien de suivi inconnu ou expiré")
    participant = repo.participant_of(conn, digest(token))
    if participant is None:
        raise NotFound("lien de suivi inconnu ou expiré")
    return of_participant(conn, participant)
