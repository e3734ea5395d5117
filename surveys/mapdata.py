"""Types of the map views of the surveys (safety map, a walk's map): what the services hand to
the pure builders of ``maps``. Compact on purpose: 100,000 observations arrive here already
aggregated by PostGIS, as a few thousand small tuples at most."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from surveys.models import TimeSlot

Bounds = tuple[float, float, float, float]
"""(min lon, min lat, max lon, max lat)."""

LOW_FEELING_MAX = 1
"""Feeling of safety 0 (« pas du tout en sécurité ») and 1 (« peu en sécurité ») count as low."""


@dataclass(frozen=True)
class MapFilters:
    """The filters of the safety map (all optional)."""

    start: date | None = None
    end: date | None = None
    qpv: str | None = None
    theme: str | None = None
    time_slot: TimeSlot | None = None
    women_only: bool = False
    generation: int = 2015
    demo: bool = False


@dataclass(frozen=True)
class Mark:
    """One walk observation, or a group of them in a grid cell (``count`` > 1 or ``cell_m``).

    ``rating`` is the observation's rating, or the group's mean rounded to an integer;
    ``theme`` the observation's theme, or the group's most frequent one.
    """

    lat: float
    lon: float
    time_slot: str
    theme: str
    rating: int
    count: int = 1
    low_feeling: int = 0
    mean_rating: float | None = None
    feeling: int | None = None
    day: str | None = None
    comment: str | None = None
    qpv: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class IssueMark:
    """One GUSP issue (observation in the follow-up), or a group of them in a grid cell."""

    lat: float
    lon: float
    is_open: bool
    count: int = 1
    category: str | None = None
    state: str | None = None
    body: str | None = None
    day: str | None = None
    comment: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class Aggregation:
    """How a set of marks was drawn: exact points, or grid cells of ``cell_m`` metres."""

    total: int
    cell_m: int | None = None

    @property
    def grouped(self) -> bool:
        return self.cell_m is not None


@dataclass(frozen=True)
class WalkLine:
    """A walk's planned route and stops, for the map and its table."""

    id: str
    title: str
    day: str
    time_slot: str
    qpv_codes: tuple[str, ...]
    women_only: bool
    observations: int
    route: dict[str, Any] | None
    stops: tuple[tuple[int, str, float, float], ...] = ()
    """(position, name, lon, lat)."""


@dataclass(frozen=True)
class StatRow:
    """One line of the table alternative: a QPV (or none), a time slot, a theme."""

    qpv: str
    time_slot: str
    theme: str
    count: int
    mean_rating: float
    low_feeling: int


@dataclass
class SafetyData:
    """Everything the safety map shows, already filtered by policy and filters."""

    filters: MapFilters
    marks: list[Mark]
    marks_info: Aggregation
    heat: list[tuple[float, float, int]]
    """(lat, lon, weight): observations with a low feeling of safety, per grid cell."""
    heat_cell_m: int
    issues: list[IssueMark]
    issues_info: Aggregation
    open_issues: int
    closed_issues: int
    issue_rows: list[IssueMark]
    """The most recent issues, one by one, for the table (open first), placed as the viewer may
    see them."""
    walks: list[WalkLine]
    stats: list[StatRow]
    extent: Bounds | None
    """Extent of the filtered observations, issues and walks (None when there is nothing)."""
    qpv_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WalkSide:
    """One walk on its map: route, stops, its observations and issues (as the viewer may see
    them)."""

    walk: WalkLine
    marks: list[Mark]
    issues: list[IssueMark]
    demo: bool


@dataclass(frozen=True)
class WalkMapData:
    walk: WalkSide
    paired: WalkSide | None
    qpv_names: dict[str, str]
