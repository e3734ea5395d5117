"""Every SQL statement of the exhibitions domain. Functions take ``conn`` first, never commit,
and translate driver errors into :mod:`geo.errors` (an overlapping booking → ``Conflict``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.rows import dict_row

from exhibitions.models import Exhibition, Level, Priority, School, Sector, Showing, ShowingInput
from geo.errors import Conflict, Invalid, InvariantError

_IN_ZONE = """
    ST_Intersects((SELECT geom FROM territory WHERE id = %(territory)s), {geom})
    AND (NOT EXISTS (SELECT 1 FROM territory_commune c WHERE c.territory_id = %(territory)s)
         OR EXISTS (SELECT 1 FROM territory_commune c
                    WHERE c.territory_id = %(territory)s AND c.insee_code = {insee}))
"""


@cache
def _sql(name: str) -> str:
    return resources.files("exhibitions.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")


def read_only_snapshot(conn: psycopg.Connection[Any]) -> None:
    """Make the transaction just opened read-only with one snapshot for all its statements."""
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


# --- territory ----------------------------------------------------------------------------------


def outside_territory(
    conn: psycopg.Connection[Any],
    territory: str,
    places: Sequence[tuple[str, float, float, str]],
) -> dict[str, str]:
    """Which of ``places`` (key, lon, lat, INSEE code) lie outside the territory, and why.

    Returns key → ``"position"`` (outside the territory's geometry) or ``"commune"`` (inside it,
    but in a commune the territory does not list).
    """
    if not places:
        return {}
    rows = conn.execute(
        _sql("outside_territory"),
        {
            "territory": territory,
            "keys": [p[0] for p in places],
            "lons": [p[1] for p in places],
            "lats": [p[2] for p in places],
            "insee": [p[3] for p in places],
        },
    ).fetchall()
    return {str(key): str(why) for key, why in rows}


# --- schools ------------------------------------------------------------------------------------

_SCHOOL_COLUMNS = """uai, name, level, sector, insee_code, ST_X(geom) AS lon, ST_Y(geom) AS lat,
    commune, address, postal_code, priority, segpa_section, ips::float8 AS ips, ips_year,
    enrolment, enrolment_year, source"""

_UPSERT_SCHOOL = """
    INSERT INTO school (uai, name, level, sector, insee_code, geom, commune, address,
                        postal_code, priority, segpa_section, ips, ips_year, enrolment,
                        enrolment_year, source)
    VALUES (%(uai)s, %(name)s, %(level)s, %(sector)s, %(insee_code)s,
            ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(commune)s, %(address)s,
            %(postal_code)s, %(priority)s, %(segpa_section)s, %(ips)s, %(ips_year)s,
            %(enrolment)s, %(enrolment_year)s, %(source)s)
    ON CONFLICT (uai) DO UPDATE SET
        name = EXCLUDED.name, level = EXCLUDED.level, sector = EXCLUDED.sector,
        insee_code = EXCLUDED.insee_code, geom = EXCLUDED.geom, commune = EXCLUDED.commune,
        address = EXCLUDED.address, postal_code = EXCLUDED.postal_code,
        priority = EXCLUDED.priority, segpa_section = EXCLUDED.segpa_section,
        ips = EXCLUDED.ips, ips_year = EXCLUDED.ips_year, enrolment = EXCLUDED.enrolment,
        enrolment_year = EXCLUDED.enrolment_year, source = EXCLUDED.source, updated_at = now()
