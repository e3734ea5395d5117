"""Territories compared (issue 20): the Métropole and the cities it experiments with, side by
side — QPV, walks done, help places, self-check testimonies and published observations — as
one protected table: every count column goes through :func:`planning.suppress.suppress`
(the dashboards' rule, k = ``public_min_count``), so a small count is hidden, and others with
it when the column's total would give it away."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from planning.repo import territories as repo
from planning.suppress import suppress
from surveys.presence import item

COLUMNS = (
    ("qpv", "QPV", False),
    ("places", "Lieux d'aide publics", False),
    ("walks_done", "Marches réalisées", True),
    ("testimonies", "Témoignages de l'autotest", True),
    ("observations", "Observations publiées (carte publique)", True),
    ("presence_sessions", "Séances de comptage (Sports et femmes)", True),
)
SHARE = ("women_share", "Part des femmes observées")
"""Shown beside the sessions it comes from, only when their count is published."""
"""(key, French label, counts people's acts: suppressed below k)."""


@dataclass(frozen=True)
class Comparison:
    columns: tuple[tuple[str, str], ...]
    rows: list[dict[str, Any]]
    """One per territory: id, name, and per column the count or None (hidden)."""
    k: int


def compare(
    conn: psycopg.Connection[Any],
    default_id: str,
    k: int,
    published: Callable[[str], int],
) -> Comparison:
    """The comparison table; ``published(territory_id)`` is the total the territory's public
    map shows (already made of cells ≥ k)."""
    spec = item()
    rows = repo.counts(conn, repo.compared(conn, default_id), spec.share_of, list(spec.share_among))
    for row in rows:
        row["observations"] = published(row["id"])
    for key, _, protected in COLUMNS:
        if protected:
            shown = suppress({r["id"]: int(r[key]) for r in rows}, k)
            for r in rows:
                r[key] = shown[r["id"]]
    for r in rows:
        women, among = r.pop("presence_women"), r.pop("presence_among")
        sessions = r["presence_sessions"]
        r[SHARE[0]] = (
            round(100 * (women or 0) / among) if sessions and sessions >= k and among else None
        )
    columns = (*((key, label) for key, label, _ in COLUMNS), SHARE)
    return Comparison(columns, rows, k)
