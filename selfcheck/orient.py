"""Orientation: the places of the directory near the person that handle the grounds and the
domain of what happened (nearest first from the QPV's centroid, or from the centre of the
commune's places), and the help lines the outcome names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from actors import finder, helplines, present
from actors.helplines import HelpLine
from actors.repo.search import Viewer
from geo.errors import Invalid
from selfcheck import contacts, repo
from selfcheck.models import Place, Qualification, Verdict
from selfcheck.rules import Outcome

DEFAULT_LIMIT = 3


@dataclass
class Orientation:
    lines: list[HelpLine]
    places: list[dict[str, Any]] = field(default_factory=list)
    """Enriched GeoJSON Features (``distance_m``, ``opening``…), nearest first."""
    origin: str | None = None
    """Where distances are measured from, in French (« autour du quartier Malakoff »)."""
    point: tuple[float, float] | None = None
    problem: str | None = None
    criteria: finder.Criteria | None = None


def reference_point(
    conn: psycopg.Connection[Any], territory_id: str, generation: int, place: Place
) -> tuple[float, float, str] | None:
    """(lon, lat, label) to measure from: the QPV's centroid, or the centre of the places of
    the commune's directory; None when neither is known."""
    if place.qpv:
        found = repo.qpv_centroid(conn, territory_id, place.qpv, generation)
        return (found[0], found[1], f"autour du quartier {found[2]}") if found else None
    if place.commune:
        point = repo.commune_point(conn, place.commune)
        return (point[0], point[1], "autour du centre de ta commune") if point else None
    return None


def orient(
    conn: psycopg.Connection[Any],
    territory_id: str,
    generation: int,
    place: Place,
    qualification: Qualification,
    outcome: Outcome,
    viewer: Viewer,
    limit: int = DEFAULT_LIMIT,
    at: datetime | None = None,
    helplines_file: Path | None = None,
) -> Orientation:
    """The help lines of the outcome and the ``limit`` nearest places that handle at least
    one of the grounds (when the outcome asks for them) and the domain."""
    picked = contacts.pick(outcome.contacts, helplines_file)
    campaign = [
        line
        for line in helplines.for_campaign(helplines_file)
        if line.code not in {p.code for p in picked}
    ]
    result = Orientation(lines=[*picked, *campaign])  # the campaign's lines in every answer
    wanted = outcome.actors
    if wanted.none:
        return result
    domain = qualification.domain if wanted.domain == "answer" else (wanted.domain or None)
    about = outcome.verdict != Verdict.NO
    grounds: tuple[str | None, ...] = (
        qualification.grounds if wanted.grounds and qualification.grounds else (None,)
    )
    result.criteria = finder.criteria(grounds[0], domain, None, about)
    found = reference_point(conn, territory_id, generation, place)
    if found is None:
        result.problem = (
            "Choisis ton quartier ou ta commune pour voir les lieux les plus proches."
            if not place.given
            else "Nous ne connaissons pas de lieu dans ta commune : choisis ton quartier, "
            "ou appelle une des lignes ci-dessous."
        )
        return result
    result.point, result.origin = (found[0], found[1]), found[2]
    try:
        result.places = _nearest(
            conn, territory_id, found[:2], grounds, domain, about, viewer, limit, at
        )
    except Invalid as exc:
        result.problem = exc.message
    return result


def _nearest(
    conn: psycopg.Connection[Any],
    territory_id: str,
    point: tuple[float, float],
    grounds: tuple[str | None, ...],
    domain: str | None,
    about: bool,
    viewer: Viewer,
    limit: int,
    at: datetime | None,
) -> list[dict[str, Any]]:
    """Union of the nearest places for each ground (a place handling any of them counts),
    nearest first, each place once."""
    best: dict[str, dict[str, Any]] = {}
    for ground in grounds:
        crit = finder.criteria(ground, domain, None, about)
        found = finder.nearest(conn, territory_id, point[0], point[1], crit, viewer, limit, at=at)
        for feature in found["features"]:
            key = str(feature["properties"]["id"])
            if key not in best:
                best[key] = feature
    ordered = sorted(best.values(), key=lambda f: (f["properties"]["distance_m"], f["id"]))
    return ordered[:limit]


def cards(orientation: Orientation) -> list[dict[str, Any]]:
    """What the page shows for each place (``actors.present.card``)."""
    return [present.card(f) for f in orientation.places]