"""


def _school_params(s: School) -> dict[str, Any]:
    return {
        **s.__dict__,
        "level": s.level.value,
        "sector": s.sector.value,
        "priority": s.priority.value if s.priority else None,
    }


def upsert_schools(conn: psycopg.Connection[Any], schools: Sequence[School]) -> tuple[int, int]:
    """Insert or update schools keyed on UAI; return (inserted, updated)."""
    if not schools:
        return (0, 0)
    row = conn.execute(
        "SELECT count(*) FROM school WHERE uai = ANY(%s)", ([s.uai for s in schools],)
    ).fetchone()
    existing = int(row[0]) if row else 0
    with conn.cursor() as cur:
        cur.executemany(_UPSERT_SCHOOL, [_school_params(s) for s in schools])
    return (len(schools) - existing, existing)


def _school(row: dict[str, Any]) -> School:
    return School(
        **{
            **row,
            "level": Level(row["level"]),
            "sector": Sector(row["sector"]),
            "priority": Priority(row["priority"]) if row["priority"] else None,
        }
    )


def get_school(conn: psycopg.Connection[Any], uai: str) -> School | None:
    cur = conn.cursor(row_factory=dict_row)
    row = cur.execute(f"SELECT {_SCHOOL_COLUMNS} FROM school WHERE uai = %s", (uai,)).fetchone()
    return _school(row) if row else None


def school_in_territory(conn: psycopg.Connection[Any], uai: str, territory: str) -> bool:
    row = conn.execute(
        f"SELECT {_IN_ZONE.format(geom='s.geom', insee='s.insee_code')} FROM school s "
        "WHERE s.uai = %(uai)s",
        {"uai": uai, "territory": territory},
    ).fetchone()
    return bool(row and row[0])


def schools_geojson(
    conn: psycopg.Connection[Any], territory: str, level: Level | None = None
) -> str:
    """The schools of the territory as a GeoJSON FeatureCollection (text, built in SQL)."""
    row = conn.execute(
        f"""
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
            json_build_object('type', 'Feature', 'id', s.uai,
                'geometry', ST_AsGeoJSON(s.geom, 6)::json,
                'properties', json_build_object(
                    'uai', s.uai, 'name', s.name, 'level', s.level, 'sector', s.sector,
                    'segpa_section', s.segpa_section, 'address', s.address,
                    'postal_code', s.postal_code, 'commune', s.commune,
                    'insee_code', s.insee_code, 'priority', s.priority, 'ips', s.ips,
                    'ips_year', s.ips_year, 'enrolment', s.enrolment,
                    'enrolment_year', s.enrolment_year, 'source', s.source))
            ORDER BY s.name, s.uai), '[]'::json))::text
        FROM school s
        WHERE {_IN_ZONE.format(geom="s.geom", insee="s.insee_code")}
          AND (%(level)s::text IS NULL OR s.level = %(level)s)
        """,
        {"territory": territory, "level": level.value if level else None},
    ).fetchone()
    return str(row[0]) if row else '{"type":"FeatureCollection","features":[]}'


def count_schools(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT count(*) FROM school").fetchone()
    return int(row[0]) if row else 0


# --- exhibitions --------------------------------------------------------------------------------

_EXHIBITION = """
    SELECT e.id, e.title, e.partner, e.themes, e.age_min, e.age_max, e.description,
           array(SELECT c.number FROM exhibition_copy c
                 WHERE c.exhibition_id = e.id ORDER BY c.number) AS copies
    FROM exhibition e
