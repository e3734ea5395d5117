"""Parameters of the exhibitions routes and pages: the school year, the coverage."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from api.deps import ConnDep, Generation, SettingsDep
from exhibitions import service
from exhibitions.models import Coverage, SchoolYear


def school_year_param(
    school_year: Annotated[
        str | None, Query(max_length=20, description="Année scolaire AAAA-AAAA (défaut : en cours)")
    ] = None,
) -> SchoolYear:
    return SchoolYear.parse(school_year) if school_year else SchoolYear.of(date.today())


Year = Annotated[SchoolYear, Depends(school_year_param)]


def coverage_of(
    conn: ConnDep, settings: SettingsDep, generation: Generation, year: Year
) -> Coverage:
    """The coverage for the query's school year and QPV generation (shared by JSON, CSV, page)."""
    return service.coverage(
        conn, settings.territory, generation, year, settings.exhibitions_qpv_distance_m
    )


CoverageDep = Annotated[Coverage, Depends(coverage_of)]
