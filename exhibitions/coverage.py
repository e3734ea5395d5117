"""Coverage of the priority schools, assembled from the rows of :mod:`exhibitions.repo` (pure:
no SQL here), and its flat table (one line per school and QPV) for the page and the CSV export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from exhibitions import themes as theme_vocab
from exhibitions.models import (
    Circulation,
    Coverage,
    CoveredSchool,
    Level,
    Priority,
    QpvCoverage,
    Reach,
    SchoolYear,
    Sector,
    Showing,
    priority_label,
)
from geo.csvout import csv_text

WINDOW_YEARS = 3
"""The selected school year and the two before it."""


def _ordered_themes(codes: Iterable[str]) -> tuple[str, ...]:
    order = {t.code: i for i, t in enumerate(theme_vocab.themes())}
    return tuple(sorted(set(codes), key=lambda c: (order.get(c, len(order)), c)))


def covered_school(row: dict[str, Any]) -> CoveredSchool:
    """One row of ``coverage_schools.sql`` as a :class:`CoveredSchool`."""
    return CoveredSchool(
        uai=row["uai"],
        name=row["name"],
        commune=row["commune"],
        level=Level(row["level"]),
        sector=Sector(row["sector"]),
        priority=Priority(row["priority"]) if row["priority"] else None,
        segpa_section=row["segpa_section"],
        enrolment=row["enrolment"],
        ips=row["ips"],
        lon=row["lon"],
        lat=row["lat"],
        year=Reach(
            row["year_showings"],
            int(row["year_pupils"]),
            _ordered_themes(row["year_themes"]),
            row["year_last"],
        ),
        window=Reach(
            row["window_showings"],
            int(row["window_pupils"]),
            _ordered_themes(row["window_themes"]),
            row["window_last"],
        ),
        qpv=tuple((str(code), int(metres)) for code, metres in row["qpv"]),
    )


def build(
    school_year: SchoolYear,
    generation: int,
    distance_m: int,
    territory: str,
    qpv_rows: Sequence[dict[str, Any]],
    school_rows: Sequence[dict[str, Any]],
    showings: Sequence[Showing] = (),
) -> Coverage:
    """Assemble the coverage: per QPV, its schools (in it or within ``distance_m``)."""
    schools = tuple(covered_school(r) for r in school_rows)
    per_qpv = []
    for q in qpv_rows:
        mine = tuple(s for s in schools if any(code == q["code"] for code, _m in s.qpv))
        per_qpv.append(
            QpvCoverage(
                code=q["code"],
                name=q["name"],
                communes=tuple(q["communes"] or ()),
                schools=mine,
                themes=_ordered_themes(t for s in mine for t in s.year.themes),
            )
        )
    return Coverage(
        school_year=school_year,
        window_years=WINDOW_YEARS,
        generation=generation,
        distance_m=distance_m,
        territory=territory,
        qpv=tuple(per_qpv),
        schools=schools,
        circulation=circulation(showings),
    )


def circulation(showings: Sequence[Showing]) -> tuple[Circulation, ...]:
    """The public view of showings (no intervenant, no notes), by exhibition, copy and date."""
    return tuple(
        Circulation(
            sh.exhibition_title,
            sh.copy_number,
            sh.uai,
            sh.school_name,
            sh.commune,
            sh.start_date,
            sh.end_date,
            sh.pupils,
            sh.lon,
            sh.lat,
        )
        for sh in sorted(showings, key=lambda s: (s.exhibition_title, s.copy_number, s.start_date))
    )


# --- the flat coverage table (page and CSV) -----------------------------------------------------

TABLE_HEADERS = (
    "code_qpv",
    "quartier",
    "distance_m",
    "uai",
    "etablissement",
    "commune",
    "niveau",
    "secteur",
    "education_prioritaire",
    "section_segpa",
    "effectif",
    "atteint_annee",
    "presentations_annee",
    "eleves_annee",
    "themes_annee",
    "atteint_3_ans",
    "eleves_3_ans",
    "derniere_presentation",
)

PAGE_LABELS = (
    "Code QPV",
    "Quartier",
    "Distance (m)",
    "UAI",
    "Établissement",
    "Commune",
    "Niveau",
    "Secteur",
    "Éducation prioritaire",
    "Section SEGPA",
    "Effectif",
    "Atteint cette année",
    "Présentations",
    "Élèves touchés",
    "Thèmes",
    "Atteint sur 3 ans",
    "Élèves sur 3 ans",
    "Dernière présentation",
)
"""French column titles of :data:`TABLE_HEADERS` for the page."""


def _yes(flag: bool) -> str:
    return "oui" if flag else "non"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def table_rows(coverage: Coverage) -> list[tuple[Any, ...]]:
    """One line per priority school and QPV it is in or near (a REP/REP+ school far from every
    QPV has one line with empty QPV cells), ordered by QPV code then school name."""
    names = {q.code: q.name for q in coverage.qpv}
    lines: list[tuple[Any, ...]] = []
    for school in coverage.schools:
        if not school.is_priority:
            continue
        for code, metres in school.qpv or (("", None),):
            lines.append(
                (
                    code,
                    names.get(code, ""),
                    metres if metres is not None else "",
                    school.uai,
                    school.name,
                    school.commune or "",
                    school.level.label,
                    school.sector.label,
                    priority_label(school.priority),
                    _yes(school.segpa_section),
                    school.enrolment if school.enrolment is not None else "",
                    _yes(school.year.reached),
                    school.year.showings,
                    school.year.pupils,
                    ", ".join(theme_vocab.label(t) for t in school.year.themes),
                    _yes(school.window.reached),
                    school.window.pupils,
                    _day(school.window.last_showing),
                )
            )
    return sorted(lines, key=lambda r: (r[0] == "", r[0], r[4], r[3]))


def to_csv(coverage: Coverage) -> str:
    """The coverage table as CSV (UTF-8 text, ``,`` separated, one header line)."""
    return csv_text(TABLE_HEADERS, table_rows(coverage))