"""


def _exhibition(row: dict[str, Any]) -> Exhibition:
    return Exhibition(
        **{**row, "themes": tuple(row["themes"]), "copies": tuple(int(c) for c in row["copies"])}
    )


def insert_exhibition(
    conn: psycopg.Connection[Any],
    fields: dict[str, Any],
    copies: int,
    created_by: uuid.UUID | None,
) -> uuid.UUID:
    """Store an exhibition and its copies numbered 1…``copies``; return its id."""
    row = conn.execute(
        """
        INSERT INTO exhibition (title, partner, themes, age_min, age_max, description, created_by)
        VALUES (%(title)s, %(partner)s, %(themes)s, %(age_min)s, %(age_max)s, %(description)s,
                %(created_by)s)
        RETURNING id
        """,
        {**fields, "themes": list(fields["themes"]), "created_by": created_by},
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    conn.execute(
        "INSERT INTO exhibition_copy (exhibition_id, number) SELECT %s, generate_series(1, %s)",
        (row[0], copies),
    )
    return uuid.UUID(str(row[0]))


def add_copy(conn: psycopg.Connection[Any], exhibition_id: uuid.UUID, label: str | None) -> int:
    """Add the next physical copy of an exhibition; return its number."""
    row = conn.execute(
        """
        INSERT INTO exhibition_copy (exhibition_id, number, label)
        SELECT %s, coalesce(max(number), 0) + 1, %s FROM exhibition_copy WHERE exhibition_id = %s
        RETURNING number
        """,
        (exhibition_id, label, exhibition_id),
    ).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    return int(row[0])


def lock_exhibition(conn: psycopg.Connection[Any], exhibition_id: uuid.UUID) -> bool:
    """Lock an exhibition row for the transaction (serialises copy numbering); False if absent."""
    row = conn.execute(
        "SELECT 1 FROM exhibition WHERE id = %s FOR UPDATE", (exhibition_id,)
    ).fetchone()
    return row is not None


def get_exhibition(conn: psycopg.Connection[Any], exhibition_id: uuid.UUID) -> Exhibition | None:
    cur = conn.cursor(row_factory=dict_row)
    row = cur.execute(_EXHIBITION + " WHERE e.id = %s", (exhibition_id,)).fetchone()
    return _exhibition(row) if row else None


def list_exhibitions(conn: psycopg.Connection[Any]) -> list[Exhibition]:
    cur = conn.cursor(row_factory=dict_row)
    return [_exhibition(r) for r in cur.execute(_EXHIBITION + " ORDER BY e.title, e.id")]


# --- showings -----------------------------------------------------------------------------------

_SHOWING = """
    SELECT sh.id, sh.exhibition_id, e.title AS exhibition_title, sh.copy_number, sh.uai,
           s.name AS school_name, s.commune, sh.start_date, sh.end_date, sh.classes, sh.pupils,
           sh.workshop, sh.intervenant, sh.notes, sh.recorded_by,
           ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
    FROM showing sh
    JOIN exhibition e ON e.id = sh.exhibition_id
    JOIN school s ON s.uai = sh.uai
