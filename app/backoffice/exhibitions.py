"""View models of the exhibition coordinators' screens: the exhibitions and the calendar of
showings per copy over a school year, and the booking form's choices."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg

from exhibitions import service, themes
from exhibitions.models import SchoolYear


@dataclass(frozen=True)
class Booking:
    start: str
    end: str
    school: str
    pupils: str


@dataclass(frozen=True)
class CopyCalendar:
    exhibition: str
    copy: int
    bookings: tuple[Booking, ...]


@dataclass(frozen=True)
class ExhibitionRow:
    id: str
    title: str
    partner: str
    themes: str
    copies: int


@dataclass(frozen=True)
class BookingChoices:
    copies: tuple[tuple[str, str], ...]
    """(« exhibition id:copy number », French label)."""
    schools: tuple[tuple[str, str], ...]
    """(UAI, « name (commune) »), priority schools not reached this year first."""


def exhibitions(conn: psycopg.Connection[Any]) -> list[ExhibitionRow]:
    return [
        ExhibitionRow(
            str(e.id),
            e.title,
            e.partner or "—",
            ", ".join(themes.label(t) for t in e.themes) or "—",
            len(e.copies),
        )
        for e in service.list_exhibitions(conn)
    ]


def calendar(conn: psycopg.Connection[Any], year: SchoolYear) -> list[CopyCalendar]:
    """Every copy of every exhibition with its bookings over ``year``, in date order."""
    shows = service.list_showings(conn, year)
    found = []
    for e in service.list_exhibitions(conn):
        for copy in e.copies:
            mine = sorted(
                (s for s in shows if s.exhibition_id == e.id and s.copy_number == copy),
                key=lambda s: s.start_date,
            )
            found.append(
                CopyCalendar(
                    e.title,
                    copy,
                    tuple(
                        Booking(
                            f"{s.start_date:%d/%m/%Y}",
                            f"{s.end_date:%d/%m/%Y}",
                            s.school_name + (f" ({s.commune})" if s.commune else ""),
                            str(s.pupils) if s.pupils is not None else "—",
                        )
                        for s in mine
                    ),
                )
            )
    return found


def booking_choices(
    conn: psycopg.Connection[Any], territory: str, generation: int, distance_m: int
) -> BookingChoices:
    """What the booking form offers: every copy, and the territory's schools (priority schools
    not reached this school year first)."""
    copies = tuple(
        (f"{e.id}:{c}", f"{e.title} — exemplaire n° {c}")
        for e in service.list_exhibitions(conn)
        for c in e.copies
    )
    fc = json.loads(service.schools_geojson(conn, territory))
    year = SchoolYear.of(date.today())
    coverage = service.coverage(conn, territory, generation, year, distance_m)
    missed = {s.uai for s in coverage.not_reached}

    def label(p: dict[str, Any]) -> str:
        name = f"{p.get('name') or p.get('nom')} ({p.get('commune') or '—'})"
        return name + (" — prioritaire, non atteint" if p.get("uai") in missed else "")

    props = [f["properties"] for f in fc["features"]]
    props.sort(key=lambda p: (p.get("uai") not in missed, label(p)))
    return BookingChoices(copies, tuple((str(p["uai"]), label(p)) for p in props))
