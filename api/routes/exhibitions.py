"""Schools, exhibitions, showings (bookings) and the coverage of the priority schools."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from accounts.models import Principal, Role
from api.deps import ConnDep, SettingsDep, StaffPrincipal, require
from api.params.exhibitions import CoverageDep, Year
from api.routing import StrictJSONRoute
from api.schemas_exhibitions import (
    CopyIn,
    CoverageOut,
    ExhibitionIn,
    ExhibitionOut,
    SchoolIn,
    SchoolOut,
    ShowingIn,
    ShowingOut,
    ShowingPatch,
    ThemeOut,
    ThemeVocabulary,
)
from exhibitions import coverage as coverage_table
from exhibitions import service
from exhibitions import themes as theme_vocab
from exhibitions.models import Level, ShowingInput
from exhibitions.uai import normalise_uai

GEOJSON = "application/geo+json"

Planner = Annotated[Principal, require(Role.ADMIN, Role.PLANNER)]
"""Schools and exhibitions are managed by the coordination (admin, planner)."""
Recorder = Annotated[Principal, require(Role.ADMIN, Role.PLANNER, Role.FACILITATOR)]
"""Showings are also recorded by the facilitators who take the exhibitions to the schools."""


schools = APIRouter(prefix="/api/schools", route_class=StrictJSONRoute, tags=["établissements"])


@schools.get(
    "",
    summary="Établissements de la zone couverte (GeoJSON)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
def list_schools(
    conn: ConnDep,
    settings: SettingsDep,
    level: Annotated[Level | None, Query(description="ecole, college ou lycee")] = None,
) -> Response:
    return Response(service.schools_geojson(conn, settings.territory, level), media_type=GEOJSON)


@schools.get("/{uai}", response_model=SchoolOut, summary="Un établissement")
def get_school(conn: ConnDep, uai: Annotated[str, Path(max_length=20)]) -> Any:
    return service.get_school(conn, uai).__dict__


@schools.put(
    "/{uai}",
    response_model=SchoolOut,
    summary="Créer ou mettre à jour un établissement (201 à la création)",
    responses={201: {"description": "créé"}},
)
def put_school(
    body: SchoolIn,
    conn: ConnDep,
    settings: SettingsDep,
    response: Response,
    _who: Planner,
    uai: Annotated[str, Path(max_length=20, description="UAI, ex. 0440286X")],
) -> Any:
    school = body.to_school(normalise_uai(uai))
    saved, created = service.save_school(conn, settings.territory, school)
    response.status_code = 201 if created else 200
    return saved.__dict__


router = APIRouter(prefix="/api/exhibitions", route_class=StrictJSONRoute, tags=["expositions"])


@router.get("/themes", response_model=ThemeVocabulary, summary="Thèmes des expositions")
def list_themes() -> Any:
    return {
        "themes": [ThemeOut(code=t.code, label=t.label) for t in theme_vocab.themes()],
        "grounds": [t.code for t in theme_vocab.themes() if t.ground],
        "aliases": {k: list(v) for k, v in theme_vocab.aliases().items()},
    }


@router.get(
    "/coverage",
    response_model=CoverageOut,
    summary="Couverture des établissements prioritaires (par QPV) pour une année scolaire",
)
def get_coverage(coverage: CoverageDep) -> Any:
    return CoverageOut.of(coverage)


@router.get(
    "/coverage.csv",
    response_class=Response,
    summary="Tableau de couverture en CSV (UTF-8, une ligne d'en-tête)",
    responses={200: {"content": {"text/csv": {}}}},
)
def get_coverage_csv(coverage: CoverageDep) -> Response:
    name = f"couverture-expositions-{coverage.school_year}-qpv{coverage.generation}.csv"
    return Response(
        coverage_table.to_csv(coverage),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/showings", response_model=list[ShowingOut], summary="Présentations (équipe)")
def list_showings(
    conn: ConnDep,
    _staff: StaffPrincipal,
    year: Year,
    uai: Annotated[str | None, Query(max_length=20)] = None,
    exhibition: Annotated[uuid.UUID | None, Query(description="Id de l'exposition")] = None,
) -> Any:
    return [ShowingOut.of(s) for s in service.list_showings(conn, year, uai, exhibition)]


@router.get("/showings/{showing_id}", response_model=ShowingOut, summary="Une présentation")
def get_showing(conn: ConnDep, _staff: StaffPrincipal, showing_id: uuid.UUID) -> Any:
    return ShowingOut.of(service.get_showing(conn, showing_id))


@router.patch(
    "/showings/{showing_id}",
    response_model=ShowingOut,
    summary="Modifier une présentation (dates, classes, élèves, textes)",
    responses={409: {"description": "nouvelles dates en conflit avec une autre réservation"}},
)
def update_showing(body: ShowingPatch, conn: ConnDep, who: Recorder, showing_id: uuid.UUID) -> Any:
    changes = body.model_dump(exclude_unset=True)
    return ShowingOut.of(service.update_showing(conn, who, showing_id, changes))


@router.delete("/showings/{showing_id}", status_code=204, summary="Supprimer une présentation")
def delete_showing(conn: ConnDep, who: Recorder, showing_id: uuid.UUID) -> Response:
    service.delete_showing(conn, who, showing_id)
    return Response(status_code=204)


@router.get("", response_model=list[ExhibitionOut], summary="Expositions")
def list_exhibitions(conn: ConnDep) -> Any:
    return [ExhibitionOut.of(e) for e in service.list_exhibitions(conn)]


@router.post("", status_code=201, response_model=ExhibitionOut, summary="Créer une exposition")
def create_exhibition(body: ExhibitionIn, conn: ConnDep, who: Planner) -> Any:
    fields = body.model_dump(exclude={"copies"})
    return ExhibitionOut.of(service.create_exhibition(conn, who, fields, body.copies))


@router.get("/{exhibition_id}", response_model=ExhibitionOut, summary="Une exposition")
def get_exhibition(conn: ConnDep, exhibition_id: uuid.UUID) -> Any:
    return ExhibitionOut.of(service.get_exhibition(conn, exhibition_id))


@router.post(
    "/{exhibition_id}/copies",
    status_code=201,
    response_model=ExhibitionOut,
    summary="Ajouter un exemplaire physique",
)
def add_copy(body: CopyIn, conn: ConnDep, _who: Planner, exhibition_id: uuid.UUID) -> Any:
    return ExhibitionOut.of(service.add_copy(conn, exhibition_id, body.label))


@router.post(
    "/{exhibition_id}/showings",
    status_code=201,
    response_model=ShowingOut,
    summary="Enregistrer une présentation (réservation d'un exemplaire)",
    responses={409: {"description": "exemplaire déjà réservé sur ces dates"}},
)
def record_showing(
    body: ShowingIn,
    conn: ConnDep,
    settings: SettingsDep,
    who: Recorder,
    exhibition_id: uuid.UUID,
) -> Any:
    data = ShowingInput(exhibition_id=exhibition_id, **body.model_dump())
    return ShowingOut.of(service.record_showing(conn, who, settings.territory, data))
