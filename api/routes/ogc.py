"""OGC API – Features, Part 1 Core (GeoJSON), under ``/ogc`` — opens in QGIS and GDAL.

Collections come from :func:`_registry` (one :class:`geo.features.FeatureSource` each, with the
roles allowed to read it; ``None`` = public): the QPV, then what each provider of
:data:`PROVIDERS` builds for the caller and the settings (a provider may scope a collection to
the caller, e.g. the exact observations). A collection the caller may not read is absent from the
list and answers 404, like an unknown one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from accounts import audit
from accounts.models import Principal
from api.deps import (
    ConnDep,
    MaybePrincipal,
    SettingsDep,
    in_thread,
)
from api.routing import StrictJSONRoute
from app.collections import Collection, find, visible
from geo import features
from geo.errors import Invalid, NotFound

router = APIRouter(prefix="/ogc", route_class=StrictJSONRoute, tags=["OGC API – Features"])

GEOJSON = "application/geo+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
MAX_LIMIT = 10_000
DEFAULT_LIMIT = 100


def _audit_restricted(
    conn: Any, principal: Principal | None, c: Collection, route: str, count: int | None
) -> None:
    """Reads of a restricted collection (exact points: ``observations``) go to the audit log:
    who, when, which collection, how many features (the access gate audits per route, and the
    OGC routes are shared with public collections)."""
    if c.roles is not None:
        audit.record(
            conn,
            principal,
            "read_ogc",
            method="GET",
            route=route,
            object_id=c.source.id,
            count=count,
        )


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/ogc"


def _collection_doc(conn: Any, base: str, c: Collection) -> dict[str, Any]:
    src = c.source
    box = features.extent(conn, src)
    doc: dict[str, Any] = {
        "id": src.id,
        "title": src.title,
        "description": src.description,
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "links": [
            {"href": f"{base}/collections/{src.id}", "rel": "self", "type": "application/json"},
            {"href": f"{base}/collections/{src.id}/items", "rel": "items", "type": GEOJSON},
        ],
    }
    if box:
        doc["extent"] = {
            "spatial": {"bbox": [list(box)], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
        }
    return doc


@router.get("", summary="Page d'accueil OGC API – Features")
def landing(request: Request) -> JSONResponse:
    base = _base(request)
    return JSONResponse(
        {
            "title": "Cartégalité — OGC API Features",
            "description": (
                "Données géographiques de Cartégalité (QPV, acteurs, établissements, "
                "observations agrégées)."
            ),
            "links": [
                {"href": base, "rel": "self", "type": "application/json", "title": "cette page"},
                {"href": f"{base}/conformance", "rel": "conformance", "type": "application/json"},
                {"href": f"{base}/collections", "rel": "data", "type": "application/json"},
                {
                    "href": str(request.base_url).rstrip("/") + "/openapi.json",
                    "rel": "service-desc",
                    "type": "application/vnd.oai.openapi+json;version=3.0",
                },
            ],
        }
    )


@router.get("/conformance", summary="Classes de conformité")
def conformance() -> JSONResponse:
    return JSONResponse({"conformsTo": CONFORMANCE})


@router.get("/collections", summary="Collections visibles")
def list_collections(
    request: Request, conn: ConnDep, principal: MaybePrincipal, settings: SettingsDep
) -> JSONResponse:
    base = _base(request)
    docs = [_collection_doc(conn, base, c) for c in visible(principal, settings).values()]
    return JSONResponse(
        {
            "collections": docs,
            "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"}],
        }
    )


@router.get("/collections/{cid}", summary="Une collection")
def one_collection(
    cid: str, request: Request, conn: ConnDep, principal: MaybePrincipal, settings: SettingsDep
) -> JSONResponse:
    return JSONResponse(_collection_doc(conn, _base(request), find(principal, settings, cid)))


def _parse_bbox(bbox: str | None) -> features.Bbox | None:
    if bbox is None:
        return None
    from api.params.geo import parse_bbox

    return parse_bbox(bbox)


@router.get(
    "/collections/{cid}/items",
    summary="Entités d'une collection (GeoJSON, paginé)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
async def get_items(
    cid: str,
    request: Request,
    principal: MaybePrincipal,
    settings: SettingsDep,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat (CRS84)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    box = _parse_bbox(bbox)

    collection = find(principal, settings, cid)

    def page(conn: Any) -> tuple[str, int, int]:  # the query (and audit): one thread hop
        found = features.items(conn, collection.source, box, limit, offset)
        _audit_restricted(conn, principal, collection, "/ogc/collections/{cid}/items", found[2])
        return found

    text, matched, returned = await in_thread(request, page)
    base = f"{_base(request)}/collections/{cid}/items"
    extra = f"&bbox={bbox}" if bbox else ""
    links = [
        {"href": f"{base}?limit={limit}&offset={offset}{extra}", "rel": "self", "type": GEOJSON}
    ]
    if offset + returned < matched:
        links.append(
            {
                "href": f"{base}?limit={limit}&offset={offset + limit}{extra}",
                "rel": "next",
                "type": GEOJSON,
            }
        )
    if offset > 0:
        links.append(
            {
                "href": f"{base}?limit={limit}&offset={max(0, offset - limit)}{extra}",
                "rel": "prev",
                "type": GEOJSON,
            }
        )
    # Splice the metadata into the SQL-built FeatureCollection without re-parsing it.
    head = json.dumps(
        {
            "numberMatched": matched,
            "numberReturned": returned,
            "timeStamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "links": links,
        }
    )
    if not text.startswith("{"):
        raise Invalid("réponse inattendue")
    body = head[:-1] + ", " + text[1:]
    return Response(body, media_type=GEOJSON)


@router.get(
    "/collections/{cid}/items/{fid}",
    summary="Une entité",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
def get_item(
    cid: str, fid: str, conn: ConnDep, principal: MaybePrincipal, settings: SettingsDep
) -> Response:
    collection = find(principal, settings, cid)
    text = features.item(conn, collection.source, fid)
    if text is None:
        raise NotFound(f"entité inconnue : {fid}")
    _audit_restricted(conn, principal, collection, "/ogc/collections/{cid}/items/{fid}", 1)
    return Response(text, media_type=GEOJSON)
