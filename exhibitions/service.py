"""Use cases of the exhibitions domain. Each one validates, then runs in one transaction.

Who may do what (routes enforce the roles, services the ownership):

* schools and exhibitions: ``admin`` and ``planner``;
* showings: ``admin``, ``planner`` and ``facilitator`` (the coordinators who take the exhibitions
  to the schools); a facilitator deletes only the showings they recorded;
* coverage, schools, exhibitions and their circulation: public (aggregated, no personal data);
  the detail of a showing (intervenant, notes) is for staff.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import psycopg

from accounts.models import Principal, Role
from exhibitions import coverage as coverage_mod
from exhibitions import repo
from exhibitions import themes as theme_vocab
from exhibitions.annuaire import ReadResult, Skipped
from exhibitions.models import (
    Coverage,
    Exhibition,
    Level,
    School,
    SchoolYear,
    Showing,
    ShowingInput,
)
from exhibitions.uai import normalise_uai
from geo import territory
from geo.errors import Forbidden, Invalid, InvariantError, NotFound

MAX_DAYS = 366
PUPILS_PER_CLASS = 40
ENROLMENT_MARGIN = 1.10
"""A showing may report up to 10 % more pupils than the (often year-old) enrolment."""


@dataclass
class ImportReport:
    read: ReadResult
    territory: str
    inserted: int = 0
    updated: int = 0
    outside: list[Skipped] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return self.inserted + self.updated


# --- schools ------------------------------------------------------------------------------------


def import_schools(
    conn: psycopg.Connection[Any], read: ReadResult, territory_id: str
) -> ImportReport:
    """Upsert the schools of ``read`` that lie in the territory (one transaction); the others
    are reported in ``outside`` with the reason, never stored.

    Parameters
    ----------
    conn : psycopg.Connection
    read : ReadResult
        From :func:`exhibitions.annuaire.read_schools`.
    territory_id : str
        The instance territory (``settings.territory``).
    """
    area = territory.get(conn, territory_id)
    report = ImportReport(read, area.name)
    places = [(s.uai, s.lon, s.lat, s.insee_code) for s in read.records]
    lines = {s.uai: i for i, s in enumerate(read.records)}
    with conn.transaction():
        outside = repo.outside_territory(conn, territory_id, places)
        keep = [s for s in read.records if s.uai not in outside]
        report.inserted, report.updated = repo.upsert_schools(conn, keep)
    for uai, why in outside.items():
        school = read.records[lines[uai]]
        report.outside.append(Skipped(0, uai, school.name, _outside_reason(area.name, why, school)))
    return report


def _outside_reason(area: str, why: str, school: School) -> str:
    where = f"{school.commune or ''} {school.insee_code}".strip()
    if why == "commune":
        return f"commune {where} hors de la zone couverte ({area})"
    return f"position [{school.lon}, {school.lat}] ({where}) hors de la zone couverte ({area})"


def save_school(
    conn: psycopg.Connection[Any], territory_id: str, school: School
) -> tuple[School, bool]:
    """Create or update one school (keyed on UAI); return it and whether it was created.

    Raises
    ------
    Invalid
        Bad UAI, or a place outside the territory (position or commune).
    """
    uai = normalise_uai(school.uai)
    territory.check_point(conn, territory_id, school.lon, school.lat)
    outside = repo.outside_territory(
        conn, territory_id, [(uai, school.lon, school.lat, school.insee_code)]
    )
    if outside:
        area = territory.get(conn, territory_id).name
        raise Invalid(_outside_reason(area, outside[uai], school))
    with conn.transaction():
        inserted, _updated = repo.upsert_schools(conn, [school])
        saved = repo.get_school(conn, uai)
    if saved is None:
        raise InvariantError("expected saved is not None")
    return saved, inserted == 1


def schools_geojson(
    conn: psycopg.Connection[Any], territory_id: str, level: Level | None = None
) -> str:
    """The schools of the territory (one level, or all) as GeoJSON text."""
    return repo.schools_geojson(conn, territory_id, level)


def get_school(conn: psycopg.Connection[Any], uai: str) -> School:
    school = repo.get_school(conn, normalise_uai(uai))
    if school is None:
        raise NotFound(f"établissement inconnu : UAI {uai}")
    return school


# --- exhibitions --------------------------------------------------------------------------------


def create_exhibition(
    conn: psycopg.Connection[Any],
    principal: Principal,
    fields: dict[str, Any],
    copies: int,
) -> Exhibition:
    """Store an exhibition (title, partner, themes, age_min, age_max, description) and its
    ``copies`` physical copies, numbered from 1. Themes may be codes or everyday aliases."""
    fields = {**fields, "themes": theme_vocab.normalise(fields.get("themes") or ())}
    low, high = fields.get("age_min"), fields.get("age_max")
    if low is not None and high is not None and low > high:
        raise Invalid(f"âges incohérents : de {low} à {high} ans (minimum supérieur au maximum)")
    if not 1 <= copies <= 99:
        raise Invalid(f"nombre d'exemplaires hors limites : {copies} (1 à 99)")
    with conn.transaction():
        new_id = repo.insert_exhibition(conn, fields, copies, principal.user_id)
        created = repo.get_exhibition(conn, new_id)
    if created is None:
        raise InvariantError("expected created is not None")
    return created


def get_exhibition(conn: psycopg.Connection[Any], exhibition_id: uuid.UUID) -> Exhibition:
    found = repo.get_exhibition(conn, exhibition_id)
    if found is None:
        raise NotFound(f"exposition inconnue : {exhibition_id}")
    return found


def list_exhibitions(conn: psycopg.Connection[Any]) -> list[Exhibition]:
    return repo.list_exhibitions(conn)


def add_copy(
    conn: psycopg.Connection[Any], exhibition_id: uuid.UUID, label: str | None
) -> Exhibition:
    """Add one physical copy (the next number) to an exhibition."""
    with conn.transaction():
        if not repo.lock_exhibition(conn, exhibition_id):
            raise NotFound(f"exposition inconnue : {exhibition_id}")
        if len(get_exhibition(conn, exhibition_id).copies) >= 99:
            raise Invalid("99 exemplaires au plus par exposition")
        repo.add_copy(conn, exhibition_id, label)
    return get_exhibition(conn, exhibition_id)


# --- showings -----------------------------------------------------------------------------------


def record_showing(
    conn: psycopg.Connection[Any],
    principal: Principal,
    territory_id: str,
    data: ShowingInput,
) -> Showing:
    """Book one copy of an exhibition in one school over a period, with what it reached.

    Raises
    ------
    NotFound
        Unknown exhibition.
    Invalid
        Unknown copy or UAI, school outside the territory, end before start, a period over a
        year, pupils that do not fit the classes or the school's enrolment.
    Conflict
        The copy is already booked over overlapping dates (the message names that booking).
    """
    exhibition = get_exhibition(conn, data.exhibition_id)
    if data.copy_number not in exhibition.copies:
        have = ", ".join(str(c) for c in exhibition.copies)
        raise Invalid(f"exemplaire n° {data.copy_number} inconnu (exemplaires : {have})")
    uai = normalise_uai(data.uai)
    school = repo.get_school(conn, uai)
    if school is None:
        raise Invalid(
            f"établissement inconnu : UAI {uai} (ajoutez-le d'abord : "
            "cartegalite schools import, ou PUT /api/schools/{uai})"
        )
    if not repo.school_in_territory(conn, uai, territory_id):
        area = territory.get(conn, territory_id).name
        raise Invalid(f"{school.name} ({school.commune}) est hors de la zone couverte ({area})")
    _check_period(data)
    _check_counts(data, school)
    data = ShowingInput(**{**data.__dict__, "uai": uai})
    with conn.transaction():
        new_id = repo.insert_showing(conn, data, principal.user_id)
        saved = repo.get_showing(conn, new_id)
    if saved is None:
        raise InvariantError("expected saved is not None")
    return saved


def _check_period(data: ShowingInput) -> None:
    if data.end_date < data.start_date:
        raise Invalid(
            f"la date de fin ({data.end_date:%d/%m/%Y}) précède la date de début "
            f"({data.start_date:%d/%m/%Y})"
        )
    if (data.end_date - data.start_date).days > MAX_DAYS:
        raise Invalid(f"période trop longue : plus de {MAX_DAYS} jours")
    if data.start_date.year < 2000 or data.end_date.year > 2100:
        raise Invalid("dates hors limites (années 2000 à 2100)")


def _check_counts(data: ShowingInput, school: School) -> None:
    classes, pupils = data.classes, data.pupils
    if classes is not None and pupils is not None:
        if classes == 0 and pupils > 0:
            raise Invalid(f"{pupils} élèves déclarés pour 0 classe")
        if pupils > PUPILS_PER_CLASS * classes:
            raise Invalid(
                f"{pupils} élèves pour {classes} classe(s) : plus de {PUPILS_PER_CLASS} "
                "élèves par classe, vérifiez les nombres"
            )
    if pupils is not None and school.enrolment and pupils > school.enrolment * ENROLMENT_MARGIN:
        year = f" en {school.enrolment_year}" if school.enrolment_year else ""
        raise Invalid(
            f"{pupils} élèves déclarés, mais {school.name} en compte {school.enrolment}{year}"
        )


def get_showing(conn: psycopg.Connection[Any], showing_id: uuid.UUID) -> Showing:
    found = repo.get_showing(conn, showing_id)
    if found is None:
        raise NotFound(f"présentation inconnue : {showing_id}")
    return found


def list_showings(
    conn: psycopg.Connection[Any],
    school_year: SchoolYear,
    uai: str | None = None,
    exhibition_id: uuid.UUID | None = None,
) -> list[Showing]:
    """The showings that overlap a school year (optionally one school's, one exhibition's)."""
    code = normalise_uai(uai) if uai else None
    return repo.list_showings(conn, school_year.start, school_year.end, code, exhibition_id)


def _check_owner(principal: Principal, showing: Showing, verb: str) -> None:
    own = principal.user_id is not None and showing.recorded_by == principal.user_id
    if not (principal.has_role(Role.ADMIN, Role.PLANNER) or own):
        raise Forbidden(
            f"seule la personne qui l'a enregistrée (ou la coordination) peut {verb} "
            "cette présentation"
        )


EDITABLE = ("start_date", "end_date", "classes", "pupils", "workshop", "intervenant", "notes")


def update_showing(
    conn: psycopg.Connection[Any],
    principal: Principal,
    showing_id: uuid.UUID,
    changes: dict[str, Any],
) -> Showing:
    """Change the period, the classes and pupils reached, or the texts of a booking (after
    the visit, typically). Same checks as :func:`record_showing`; facilitators change only
    their own bookings."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid(f"champs non modifiables : {', '.join(sorted(unknown))}")
    for key in ("start_date", "end_date"):
        if key in changes and changes[key] is None:
            raise Invalid(f"{key} ne peut pas être vide")
    with conn.transaction():
        current = get_showing(conn, showing_id)
        _check_owner(principal, current, "modifier")
        fields = {k: getattr(current, k) for k in ShowingInput.__dataclass_fields__}
        merged = ShowingInput(**{**fields, **changes})
        school = repo.get_school(conn, current.uai)
        if school is None:
            raise InvariantError("a booking always has its school (foreign key)")
        _check_period(merged)
        _check_counts(merged, school)
        repo.update_showing(conn, showing_id, merged)
    return get_showing(conn, showing_id)


