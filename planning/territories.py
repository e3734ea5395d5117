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

COLUMNS = (
    ("qpv", "QPV", False),
    ("places", "Lieux d'aide publics", False),
    ("walks_done", "Marches réalisées", True),
    ("testimonies", "Témoignages de l'autotest", True),
    ("observations", "Observations publiées (carte publique)", True),
)
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
    rows = repo.counts(conn, repo.compared(conn, default_id))
    for row in rows:
        row["observations"] = published(row["id"])
    for key, _, protected in COLUMNS:
        if protected:
            shown = suppress({r["id"]: int(r[key]) for r in rows}, k)
            for r in rows:
                r[key] = shown[r["id"]]
    return Comparison(tuple((key, label) for key, label, _ in COLUMNS), rows, k)
