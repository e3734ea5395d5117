"""Request and response schemas of schools, exhibitions, showings and coverage."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from api.schemas import StrictModel
from exhibitions import themes as theme_vocab
from exhibitions.models import (
    Coverage,
    CoveredSchool,
    Exhibition,
    Level,
    Priority,
    Reach,
    School,
    Sector,
    Showing,
)

# --- schools ------------------------------------------------------------------------------------


class SchoolIn(StrictModel):
    """A school as the annuaire describes it; the UAI is in the path."""

    name: str = Field(min_length=1, max_length=300)
    level: Level = Field(description="ecole, college ou lycee")
    sector: Sector = Field(description="public ou prive")
    insee_code: str = Field(pattern=r"^[0-9][0-9AB][0-9]{3}$", description="Code INSEE commune")
    lon: float = Field(description="Longitude WGS84")
    lat: float = Field(description="Latitude WGS84")
    commune: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=300)
    postal_code: str | None = Field(None, pattern=r"^[0-9]{5}$")
    priority: Priority | None = Field(None, description="rep_plus, rep, hors_ep ou null (privé)")
    segpa_section: bool = False
    ips: float | None = Field(None, ge=20, le=250)
    ips_year: str | None = Field(None, max_length=20)
    enrolment: int | None = Field(None, ge=0, le=10_000)
    enrolment_year: str | None = Field(None, max_length=20)

    def to_school(self, uai: str) -> School:
        return School(uai=uai, source="saisie", **self.model_dump())


class SchoolOut(BaseModel):
    uai: str
    name: str
    level: Level
    sector: Sector
    insee_code: str
    lon: float
    lat: float
    commune: str | None
    address: str | None
    postal_code: str | None
    priority: Priority | None
    segpa_section: bool
    ips: float | None
    ips_year: str | None
    enrolment: int | None
    enrolment_year: str | None
    source: str


# --- exhibitions --------------------------------------------------------------------------------


class ThemeOut(BaseModel):
    code: str
    label: str


def theme_list(codes: tuple[str, ...]) -> list[ThemeOut]:
    return [ThemeOut(code=c, label=theme_vocab.label(c)) for c in codes]


class ThemeVocabulary(BaseModel):
    themes: list[ThemeOut]
    grounds: list[str] = Field(description="Codes qui sont des motifs de discrimination (225-1)")
    aliases: dict[str, list[str]] = Field(description="Mots courants → codes")


class ExhibitionIn(StrictModel):
    title: str = Field(min_length=1, max_length=200)
    partner: str | None = Field(None, max_length=200, description="ex. MRAP")
    themes: list[str] = Field(default_factory=list, max_length=20)
    age_min: int | None = Field(None, ge=3, le=25)
    age_max: int | None = Field(None, ge=3, le=25)
    description: str | None = Field(None, max_length=5000)
    copies: int = Field(1, ge=1, le=99, description="Exemplaires physiques disponibles")


class ExhibitionOut(BaseModel):
    id: uuid.UUID
    title: str
    partner: str | None
    themes: list[ThemeOut]
    age_min: int | None
    age_max: int | None
    description: str | None
    copies: list[int]

    @classmethod
    def of(cls, e: Exhibition) -> ExhibitionOut:
        return cls(**{**e.__dict__, "themes": theme_list(e.themes), "copies": list(e.copies)})


class CopyIn(StrictModel):
    label: str | None = Field(None, max_length=120)


# --- showings -----------------------------------------------------------------------------------


class ShowingIn(StrictModel):
    copy_number: int = Field(1, ge=1, le=99, description="Numéro de l'exemplaire")
    uai: str = Field(min_length=1, max_length=20, description="UAI de l'établissement")
    start_date: date
    end_date: date
    classes: int | None = Field(None, ge=0, le=100)
    pupils: int | None = Field(None, ge=0, le=5000, description="Élèves touchés")
    workshop: str | None = Field(None, max_length=500, description="Atelier d'accompagnement")
    intervenant: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=2000)


class ShowingPatch(StrictModel):
    """Only the fields sent are changed (``null`` clears a count or a text)."""

    start_date: date | None = None
    end_date: date | None = None
    classes: int | None = Field(None, ge=0, le=100)
    pupils: int | None = Field(None, ge=0, le=5000)
    workshop: str | None = Field(None, max_length=500)
    intervenant: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=2000)


class ShowingOut(BaseModel):
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

    @classmethod
    def of(cls, s: Showing) -> ShowingOut:
        return cls(**{k: v for k, v in s.__dict__.items() if k not in ("lon", "lat")})


# --- coverage -----------------------------------------------------------------------------------


class ReachOut(BaseModel):
    reached: bool
    showings: int
    pupils: int
    themes: list[ThemeOut]
    last_showing: date | None

    @classmethod
    def of(cls, r: Reach) -> ReachOut:
        return cls(
            reached=r.reached,
            showings=r.showings,
            pupils=r.pupils,
            themes=theme_list(r.themes),
            last_showing=r.last_showing,
        )


class NearQpv(BaseModel):
    code: str
    distance_m: int = Field(description="0 quand l'établissement est dans le quartier")


class CoveredSchoolOut(BaseModel):
    uai: str
    name: str
    commune: str | None
    level: Level
    sector: Sector
    priority: Priority | None
    segpa_section: bool
    enrolment: int | None
    lon: float
    lat: float
    qpv: list[NearQpv]
    school_year: ReachOut
    window: ReachOut

    @classmethod
    def of(cls, s: CoveredSchool) -> CoveredSchoolOut:
        plain = (
            "uai",
            "name",
            "commune",
            "level",
            "sector",
            "priority",
            "segpa_section",
            "enrolment",
            "lon",
            "lat",
        )
        data: dict[str, Any] = {k: getattr(s, k) for k in plain}
        return cls(
            **data,
            qpv=[NearQpv(code=c, distance_m=m) for c, m in s.qpv],
            school_year=ReachOut.of(s.year),
            window=ReachOut.of(s.window),
        )


class QpvCoverageOut(BaseModel):
    code: str
    name: str
    communes: list[str]
    schools_total: int
    schools_reached: int
    schools_reached_window: int
    pupils: int
    pupils_window: int
    themes: list[ThemeOut]
    schools: list[str] = Field(description="UAI des établissements dans ou près du quartier")


class CirculationOut(BaseModel):
    exhibition_title: str
    copy_number: int
    uai: str
    school_name: str
    commune: str | None
    start_date: date
    end_date: date
    pupils: int | None


class CoverageOut(BaseModel):
    school_year: str
    year_start: date
    year_end: date
    window_school_years: list[str]
    generation: int
    distance_m: int
    territory: str
    qpv: list[QpvCoverageOut]
    schools: list[CoveredSchoolOut] = Field(description="Établissements prioritaires")
    not_reached: list[CoveredSchoolOut] = Field(
        description="Prioritaires (dans/près d'un QPV, ou REP/REP+) sans présentation cette "
        "année, par effectif décroissant"
    )
    circulation: list[CirculationOut]

    @classmethod
    def of(cls, c: Coverage) -> CoverageOut:
        first = c.window_start
        return cls(
            school_year=str(c.school_year),
            year_start=c.school_year.start,
            year_end=c.school_year.end,
            window_school_years=[str(first.minus(-i)) for i in range(c.window_years)],
            generation=c.generation,
            distance_m=c.distance_m,
            territory=c.territory,
            qpv=[
                QpvCoverageOut(
                    code=q.code,
                    name=q.name,
                    communes=list(q.communes),
                    schools_total=len(q.schools),
                    schools_reached=q.reached,
                    schools_reached_window=q.reached_window,
                    pupils=q.pupils,
                    pupils_window=q.pupils_window,
                    themes=theme_list(q.themes),
                    schools=[s.uai for s in q.schools],
                )
                for q in c.qpv
            ],
            schools=[CoveredSchoolOut.of(s) for s in c.schools if s.is_priority],
            not_reached=[CoveredSchoolOut.of(s) for s in c.not_reached],
            circulation=[
                CirculationOut(**{k: getattr(x, k) for k in CirculationOut.model_fields})
                for x in c.circulation
            ],
        )
