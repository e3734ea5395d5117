"""The directory keeper's review of what actors proposed through their links (issue 21): the
pending proposals, one proposal as a diff, and a place's history and links."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import psycopg

from actors import selfupdate
from actors.repo import proposals, records
from app.backoffice.clock import paris


@dataclass(frozen=True)
class ProposalRow:
    id: int
    actor_id: str
    name: str
    commune: str
    submitted: str
    summary: str


def pending(conn: psycopg.Connection[Any]) -> list[ProposalRow]:
    return [
        ProposalRow(
            id=int(p["id"]),
            actor_id=str(p["actor_id"]),
            name=str(p["nom"]),
            commune=str(p["commune"] or "—"),
            submitted=paris(p["submitted_at"]),
            summary=_summary(p),
        )
        for p in selfupdate.pending(conn)
    ]


def _summary(p: dict[str, Any]) -> str:
    if p["unchanged"]:
        return "rien n'a changé"
    names = [selfupdate.LABELS.get(k, k).lower() for k in p["changes"]]
    text = ", ".join(names) if names else "un message"
    return text + (" + un message" if names and p["note"] else "")


@dataclass(frozen=True)
class ProposalView:
    id: int
    actor_id: str
    name: str
    sent_to: str
    submitted: str
    unchanged: bool
    note: str | None
    rows: list[selfupdate.DiffRow]
    state: str
    reviewed: str | None


STATES = {"a_examiner": "à examiner", "appliquee": "appliquée", "refusee": "refusée"}


def proposal(conn: psycopg.Connection[Any], proposal_id: int) -> ProposalView:
    p = selfupdate.get(conn, proposal_id)
    reviewed = (
        f"{STATES[p['state']]} le {paris(p['reviewed_at'])} par {p['reviewed_by']}"
        if p["reviewed_at"]
        else None
    )
    return ProposalView(
        id=int(p["id"]),
        actor_id=str(p["actor_id"]),
        name=str(p["nom"]),
        sent_to=str(p["sent_to"]),
        submitted=paris(p["submitted_at"]),
        unchanged=bool(p["unchanged"]),
        note=p["note"],
        rows=selfupdate.diff(conn, p),
        state=str(p["state"]),
        reviewed=reviewed,
    )


ACTIONS = {
    "import_insert": "import (création)",
    "import_update": "import (mise à jour)",
    "create": "création",
    "update": "modification",
    "verify": "vérifié",
    "self_update": "fiche confirmée par le lieu",
    "self_refused": "proposition du lieu refusée",
}


@dataclass(frozen=True)
class HistoryRow:
    at: str
    by: str
    action: str
    fields: str


def history(conn: psycopg.Connection[Any], actor_id: uuid.UUID) -> list[HistoryRow]:
    """A place's history, newest first (who, what, which fields)."""
    out = []
    for e in reversed(records.events(conn, actor_id)):
        changes = e["changes"] or {}
        if e["action"] in ("self_update", "self_refused"):
            named = changes.get("champs") or []
            fields = ", ".join(selfupdate.LABELS.get(n, n) for n in named) or "—"
            fields = f"proposition n° {changes.get('proposition')} : {fields}"
        else:
            fields = ", ".join(sorted(k for k in changes if not k.startswith("from_"))) or "—"
        out.append(
            HistoryRow(
                paris(e["at"]),
                e["by"] or "import",
                ACTIONS.get(e["action"], e["action"]),
                fields,
            )
        )
    return out


@dataclass(frozen=True)
class LinkRow:
    sent_to: str
    sent: str
    by: str
    state: str


def links(conn: psycopg.Connection[Any], actor_id: uuid.UUID) -> list[LinkRow]:
    """The links sent to a place (never their token)."""
    out = []
    for link in proposals.links_of(conn, actor_id):
        if link["delivery_error"]:
            state = f"courriel non parti ({link['delivery_error']})"
        elif link["used_at"]:
            state = f"utilisé le {paris(link['used_at'])}"
        else:
            state = f"valable jusqu'au {paris(link['expires_at'])}"
        out.append(
            LinkRow(link["sent_to"], paris(link["created_at"]), link["sent_by"] or "—", state)
        )
    return out
