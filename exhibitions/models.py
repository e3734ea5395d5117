"""Types of the exhibitions domain: schools, exhibitions, copies, showings, school years and the
coverage a planner reads. Plain dataclasses and StrEnums (``maps`` may import them)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from geo.errors import Invalid


class Level(StrEnum):
    """School level. Collèges come first in practice; the model is not collège-only."""

    ECOLE = "ecole"
    COLLEGE = "college"
    LYCEE = "lycee"

    @property
    def label(self) -> str:
        return {"ecole": "école", "college": "collège", "lycee": "lycée"}[self.value]


class Sector(StrEnum):
    PUBLIC = "public"
    PRIVE = "prive"

    @property
    def label(self) -> str:
        return {"public": "public", "prive": "privé"}[self.value]


class Priority(StrEnum):
    """Éducation prioritaire. Private schools are outside it (stored as None)."""

    REP_PLUS = "rep_plus"
    REP = "rep"
    HORS_EP = "hors_ep"

    @property
    def label(self) -> str:
        return {"rep_plus": "REP+", "rep": "REP", "hors_ep": "hors EP"}[self.value]

    @property
    def is_priority(self) -> bool:
        return self in (Priority.REP_PLUS, Priority.REP)


def priority_label(priority: Priority | str | None) -> str:
    """French label of an éducation prioritaire value (``—`` when not applicable)."""
    return Priority(priority).label if priority else "—"


@dataclass(frozen=True)
class School:
    uai: str
    name: str
    level: Level
    sector: Sector
    insee_code: str
    lon: float
    lat: float
    commune: str | None = None
    address: str | None = None
    postal_code: str | None = None
    priority: Priority | None = None
    segpa_section: bool = False
    ips: float | None = None
    ips_year: str | None = None
    enrolment: int | None = None
    enrolment_year: str | None = None
    source: str = "saisie"


@dataclass(frozen=True)
class Exhibition:
    id: uuid.UUID
    title: str
    partner: str | None
    themes: tuple[str, ...]
    age_min: int | None
    age_max: int | None
    description: str | None
    copies: tuple[int, ...]


@dataclass(frozen=True)
class ShowingInput:
    """What a coordinator records: one copy of an exhibition in one school over a period."""

    exhibition_id: uuid.UUID
    copy_number: int
    uai: str
    start_date: date
    end_date: date
    classes: int | None = None
    pupils: int | None = None
    workshop: str | None = None
    intervenant: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Showing:
    id: uuid.UUID
    exhibition_id: uuid.UUID
    exhibition_title: str
    copy_number: int
    uai: str
    school_name: str
    commune: str | None
    start_date: date
    end_date: date
    classes: int | None
    pupils: int | None
    workshop: str | None
    intervenant: str | None
    notes: str | None
    recorded_by: uuid.UUID | None
    lon: float
    lat: float


_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


@dataclass(frozen=True, order=True)
class SchoolYear:
    """A French school year, taken here as 1 September to 31 August."""

    first: int

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        """``"2025-2026"`` → ``SchoolYear(2025)``; :class:`Invalid` in French otherwise."""
        match = _YEAR.match(text.strip())
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            raise Invalid(
                f"année scolaire invalide : {text!r} (attendu : AAAA-AAAA, ex. 2025-2026)"
            )
        first = int(match.group(1))
        if not 2000 <= first <= 2100:
            raise Invalid(f"année scolaire hors limites : {text!r} (2000-2001 à 2100-2101)")
        return cls(first)

    @classmethod
    def of(cls, day: date) -> SchoolYear:
        """The school year ``day`` belongs to."""
        return cls(day.year if day.month >= 9 else day.year - 1)

    @property
    def start(self) -> date:
        return date(self.first, 9, 1)

    @property
    def end(self) -> date:
        return date(self.first + 1, 8, 31)

    def minus(self, years: int) -> SchoolYear:
        return SchoolYear(self.first - years)

    def __str__(self) -> str:
        return f"{self.first}-{self.first + 1}"


# --- Coverage ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """What reached one school over a period."""

    showings: int = 0
    pupils: int = 0
    themes: tuple[str, ...] = ()
    last_showing: date | None = None

    @property
    def reached(self) -> bool:
        return self.showings > 0


@dataclass(frozen=True)
class CoveredSchool:
    """One school of the coverage with what reached it this year and over the window."""

    uai: str
    name: str
    commune: str | None
    level: Level
    sector: Sector
    priority: Priority | None
    segpa_section: bool
    enrolment: int | None
    ips: float | None
    lon: float
    lat: float
    year: Reach
    window: Reach
    qpv: tuple[tuple[str, int], ...] = ()
    """(QPV code, distance in metres, 0 when inside) of every QPV within the distance."""

    @property
    def is_priority(self) -> bool:
        """In or near a QPV, or in REP / REP+."""
        return bool(self.qpv) or bool(self.priority and Priority(self.priority).is_priority)


@dataclass(frozen=True)
class QpvCoverage:
    code: str
    name: str
    communes: tuple[str, ...]
    schools: tuple[CoveredSchool, ...]
    themes: tuple[str, ...] = ()

    @property
    def reached(self) -> int:
        return sum(1 for s in self.schools if s.year.reached)

    @property
    def reached_window(self) -> int:
        return sum(1 for s in self.schools if s.window.reached)

    @property
    def pupils(self) -> int:
        return sum(s.year.pupils for s in self.schools)

    @property
    def pupils_window(self) -> int:
        return sum(s.window.pupils for s in self.schools)


@dataclass(frozen=True)
class Circulation:
    """One showing as seen publicly (no intervenant, no notes): the exhibitions' travels."""

    exhibition_title: str
    copy_number: int
    uai: str
    school_name: str
    commune: str | None
    start_date: date
    end_date: date
    pupils: int | None
    lon: float
    lat: float


@dataclass(frozen=True)
class Coverage:
    school_year: SchoolYear
    window_years: int
    generation: int
    distance_m: int
    territory: str
    qpv: tuple[QpvCoverage, ...]
    schools: tuple[CoveredSchool, ...]
    """Every school of the territory (the map shows them all)."""
    circulation: tuple[Circulation, ...] = field(default=())

    @property
    def window_start(self) -> SchoolYear:
        return self.school_year.minus(self.window_years - 1)

    @property
    def not_reached(self) -> list[CoveredSchool]:
        """Priority schools with no showing this school year, by enrolment (largest first)."""
        rows = [s for s in self.schools if s.is_priority and not s.year.reached]
        return sorted(rows, key=lambda s: (s.enrolment is None, -(s.enrolment or 0), s.name, s.uai))
