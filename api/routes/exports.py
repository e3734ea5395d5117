"""The planning collections in OGC API – Features (a provider of ``api.routes.ogc``) and the
exports of every collection the caller may read: GeoPackage, GeoJSON, CSV for uMap.

The public GeoJSON and CSV exports carry ``Access-Control-Allow-Origin: *`` (GET only, no
credentials) so that a uMap « données distantes » layer can load them from another site.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from enum import StrEnum
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from api.deps import ConnDep, MaybePrincipal, SettingsDep
from api.routing import StrictJSONRoute
from app import collections as ogc
from geo import features
from geo.errors import TooLarge
from planning import exports

router = APIRouter(route_class=StrictJSONRoute, tags=["exports"])

EXPORT_LIMIT = 200_000
"""Features per export (a larger collection answers 413: use OGC API paging instead)."""
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET"}


class ExportFormat(StrEnum):
    GPKG = "gpkg"
    GEOJSON = "geojson"
    CSV = "csv"


@router.get(
    "/api/exports/{collection}.{fmt}",
    summary="Export d'une collection (GeoPackage, GeoJSON ou CSV pour uMap)",
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {}, "text/csv": {}}}},
)
def export(
    collection: str,
    fmt: ExportFormat,
    conn: ConnDep,
    principal: MaybePrincipal,
    settings: SettingsDep,
) -> Response:
    """Every feature of a collection the caller may read (same ids as ``/ogc/collections``)."""
    found = ogc.find(principal, settings, collection)
    text, matched, returned = features.items(conn, found.source, None, EXPORT_LIMIT, 0)
    if matched > returned:
        raise TooLarge(f"trop d'entités pour un export ({matched}) : utilisez /ogc")
    name = f"{found.source.id}.{fmt.value}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if found.roles is not None:
        headers["Cache-Control"] = "no-store"
    elif fmt is not ExportFormat.GPKG:
        headers.update(CORS)
    columns = [p for p, _ in found.source.properties]
    if fmt is ExportFormat.GEOJSON:
        return Response(text, media_type="application/geo+json", headers=headers)
    fc = json.loads(text)
    if fmt is ExportFormat.CSV:
        body = exports.to_csv(fc, columns)
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    folder = Path(tempfile.mkdtemp(prefix="cartegalite-export-"))
    path = folder / name
    try:
        exports.to_gpkg(fc, columns, found.source.id, path, found.source.geometry_type)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type="application/geopackage+sqlite3",
        filename=name,
        headers={k: v for k, v in headers.items() if k != "Content-Disposition"},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
