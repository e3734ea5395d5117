"""View models of the GUSP screens: the reports to triage, one report with its follow-up and
the actions answering it, and the action plan (overdue first)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import psycopg

from accounts.models import Principal
from app.backoffice.clock import paris
from surveys import states
from surveys.grid import grid
from surveys.repo.maps import qpv_names
from surveys.service import actions as action_service
from surveys.service import followup, observations

CATEGORIES = {"open": "en cours de suivi", "untracked": "hors suivi", "closed": "clos"}


@dataclass(frozen=True)
class ReportRow:
    id: str
    day: str
    source: str
    quartiers: str
    subject: str
    state: str
    body: str
    comment: str


@dataclass(frozen=True)
class Choice:
    """A transition the caller may take now (value, French label)."""

    action: str
    label: str
    needs_reason: bool
    routes: bool


@dataclass(frozen=True)
class HistoryLine:
    at: str
    by: str
    change: str
    comment: str


@dataclass(frozen=True)
class ActionRow:
    id: str
    title: str
    owner: str
    due: str
    overdue: bool
    status: str
    quartiers: str
    choices: tuple[Choice, ...]
    history: tuple[HistoryLine, ...]


@dataclass(frozen=True)
class ReportDetail:
    row: ReportRow
    proposal: str
    photos: tuple[str, ...]
    choices: tuple[Choice, ...]
    history: tuple[HistoryLine, ...]
    actions: tuple[ActionRow, ...]


FOLLOWUP_LABELS = {
    "ouvrir": "Ouvrir un suivi",
    "prendre_en_compte": "Prendre en compte",
    "transmettre": "Transmettre à l'organisme responsable",
    "demarrer": "Traitement démarré",
    "resoudre": "Résolu",
    "rejeter": "Rejeter (motif obligatoire)",
    "rouvrir": "Rouvrir (motif obligatoire)",
}
ACTION_LABELS = {
    "valider": "Valider",
    "demarrer": "Démarrer",
    "realiser": "Marquer réalisée",
    "abandonner": "Abandonner (motif obligatoire)",
}


def _choices(machine: states.Machine, current: str, principal: Principal) -> tuple[Choice, ...]:
    labels = FOLLOWUP_LABELS if machine.name == "followup" else ACTION_LABELS
    return tuple(
        Choice(t.action, labels.get(t.action, t.action), t.comment_required, t.routes)
        for t in machine.transitions
        if current in t.sources and principal.role in t.roles
    )


def _when(value: Any) -> str:
    if isinstance(value, str):
        try:
            return paris(datetime.fromisoformat(value))
        except ValueError:
            return value
    return paris(value) if isinstance(value, datetime) else ""


def _history(machine: states.Machine, lines: list[dict[str, Any]]) -> tuple[HistoryLine, ...]:
    found = []
    for h in lines:
        if h.get("machine", machine.name) != machine.name:
            continue
        change = f"{machine.state(h['from']).label} → {machine.state(h['to']).label}"
        if h.get("responsible_body"):
            change += f" ({h['responsible_body']})"
        found.append(HistoryLine(_when(h["at"]), str(h["by"]), change, str(h.get("comment") or "")))
    return tuple(found)


def _report(p: dict[str, Any]) -> ReportRow:
    g = grid()
    code = p.get("category") or p.get("theme")
    followup = states.followup()
    return ReportRow(
        id=str(p["id"]),
        day=_when(p.get("observed_at")),
        source="Diagnostic GUSP" if p.get("kind") == "gusp" else "Marche exploratoire",
        quartiers=", ".join(q["name"] for q in p.get("qpv") or [] if q.get("name")) or "—",
        subject=g.label_of(code) if code else "—",
        state=followup.state(p["followup"]).label,
        body=str(p.get("responsible_body") or "—"),
        comment=str(p.get("comment") or ""),
    )


def reports(
    conn: psycopg.Connection[Any], principal: Principal, category: str, qpv: str | None
) -> list[ReportRow]:
    """The observations of a follow-up category (``open`` by default) in the caller's scope."""
    fc = json.loads(
        observations.feature_collection(
            conn, principal, followup_category=category, qpv=qpv or None
        )
    )
    return [_report(f["properties"]) for f in fc["features"]]


def _action(a: dict[str, Any], principal: Principal, names: dict[str, str]) -> ActionRow:
    machine = states.action()
    due = a.get("due_date")
    day = date.fromisoformat(due) if isinstance(due, str) else due
    return ActionRow(
        id=str(a["id"]),
        title=str(a["title"]),
        owner=str(a["owner_org"]),
        due=day.strftime("%d/%m/%Y") if day else "—",
        overdue=bool(day and a.get("is_open") and day < date.today()),
        status=str(a["status_label"]),
        quartiers=", ".join(names.get(c, c) for c in a.get("qpv_codes") or []) or "—",
        choices=_choices(machine, a["status"], principal),
        history=_history(machine, a.get("history") or []),
    )


def report_detail(
    conn: psycopg.Connection[Any], principal: Principal, obs_id: uuid.UUID, generation: int
) -> ReportDetail:
    """One report as the caller may see it (404 otherwise) with the actions answering it."""
    p = observations.get(conn, principal, obs_id)
    names = qpv_names(conn, generation)
    linked = [
        _action(a, principal, names)
        for a in action_service.list_actions(conn, principal)
        if str(obs_id) in {str(i) for i in a.get("observation_ids") or []}
    ]
    return ReportDetail(
        row=_report(p),
        proposal=str(p.get("proposal") or ""),
        photos=tuple(f"/api/observations/{obs_id}/photos/{i}" for i in p.get("photos") or []),
        choices=_choices(states.followup(), p["followup"], principal),
        history=_history(states.followup(), p.get("history") or []),
        actions=tuple(linked),
    )


def action_plan(
    conn: psycopg.Connection[Any], principal: Principal, qpv: str | None, generation: int
) -> list[ActionRow]:
    """Open actions (of one QPV when given): overdue first, then by due date."""
    names = qpv_names(conn, generation)
    rows = [
        _action(a, principal, names)
        for a in action_service.list_actions(conn, principal, "open", qpv=qpv or None)
    ]
    return sorted(rows, key=lambda r: (not r.overdue, r.due == "—", _sortable(r.due), r.title))


def _sortable(due: str) -> str:
    return "".join(reversed(due.split("/"))) if due != "—" else ""


@dataclass(frozen=True)
class RuleRow:
    id: int
    category: str
    quartier: str
    body: str
    note: str
    updated: str


def rule_rows(
    conn: psycopg.Connection[Any], principal: Principal, generation: int
) -> list[RuleRow]:
    """The routing rules the caller may see (a scoped planner: everywhere-rules and theirs)."""
    names = qpv_names(conn, generation)
    g = grid()
    return [
        RuleRow(
            id=int(r["id"]),
            category=g.label_of(r["category"]),
            quartier=names.get(r["qpv_code"], r["qpv_code"]) if r["qpv_code"] else "partout",
            body=str(r["body"]),
            note=str(r["note"] or ""),
            updated=(paris(r["updated_at"]) if r["updated_at"] else "")
            + (f" ({r['updated_by']})" if r["updated_by"] else ""),
        )
        for r in followup.list_rules(conn, principal)
    ]


def category_options() -> tuple[tuple[str, str], ...]:
    g = grid()
    return tuple((c, g.label_of(c)) for c in g.category_codes)
