"""The maps of ``/cartes/…``, from request to HTML: each function gathers the data through the
domain services (which apply the access rules) and hands it to a pure builder of ``maps``.
Shared by the pages (:mod:`api.pages.cartes`) and ``cartegalite map`` (:mod:`cli.maps`), so a
map written to a file for a report is the very map the app serves."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlencode

import psycopg

from accounts.models import Principal
from actors import finder
from actors.finder import Criteria
from app.configs import survey_config_from
from app.map_pages import render_map_page
from app.resident import ResidentForm, actors_map_html
from app.settings import Settings
from app.tiles import tiles_of
from exhibitions import service as exhibitions_service
from exhibitions.models import SchoolYear
from geo import territory
from geo.qpv import repo as qpv_repo
from maps.exhibitions import coverage_page
from maps.public import public_map
from maps.render import Bounds, geojson_bounds
from maps.safety import safety_map
from maps.walk_map import walk_map
from surveys.mapdata import MapFilters
from surveys.models import DEMO_LABEL, Kind
from surveys.service import maps as survey_maps
from surveys.service import public

ACTORS_NEAR_QPV_M = 1500
"""On a map centred on one QPV, the support actors within this distance of it."""


def _qpv(conn: psycopg.Connection[Any], generation: int, area: Bounds) -> dict[str, Any]:
    return dict(json.loads(qpv_repo.feature_collection(conn, generation, area)))


def _actors(
    conn: psycopg.Connection[Any],
    principal: Principal | None,
    area: Bounds,
    qpv: tuple[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Support actors as ``principal`` may see them: near one QPV, or inside ``area``."""
    viewer = finder.viewer_for(principal)
    if qpv is not None:
        found = finder.listing(
            conn, Criteria(), viewer, qpv=qpv, near_m=ACTORS_NEAR_QPV_M, limit=finder.MAX_LIST
        )
        return list(found["features"])
    found = finder.listing(conn, Criteria(), viewer, limit=finder.MAX_LIST)
    minx, miny, maxx, maxy = area
    return [
        f
        for f in found["features"]
        if (f.get("geometry") or {}).get("type") == "Point"
        and minx <= f["geometry"]["coordinates"][0] <= maxx
        and miny <= f["geometry"]["coordinates"][1] <= maxy
    ]


def safety(
    conn: psycopg.Connection[Any],
    settings: Settings,
    principal: Principal | None,
    filters: MapFilters,
    action: str | None = "/cartes/securite",
) -> str:
    """The planners' safety map (staff only: :class:`~geo.errors.NotFound` otherwise)."""
    data = survey_maps.safety(conn, principal, filters)
    area = territory.get(conn, settings.territory).bounds
    qpv_fc = _qpv(conn, filters.generation, area)
    fallback = area
    if filters.qpv:
        chosen = [f for f in qpv_fc["features"] if f["properties"]["code"] == filters.qpv]
        fallback = geojson_bounds([{"features": chosen}]) or area
    near = (filters.qpv, filters.generation) if filters.qpv else None
    actors = _actors(conn, principal, area, near)
    return render_map_page(safety_map(data, qpv_fc, actors, tiles_of(settings), fallback, action))


def public_page(
    conn: psycopg.Connection[Any],
    settings: Settings,
    generation: int,
    kind: Kind | None = None,
    theme: str | None = None,
    demo: bool = False,
    action: str | None = "/cartes/publique",
) -> str:
    """The public map: aggregated cells (surveys' public aggregate), QPV, public actors."""
    cells = public.observations(conn, survey_config_from(settings), kind, theme, demo)
    area = territory.get(conn, settings.territory).bounds
    page = public_map(
        cells,
        _qpv(conn, generation, area),
        generation,
        _actors(conn, None, area),
        tiles_of(settings),
        area,
        action,
        DEMO_LABEL if demo else None,
        kind.value if kind else None,
        theme,
    )
    return render_map_page(page)


def actors_page(
    conn: psycopg.Connection[Any],
    settings: Settings,
    principal: Principal | None,
    form: ResidentForm | None = None,
    cadre: str | None = None,
    lieu: uuid.UUID | None = None,
) -> str:
    """The support actors' map (a resident's search, one place, or the whole territory)."""
    return actors_map_html(conn, settings, principal, form or ResidentForm(), cadre, lieu)


def exhibitions_page(
    conn: psycopg.Connection[Any],
    settings: Settings,
    generation: int,
    year: SchoolYear,
) -> str:
    """The exhibitions map: schools reached / not reached, QPV shaded by pupils reached, and
    the coverage tables (the page of ``/expositions/couverture`` and ``cartegalite map``)."""
    coverage = exhibitions_service.coverage(
        conn, settings.territory, generation, year, settings.exhibitions_qpv_distance_m
    )
    area = territory.get(conn, settings.territory)
    fc = json.loads(qpv_repo.feature_collection(conn, coverage.generation, area.bounds))
    codes = {q.code for q in coverage.qpv}
    fc["features"] = [f for f in fc["features"] if f["properties"]["code"] in codes]
    query = urlencode({"school_year": str(coverage.school_year), "generation": coverage.generation})
    csv_url = f"/api/exhibitions/coverage.csv?{query}"
    return render_map_page(coverage_page(coverage, fc, tiles_of(settings), area.bounds, csv_url))


def walk_page(
    conn: psycopg.Connection[Any],
    settings: Settings,
    principal: Principal | None,
    walk_id: uuid.UUID,
) -> str:
    """A walk's map and its paired walk's (:class:`~geo.errors.NotFound` when not visible)."""
    data = survey_maps.walk_map(conn, principal, walk_id, settings.qpv_generation)
    return render_map_page(walk_map(data, tiles_of(settings)))