"""


def insert_showing(
    conn: psycopg.Connection[Any], showing: ShowingInput, recorded_by: uuid.UUID | None
) -> uuid.UUID:
    """Book one copy in one school over a period; return the booking's id.

    Raises
    ------
    Conflict
        When the copy is already booked over overlapping dates (exclusion constraint
        ``showing_copy_not_double_booked``); the message names the other booking.
    """
    params = {**showing.__dict__, "recorded_by": recorded_by}
    try:
        with conn.transaction():  # a savepoint: after a violation we can still look around
            row = conn.execute(
                """
                INSERT INTO showing (exhibition_id, copy_number, uai, start_date, end_date,
                                     classes, pupils, workshop, intervenant, notes, recorded_by)
                VALUES (%(exhibition_id)s, %(copy_number)s, %(uai)s, %(start_date)s,
                        %(end_date)s, %(classes)s, %(pupils)s, %(workshop)s, %(intervenant)s,
                        %(notes)s, %(recorded_by)s)
                RETURNING id
                """,
                params,
            ).fetchone()
    except pg_errors.ExclusionViolation as exc:
        other = overlapping(conn, showing)
        raise Conflict(_double_booking(showing, other)) from exc
    except pg_errors.ForeignKeyViolation as exc:  # deleted meanwhile: the service checked both
        raise Invalid(
            f"établissement {showing.uai} ou exemplaire n° {showing.copy_number} introuvable"
        ) from exc
    if row is None:
        raise InvariantError("expected row is not None")
    return uuid.UUID(str(row[0]))


def update_showing(
    conn: psycopg.Connection[Any], showing_id: uuid.UUID, showing: ShowingInput
) -> None:
    """Rewrite the period, counts and texts of a booking (same copy, same school).

    Raises
    ------
    Conflict
        When the new period overlaps another booking of the copy (named in the message).
    """
    try:
        with conn.transaction():
            conn.execute(
                """
                UPDATE showing SET start_date = %(start_date)s, end_date = %(end_date)s,
                    classes = %(classes)s, pupils = %(pupils)s, workshop = %(workshop)s,
                    intervenant = %(intervenant)s, notes = %(notes)s
                WHERE id = %(id)s
                """,
                {**showing.__dict__, "id": showing_id},
            )
    except pg_errors.ExclusionViolation as exc:
        other = overlapping(conn, showing, exclude=showing_id)
        raise Conflict(_double_booking(showing, other)) from exc


def _double_booking(showing: ShowingInput, other: Showing | None) -> str:
    copy = f"l'exemplaire n° {showing.copy_number}"
    if other is None:  # the other booking vanished between the violation and the look-up
        return f"{copy} est déjà réservé sur cette période"
    where = other.school_name + (f" ({other.commune})" if other.commune else "")
    return (
        f"{copy} de « {other.exhibition_title} » est déjà réservé du "
        f"{other.start_date:%d/%m/%Y} au {other.end_date:%d/%m/%Y} au {where}, "
        f"UAI {other.uai} (réservation {other.id}) : choisissez d'autres dates ou un autre "
        "exemplaire"
    )


def overlapping(
    conn: psycopg.Connection[Any], showing: ShowingInput, exclude: uuid.UUID | None = None
) -> Showing | None:
    """The booking of the same copy whose period overlaps ``showing``'s, if any (other than
    ``exclude``)."""
    cur = conn.cursor(row_factory=dict_row)
    row = cur.execute(
        _SHOWING
        + """
        WHERE sh.exhibition_id = %(exhibition_id)s AND sh.copy_number = %(copy_number)s
          AND daterange(sh.start_date, sh.end_date, '[]')
              && daterange(%(start_date)s, %(end_date)s, '[]')
          AND sh.id IS DISTINCT FROM %(exclude)s
        ORDER BY sh.start_date LIMIT 1
        """,
        {**showing.__dict__, "exclude": exclude},
    ).fetchone()
    return Showing(**row) if row else None


def get_showing(conn: psycopg.Connection[Any], showing_id: uuid.UUID) -> Showing | None:
    cur = conn.cursor(row_factory=dict_row)
    row = cur.execute(_SHOWING + " WHERE sh.id = %s", (showing_id,)).fetchone()
    return Showing(**row) if row else None


def list_showings(
    conn: psycopg.Connection[Any],
    start: date,
    end: date,
    uai: str | None = None,
    exhibition_id: uuid.UUID | None = None,
) -> list[Showing]:
    """Showings whose period overlaps [start, end], by start date."""
    cur = conn.cursor(row_factory=dict_row)
    rows = cur.execute(
        _SHOWING
        + """
        WHERE daterange(sh.start_date, sh.end_date, '[]') && daterange(%(s)s, %(e)s, '[]')
          AND (%(uai)s::text IS NULL OR sh.uai = %(uai)s)
          AND (%(ex)s::uuid IS NULL OR sh.exhibition_id = %(ex)s)
        ORDER BY sh.start_date, e.title, sh.copy_number
        """,
        {"s": start, "e": end, "uai": uai, "ex": exhibition_id},
    ).fetchall()
    return [Showing(**r) for r in rows]


def delete_showing(conn: psycopg.Connection[Any], showing_id: uuid.UUID) -> bool:
    cur = conn.execute("DELETE FROM showing WHERE id = %s", (showing_id,))
    return cur.rowcount == 1


def count_showings(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT count(*) FROM showing").fetchone()
    return int(row[0]) if row else 0


# --- coverage -----------------------------------------------------------------------------------


def coverage_schools(conn: psycopg.Connection[Any], params: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per school of the territory: its QPV (code, metres) and what reached it.

    ``params``: territory, generation, distance_m, year_start, year_end, window_start.
    """
    cur = conn.cursor(row_factory=dict_row)
    return cur.execute(_sql("coverage_schools"), params).fetchall()


def territory_qpv(
    conn: psycopg.Connection[Any], territory: str, generation: int
) -> list[dict[str, Any]]:
    """The QPV of one generation that lie in the territory (code, name, communes)."""
    cur = conn.cursor(row_factory=dict_row)
    return cur.execute(
        _sql("territory_qpv"), {"territory": territory, "generation": generation}
    ).fetchall()
