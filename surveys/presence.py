"""Who is present (issue 20, « Sports et femmes »): an observer counts, during a few minutes at
a sports facility (an « observation of use » session) or at a walk's stop, the people of each
group of the grid's count item (``[presence]`` in ``surveys/grid.toml``). Pure checks here;
SQL in :mod:`surveys.repo.presence`.

Time slots follow the dashboards: day (7 h – 20 h, Paris time) or evening/night, weekday or
weekend."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from geo.errors import Invalid
from surveys.grid import Presence, grid

PARIS = ZoneInfo("Europe/Paris")
MAX_AGE_DAYS = 366
DAY_HOURS = range(7, 20)


@dataclass(frozen=True)
class PresenceInput:
    id: uuid.UUID
    observed_at: datetime
    minutes: int
    counts: dict[str, int]
    facility_id: str | None = None
    walk_id: uuid.UUID | None = None
    stop_id: uuid.UUID | None = None

    @property
    def payload_hash(self) -> bytes:
        body = {
            "facility_id": self.facility_id,
            "walk_id": str(self.walk_id) if self.walk_id else None,
            "stop_id": str(self.stop_id) if self.stop_id else None,
            "observed_at": self.observed_at.isoformat(),
            "minutes": self.minutes,
            "counts": dict(sorted(self.counts.items())),
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).digest()


def item() -> Presence:
    found = grid().presence
    if found is None:  # pragma: no cover - the shipped grid has one (tests check it)
        raise Invalid("la grille n'a pas d'élément de comptage [presence]")
    return found


def check(p: PresenceInput, now: datetime, clock_skew_s: int) -> PresenceInput:
    """The counts as stored (every group of the grid, 0 when not counted), or
    :class:`Invalid` naming each problem."""
    spec = item()
    problems = []
    if (p.facility_id is None) == (p.stop_id is None):
        problems.append("un lieu : facility_id (équipement) ou walk_id + stop_id (arrêt)")
    if p.stop_id is not None and p.walk_id is None:
        problems.append("stop_id sans walk_id")
    if p.observed_at.tzinfo is None:
        problems.append("observed_at : fuseau horaire attendu (ex. 2026-06-01T18:30:00+02:00)")
    elif p.observed_at > now + timedelta(seconds=clock_skew_s):
        problems.append("observed_at est dans le futur")
    elif p.observed_at < now - timedelta(days=MAX_AGE_DAYS):
        problems.append(f"observed_at a plus de {MAX_AGE_DAYS} jours")
    unknown = sorted(set(p.counts) - set(spec.codes))
    if unknown:
        problems.append(
            f"groupe(s) inconnu(s) : {', '.join(unknown)} (groupes : {', '.join(spec.codes)})"
        )
    for code, n in p.counts.items():
        if not 0 <= n <= spec.max_per_group:
            problems.append(f"{code} : entre 0 et {spec.max_per_group} personnes (reçu : {n})")
    if problems:
        raise Invalid(" ; ".join(problems))
    counts = {code: int(p.counts.get(code, 0)) for code in spec.codes}
    return PresenceInput(
        p.id, p.observed_at, p.minutes, counts, p.facility_id, p.walk_id, p.stop_id
    )


def slot(moment: datetime) -> tuple[str, str]:
    """(« jour » or « soir_nuit », « semaine » or « week_end ») in Paris time."""
    local = moment.astimezone(PARIS)
    return (
        "jour" if local.hour in DAY_HOURS else "soir_nuit",
        "week_end" if local.weekday() >= 5 else "semaine",
    )


SLOT_LABELS = {
    ("jour", "semaine"): "en semaine, le jour",
    ("jour", "week_end"): "le week-end, le jour",
    ("soir_nuit", "semaine"): "en semaine, le soir et la nuit",
    ("soir_nuit", "week_end"): "le week-end, le soir et la nuit",
}
