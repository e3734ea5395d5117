"""Types of the planning domain: the configuration services need, periods, hotspot parameters.

Dashboards and reports are served as plain JSON-able dicts (their shape is documented in
README.md and checked by the tests); ``maps`` may import the types of this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from geo.errors import Invalid

PARIS = ZoneInfo("Europe/Paris")
FIRST_YEAR = 2015
"""Observations older than 2015 are refused by the surveys: no dashboard before that."""

NIGHT_SLOTS = ("soiree", "nuit")
"""Time slots of the walks counted as « nuit » (after dark)."""
SLOTS = ("jour", "soiree", "nuit")
SLOT_LABELS = {"jour": "Jour", "soiree": "Soirée", "nuit": "Nuit"}

REWALK_DISTANCE_M = 50
"""A night stop counts as walked again when a later night walk has a stop within this distance."""


@dataclass(frozen=True)
class PlanningConfig:
    """Instance settings the planning services need (built by the API or the CLI)."""

    territory: str = "nantes-metropole"
    generation: int = 2015
    public_min_count: int = 5
    public_delay_days: int = 7
    actor_distance_m: int = 1500
    school_distance_m: int = 500


class Audience(StrEnum):
    """Who a dashboard is built for: the public (aggregated, small counts suppressed) or staff
    who see every observation (detail, no suppression)."""

    PUBLIC = "public"
    STAFF = "staff"


def current_year(now: datetime | None = None) -> int:
    """The calendar year in Europe/Paris."""
    return (now or datetime.now(PARIS)).astimezone(PARIS).year


def check_year(year: int | None, now: datetime | None = None) -> int:
    """``year`` (default: this year) when between 2015 and this year; :class:`Invalid` otherwise."""
    this = current_year(now)
    if year is None:
        return this
    if not FIRST_YEAR <= year <= this:
        raise Invalid(f"année hors limites : {year} (de {FIRST_YEAR} à {this})")
    return year


@dataclass(frozen=True)
class HotspotParams:
    """Parameters of the DBSCAN clustering of low feeling-of-safety observations.

    Parameters
    ----------
    eps_m : int
        Neighbourhood radius in metres (EPSG:2154), 10–1000.
    min_points : int
        Observations needed within ``eps_m`` for a core point, 2–100.
    max_feeling : int
        Observations with a feeling of safety at or below this (0–3 scale) are clustered.
    since, until : date
        Observation dates (Europe/Paris), inclusive.
    qpv : str, optional
        Only observations attributed to this QPV.
    """

    eps_m: int = 60
    min_points: int = 4
    max_feeling: int = 1
    since: date | None = None
    until: date | None = None
    qpv: str | None = None

    EPS_BOUNDS = (10, 1000)
    MIN_POINTS_BOUNDS = (2, 100)

    def check(self) -> HotspotParams:
        """Self when every value is within bounds; :class:`Invalid` naming the value otherwise."""
        low, high = self.EPS_BOUNDS
        if not low <= self.eps_m <= high:
            raise Invalid(f"eps_m hors limites : {self.eps_m} (de {low} à {high} m)")
        low, high = self.MIN_POINTS_BOUNDS
        if not low <= self.min_points <= high:
            raise Invalid(f"min_points hors limites : {self.min_points} (de {low} à {high})")
        if not 0 <= self.max_feeling <= 2:
            raise Invalid(f"max_feeling hors limites : {self.max_feeling} (de 0 à 2)")
        if self.since and self.until and self.until < self.since:
            raise Invalid(f"période vide : du {self.since} au {self.until}")
        return self
