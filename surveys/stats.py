"""Statistics per quartier prioritaire (QPV): how many observations by theme (or GUSP category)
and time slot, and the mean feeling of safety, for planners' dashboards.

The QPV of an observation are those attributed in SQL when it was written (``qpv_codes``), so
the statistics need no spatial join at read time; ``bench/`` measures them against the spatial
join they replace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from geo.errors import Invalid
from surveys.repo import stats as repo
from surveys.states import moderation

NO_SLOT = "sans_marche"
"""Time slot of observations made outside any walk (GUSP diagnostics)."""


@dataclass(frozen=True)
class QpvStat:
    """Observations of one QPV, one theme (or GUSP category) and one time slot."""

    qpv_code: str
    qpv_name: str
    theme: str
    time_slot: str
    count: int
    rated: int
    """Observations with a feeling of safety."""
    mean_feeling: float | None
    """Mean feeling of safety (0 = pas du tout en sécurité … 3 = en sécurité), None if unrated."""


def per_qpv(
    conn: psycopg.Connection[Any],
    generation: int = 2015,
    published_only: bool = False,
    demo: bool = False,
) -> list[QpvStat]:
    """Counts and mean feeling per QPV of ``generation``, theme and time slot.

    Parameters
    ----------
    conn : psycopg.Connection
        Any connection (read only).
    generation : int
        2015 or 2024: which QPV perimeters to count in.
    published_only : bool
        Only observations that moderation published (what may leave the staff's hands).
    demo : bool
        The demonstration data instead of the real data.

    Returns
    -------
    list of QpvStat
        Ordered by QPV code, theme, time slot; combinations without observation are absent.
    """
    if generation not in (2015, 2024):
        raise Invalid(f"génération inconnue : {generation} (attendu : 2015 ou 2024)")
    states = list(moderation().states_in("visible")) if published_only else None
    rows = repo.per_qpv(conn, generation=generation, demo=demo, moderation=states)
    return [
        QpvStat(
            qpv_code=r[0],
            qpv_name=r[1],
            theme=r[2],
            time_slot=r[3] or NO_SLOT,
            count=int(r[4]),
            rated=int(r[5]),
            mean_feeling=None if r[6] is None else float(r[6]),
        )
        for r in rows
    ]