def delete_showing(
    conn: psycopg.Connection[Any], principal: Principal, showing_id: uuid.UUID
) -> None:
    """Delete a booking (a mistake, a cancellation). Facilitators delete only their own."""
    with conn.transaction():
        _check_owner(principal, get_showing(conn, showing_id), "supprimer")
        repo.delete_showing(conn, showing_id)


# --- coverage -----------------------------------------------------------------------------------


def coverage(
    conn: psycopg.Connection[Any],
    territory_id: str,
    generation: int,
    school_year: SchoolYear,
    distance_m: int,
) -> Coverage:
    """Which schools in or near each QPV (within ``distance_m`` of its boundary) hosted a showing
    in ``school_year`` and in the three school years ending with it, with pupils and themes;
    and the priority schools (in/near a QPV, or REP/REP+) not reached."""
    territory.get(conn, territory_id)
    window_start = school_year.minus(coverage_mod.WINDOW_YEARS - 1)
    params = {
        "territory": territory_id,
        "generation": generation,
        "distance_m": distance_m,
        "year_start": school_year.start,
        "year_end": school_year.end,
        "window_start": window_start.start,
    }
    fresh = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with conn.transaction():
        if fresh:  # the three reads see one snapshot
            repo.read_only_snapshot(conn)
        schools = repo.coverage_schools(conn, params)
        qpv_rows = repo.territory_qpv(conn, territory_id, generation)
        showings = repo.list_showings(conn, window_start.start, school_year.end)
    return coverage_mod.build(
        school_year, generation, distance_m, territory_id, qpv_rows, schools, showings
    )
