"""The resident's search (« Trouver de l'aide près de chez moi »): by position, by quartier
(QPV, searched from a point inside it) or by commune (listed by name, no position used)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from actors import finder, folding, helplines, hours
from actors.finder import Criteria
from actors.repo import review
from actors.repo.search import Viewer
from geo.errors import Invalid


@dataclass(frozen=True)
class Place:
    mode: str
    """``position``, ``quartier`` or ``commune``."""
    label: str
    lon: float | None = None
    lat: float | None = None


@dataclass
class ResidentResult:
    place: Place | None
    criteria: Criteria
    features: list[dict[str, Any]] = field(default_factory=list)
    lines: list[helplines.HelpLine] = field(default_factory=list)
    problem: str | None = None
    at: datetime | None = None


def choices(
    conn: psycopg.Connection[Any], territory_id: str, generation: int
) -> dict[str, list[tuple[str, str]]]:
    """Communes (INSEE code, readable name) having public actors, and the territory's QPV."""
    communes = sorted(choices_communes(conn, territory_id), key=lambda c: folding.fold(c[1]))
    quartiers = [
        (code, f"{name} ({', '.join(towns)})" if towns else name)
        for code, name, towns in review.quartiers(conn, territory_id, generation)
    ]
    return {"communes": communes, "quartiers": quartiers}


def find(
    conn: psycopg.Connection[Any],
    territory_id: str,
    generation: int,
    crit: Criteria,
    viewer: Viewer,
    position: tuple[float, float] | None = None,
    quartier: str | None = None,
    commune: str | None = None,
    limit: int = 10,
    at: datetime | None = None,
    helplines_file: Path | None = None,
) -> ResidentResult:
    """Search from the first place given (position, then quartier, then commune); the help
    lines come with it when the situation is a discrimination."""
    moment = hours.paris_now(at)
    result = ResidentResult(None, crit, at=moment)
    result.lines = helplines.for_situation(crit.about_discrimination, helplines_file)
    try:
        if position is not None:
            result.place = Place("position", "autour de votre position", *position)
        elif quartier:
            point = review.quartier_point(conn, quartier, generation)
            if point is None:
                raise Invalid(f"quartier inconnu : {quartier}")
            result.place = Place("quartier", f"autour du quartier {point[2]}", point[0], point[1])
        elif commune:
            result.place = Place("commune", f"à {_commune_label(conn, commune)}")
        else:
            return result
        result.features = _search(
            conn, territory_id, result.place, commune, crit, viewer, limit, moment
        )
    except Invalid as exc:
        result.problem = exc.message
        if result.place is not None and result.place.mode == "position":
            result.problem = (
                "Votre position semble hors de la zone couverte par ce service : choisissez "
                f"un quartier ou une commune. ({exc.message})"
            )
        result.features = []
        result.place = None
    return result


def _search(
    conn: psycopg.Connection[Any],
    territory_id: str,
    place: Place,
    commune: str | None,
    crit: Criteria,
    viewer: Viewer,
    limit: int,
    moment: datetime,
) -> list[dict[str, Any]]:
    if place.lon is not None and place.lat is not None:
        found = finder.nearest(
            conn, territory_id, place.lon, place.lat, crit, viewer, limit, None, moment
        )
    else:
        found = finder.listing(
            conn,
            crit,
            viewer,
            commune=commune,
            limit=finder.MAX_LIST,
            at=moment,
            territory_id=territory_id,
        )
    return list(found["features"])


def _commune_label(conn: psycopg.Connection[Any], code: str) -> str:
    for known, label in choices_communes(conn):
        if known == code:
            return label
    raise Invalid(f"commune inconnue dans l'annuaire : {code}")


def choices_communes(
    conn: psycopg.Connection[Any], territory_id: str | None = None
) -> list[tuple[str, str]]:
    """(INSEE code, readable name) of the communes having public actors (that
    ``territory_id`` sees, when given)."""
    out = []
    for code, spellings, _count in review.communes(conn, territory_id):
        mixed = [s for s in spellings if s != s.upper()]
        out.append((code, folding.display_commune(sorted(mixed or spellings)[0])))
    return out
