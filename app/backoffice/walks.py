"""View models of the back office's walk screens, built from what ``surveys.service.walks``
returns (the walk as the caller may see it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from accounts.models import Principal
from app.backoffice.clock import paris
from geo.errors import NotFound
from surveys import states
from surveys.grid import grid
from surveys.repo.maps import qpv_names
from surveys.service import observations
from surveys.service import walks as walk_service

SLOT_LABELS = {"jour": "jour", "soiree": "soirée", "nuit": "nuit"}


@dataclass(frozen=True)
class WalkRow:
    id: str
    title: str
    day: str
    slot: str
    status: str
    quartiers: str
    women_only: bool
    participants: int
    observations: int
    demo: bool


WALK_COLUMNS = (
    ("title", "Marche"),
    ("day", "Date"),
    ("slot", "Créneau"),
    ("quartiers", "Quartier(s)"),
    ("status", "État"),
    ("participants", "Participantes"),
    ("observations", "Observations"),
)
WALK_SORT: dict[str, Callable[[WalkRow], Any]] = {
    "title": lambda w: w.title,
    "day": lambda w: w.day,
    "quartiers": lambda w: w.quartiers,
    "status": lambda w: w.status,
    "observations": lambda w: w.observations,
}
"""The columns of the walk list, and those it can be sorted on (on the server)."""


@dataclass(frozen=True)
class Stop:
    position: int
    name: str
    lat: str
    lon: str


@dataclass(frozen=True)
class Step:
    """A lifecycle action the caller may take now."""

    action: str
    label: str
    target: str


@dataclass(frozen=True)
class HistoryLine:
    at: str
    by: str
    change: str
    comment: str


@dataclass(frozen=True)
class ObservationLine:
    day: str
    theme: str
    moderation: str
    comment: str


@dataclass(frozen=True)
class WalkDetail:
    id: str
    title: str
    day: str
    slot: str
    status: str
    quartiers: str
    organiser: str
    group_size: str
    women_only: bool
    invite_code: str | None
    paired: WalkRow | None
    stops: tuple[Stop, ...]
    steps: tuple[Step, ...]
    history: tuple[HistoryLine, ...]
    observations: tuple[ObservationLine, ...]
    demo: bool
    restitution_text: str = ""
    bilan_text: str = ""


STEP_LABELS = {
    "realiser": "Marquer la marche comme réalisée",
    "restituer": "Marquer la restitution faite",
    "faire_bilan": "Marquer le bilan à un an fait",
}


def qpv_options(conn: psycopg.Connection[Any], generation: int) -> list[tuple[str, str]]:
    """(code, « name (code) ») of the QPV of ``generation``, by name."""
    names = qpv_names(conn, generation)
    return sorted(((c, f"{n} ({c})") for c, n in names.items()), key=lambda o: o[1])


def _row(w: dict[str, Any], names: dict[str, str]) -> WalkRow:
    return WalkRow(
        id=str(w["id"]),
        title=str(w["title"]),
        day=str(w["date"]),
        slot=SLOT_LABELS.get(str(w.get("time_slot")), str(w.get("time_slot") or "")),
        status=str(w["status_label"]),
        quartiers=", ".join(names.get(c, c) for c in w.get("qpv_codes") or []) or "—",
        women_only=bool(w.get("women_only")),
        participants=int(w.get("participants_count") or 0),
        observations=int(w.get("observations_count") or 0),
        demo=bool(w.get("demo")),
    )


def walk_rows(
    conn: psycopg.Connection[Any], principal: Principal, generation: int
) -> list[WalkRow]:
    """The walks the caller may see, most recent first."""
    names = qpv_names(conn, generation)
    return [_row(w, names) for w in walk_service.list_walks(conn, principal)]


def walk_detail(
    conn: psycopg.Connection[Any], principal: Principal, walk_id: Any, generation: int
) -> WalkDetail:
    """One walk as the caller may see it (404 from the service otherwise)."""
    w = walk_service.get_walk(conn, principal, walk_id)
    names = qpv_names(conn, generation)
    machine = states.walk()
    steps = tuple(
        Step(t.action, STEP_LABELS.get(t.action, t.action), machine.state(t.target).label)
        for t in machine.transitions
        if w["status"] in t.sources and principal.role in t.roles and w.get("invite_code")
    )
    paired = None
    if w.get("paired_walk_id"):
        try:
            paired = _row(walk_service.get_walk(conn, principal, w["paired_walk_id"]), names)
        except NotFound:  # the paired walk may be out of the caller's sight
            paired = None
    g = grid()
    fc = json.loads(observations.feature_collection(conn, principal, walk_id=walk_id))
    moderation = states.moderation()
    lines = tuple(
        ObservationLine(
            day=str(p.get("observed_at", ""))[:10],
            theme=g.label_of(p["theme"]) if p.get("theme") else "—",
            moderation=moderation.state(p["moderation"]).label if p.get("moderation") else "",
            comment=str(p.get("comment") or "")[:200],
        )
        for p in (f["properties"] for f in fc["features"])
    )
    return WalkDetail(
        id=str(w["id"]),
        title=str(w["title"]),
        day=str(w["date"]),
        slot=SLOT_LABELS.get(str(w.get("time_slot")), ""),
        status=str(w["status_label"]),
        quartiers=", ".join(names.get(c, c) for c in w.get("qpv_codes") or []) or "—",
        organiser=str(w.get("organiser") or "—"),
        group_size=str(w.get("group_size") or "—"),
        women_only=bool(w.get("women_only")),
        invite_code=w.get("invite_code"),
        paired=paired,
        stops=tuple(
            Stop(
                int(s["position"]),
                str(s["name"]),
                f"{s['location']['coordinates'][1]:.5f}",
                f"{s['location']['coordinates'][0]:.5f}",
            )
            for s in w.get("stops") or []
        ),
        steps=steps,
        history=tuple(
            HistoryLine(
                paris(h["at"]) if isinstance(h["at"], datetime) else str(h["at"]),
                str(h["by"]),
                f"{machine.state(h['from']).label} → {machine.state(h['to']).label}",
                str(h.get("comment") or ""),
            )
            for h in w.get("history") or []
        ),
        observations=lines,
        demo=bool(w.get("demo")),
        restitution_text=str(w.get("restitution_text") or ""),
        bilan_text=str(w.get("bilan_text") or ""),
    )
