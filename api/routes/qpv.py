"""QPV boundaries: list, one, point lookup."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from api.deps import ConnDep, Generation, LonLat, SettingsDep
from api.params.geo import parse_bbox
from api.routing import StrictJSONRoute
from api.schemas import LookupResult
from geo import qpv, territory
from geo.errors import NotFound

router = APIRouter(prefix="/api/qpv", route_class=StrictJSONRoute, tags=["QPV"])

GEOJSON = "application/geo+json"


@router.get(
    "",
    summary="QPV d'une génération (GeoJSON FeatureCollection)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
def list_qpv(
    conn: ConnDep,
    settings: SettingsDep,
    generation: Generation,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat")] = None,
) -> Response:
    """The QPV of the territory the address serves."""
    text = qpv.feature_collection(conn, generation, parse_bbox(bbox), settings.territory)
    return Response(text, media_type=GEOJSON)


@router.get("/lookup", summary="Dans quel QPV se trouve ce point ?", response_model=LookupResult)
def lookup(conn: ConnDep, settings: SettingsDep, point: LonLat, generation: Generation) -> Any:
    lon, lat = point
    territory.check_point(conn, settings.territory, lon, lat)
    found = qpv.lookup(conn, lon, lat, generation)
    if found["qpv"]:
        message = f"Ce point est dans le quartier prioritaire {found['qpv']['name']}."
    elif found["nearest"]:
        near = found["nearest"]
        message = (
            f"Ce point n'est dans aucun quartier prioritaire ; le plus proche est "
            f"{near['name']} à {near['distance_m']} m."
        )
    else:
        message = f"Aucun QPV de la génération {generation} n'est chargé."
    return {**found, "generation": generation, "lon": lon, "lat": lat, "message": message}


@router.get(
    "/{code}",
    summary="Un QPV (GeoJSON Feature)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}, 404: {"description": "code inconnu"}},
)
def get_qpv(
    conn: ConnDep,
    settings: SettingsDep,
    code: Annotated[str, Path(max_length=16, description="Code QPV, ex. QP044005")],
    generation: Annotated[int | None, Query(description="2015 ou 2024")] = None,
) -> Response:
    text = qpv.feature(conn, code.strip().upper(), generation, settings.territory)
    if text is None:
        raise NotFound(f"quartier prioritaire inconnu : {code}")
    return Response(text, media_type=GEOJSON)
