"""View model of the moderation queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from accounts.models import Principal
from app.backoffice.clock import paris
from surveys import policy
from surveys.grid import grid
from surveys.policy import View
from surveys.repo.maps import qpv_names
from surveys.repo.moderation import QueueRow
from surveys.service import moderation
from surveys.service import walks as walk_service
from ui.fields import Select
from ui.paging import PAGE_SIZE, Page, page_of


@dataclass(frozen=True)
class QueueLine:
    id: str
    received: str
    observed: str
    source: str
    quartiers: str
    theme: str
    comment: str
    proposal: str
    photos: tuple[str, ...]
    """URLs of the observation's photos (re-encoded, without metadata)."""


@dataclass(frozen=True)
class QueueView:
    lines: tuple[QueueLine, ...]
    page: Page
    filters: tuple[Select, ...]


def _line(row: QueueRow, names: dict[str, str], view: View) -> QueueLine:
    g = grid()
    code = row.theme or row.category
    source = f"Marche « {row.walk_title} »" if row.walk_title else "Diagnostic GUSP"
    if row.demo:
        source += " (données de démonstration)"
    return QueueLine(
        id=str(row.id),
        received=paris(row.received_at),
        observed=paris(row.observed_at),
        source=source,
        quartiers=", ".join(names.get(c, c) for c in row.qpv_codes) or "hors quartier prioritaire",
        theme=g.label_of(code) if code else "—",
        comment=(row.comment or "") if view.text else "",
        proposal=(row.proposal or "") if view.text else "",
        photos=tuple(f"/api/observations/{row.id}/photos/{p}" for p in row.photo_ids)
        if view.photos
        else (),
    )


def queue_view(
    conn: psycopg.Connection[Any],
    principal: Principal,
    generation: int,
    query: dict[str, str],
    number: int,
) -> QueueView:
    """One page of the queue with its filters (walk, QPV, theme) as chosen in ``query``."""
    filters = {k: query.get(k) or None for k in ("walk_id", "qpv", "theme")}
    offset = (max(1, number) - 1) * PAGE_SIZE
    rows = moderation.queue(conn, principal, filters, PAGE_SIZE, offset)
    total = rows[0].total if rows else moderation.waiting_filtered(conn, principal, filters)
    names = qpv_names(conn, generation)
    g = grid()
    walks = [
        (str(w["id"]), f"{w['title']} ({w['date']})")
        for w in walk_service.list_walks(conn, principal)
    ]
    themes = [(c, g.label_of(c)) for c in (*g.themes, *g.category_codes)]
    quartiers = sorted(names.items(), key=lambda cn: cn[1])
    return QueueView(
        lines=tuple(_line(r, names, policy.view(principal)) for r in rows),
        page=page_of("/equipe/moderation", query, number, total),
        filters=(
            Select(
                "walk_id", "Marche", (("", "toutes"), *walks), query.get("walk_id", ""), "f-walk_id"
            ),
            Select("qpv", "Quartier", (("", "tous"), *quartiers), query.get("qpv", ""), "f-qpv"),
            Select("theme", "Thème", (("", "tous"), *themes), query.get("theme", ""), "f-theme"),
        ),
    )
