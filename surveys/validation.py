"""Meaning checks of a submitted observation that need no database: grid codes, what each kind
requires, and the observation time. (Shape — types, ranges, UUIDs, finite numbers — is checked
by the request schema before; the walk, its stop and the territory are checked by the service.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from geo.errors import Invalid
from surveys.grid import grid
from surveys.models import Kind, ObservationInput

EARLIEST = datetime(2015, 1, 1, tzinfo=UTC)
"""Observations dated before this are refused (the QPV of 2015 are the oldest reference)."""

MAX_PHOTOS = 10
"""Photos per observation."""


def check_content(obs: ObservationInput, now: datetime, clock_skew_s: int) -> ObservationInput:
    """Return ``obs`` with normalised items, or raise :class:`Invalid` in French.

    Parameters
    ----------
    obs : ObservationInput
        The submitted observation.
    now : datetime
        Server time (aware).
    clock_skew_s : int
        How far in the future ``observed_at`` may be (phones' clocks drift).
    """
    if obs.observed_at.tzinfo is None:
        raise Invalid("observed_at doit indiquer son fuseau horaire (ex. …T21:30:00+02:00)")
    if obs.observed_at > now + timedelta(seconds=clock_skew_s):
        raise Invalid(f"observed_at est dans le futur : {obs.observed_at.isoformat()}")
    if obs.observed_at < EARLIEST:
        raise Invalid(f"observed_at est trop ancien : {obs.observed_at.isoformat()}")
    if len(set(obs.photo_ids)) > MAX_PHOTOS:
        raise Invalid(f"trop de photos annoncées (maximum {MAX_PHOTOS})")
    if obs.kind is Kind.MARCHE:
        return _check_walk_observation(obs)
    return _check_gusp_observation(obs)


def _check_walk_observation(obs: ObservationInput) -> ObservationInput:
    if obs.walk_id is None:
        raise Invalid("walk_id est obligatoire pour une observation de marche")
    if obs.theme is None:
        raise Invalid("theme est obligatoire pour une observation de marche")
    if obs.rating is None:
        raise Invalid("rating (0 à 3) est obligatoire pour une observation de marche")
    if obs.category is not None:
        raise Invalid("category est réservé aux observations GUSP (kind = gusp)")
    items = grid().check_items(obs.theme, obs.items)
    return replace(obs, items=items)


def _check_gusp_observation(obs: ObservationInput) -> ObservationInput:
    if obs.category is None:
        raise Invalid("category est obligatoire pour une observation GUSP")
    grid().check_category(obs.category)
    if obs.theme is not None or obs.items:
        raise Invalid("theme et items sont réservés aux observations de marche (kind = marche)")
    if obs.stop_id is not None and obs.walk_id is None:
        raise Invalid("stop_id suppose walk_id")
    return obs
