"""Support-actor directory: nearest help, lists, one actor, exports, staff edits and the
update campaign. Reads are public (anonymous callers see public actors open today only);
writes need the ``admin`` or ``planner`` role."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from accounts.models import Principal, Role
from actors import export, finder, helplines, hours, quality, service, vocab
from actors.finder import Criteria
from api.deps import (
    ConnDep,
    Generation,
    LonLat,
    MaybePrincipal,
    SettingsDep,
    in_thread,
    require,
)
from api.routing import StrictJSONRoute
from api.schemas_actors import ActorCreate, ActorUpdate, DuplicateDecision, Verification

router = APIRouter(prefix="/api/actors", route_class=StrictJSONRoute, tags=["acteurs"])

GEOJSON = "application/geo+json"
EditorPrincipal = Annotated[Principal, require(Role.ADMIN, Role.PLANNER)]


async def situation(
    ground: Annotated[str | None, Query(max_length=60, description="Motif (code)")] = None,
    domain: Annotated[str | None, Query(max_length=60, description="Domaine (code)")] = None,
    public: Annotated[str | None, Query(max_length=60, description="Public (code)")] = None,
    discrimination: Annotated[
        bool, Query(description="Seulement les lieux qui traitent les discriminations")
    ] = False,
    open_now: Annotated[bool, Query(description="Seulement les lieux ouverts à `at`")] = False,
) -> Criteria:
    """The situation filters; unknown codes → 422 listing the valid ones."""
    return finder.criteria(ground, domain, public, discrimination, open_now)


SituationDep = Annotated[Criteria, Depends(situation)]
AtQuery = Annotated[
    datetime | None,
    Query(description="Moment d'évaluation de l'ouverture (ISO 8601, heure de Paris par défaut)"),
]


def _geojson(doc: Any, status_code: int = 200) -> Response:
    """GeoJSON response; orjson (datetimes through ``str`` as before) costs a sixth of
    ``json.dumps`` here, a tenth of a nearest-actors request (measured in bench/)."""
    body = orjson.dumps(doc, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME)
    return Response(body, status_code, media_type=GEOJSON)


@router.get(
    "/nearest",
    summary="Les lieux d'aide les plus proches (distance en mètres)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
async def nearest(
    request: Request,
    settings: SettingsDep,
    principal: MaybePrincipal,
    point: LonLat,
    crit: SituationDep,
    at: AtQuery = None,
    limit: Annotated[int, Query(ge=1, le=finder.MAX_LIMIT)] = 10,
    radius_m: Annotated[
        float | None, Query(ge=1, le=finder.MAX_RADIUS_M, allow_inf_nan=False)
    ] = None,
) -> Response:
    def search(conn: Any) -> dict[str, Any]:
        return finder.nearest(
            conn,
            settings.territory,
            point[0],
            point[1],
            crit,
            finder.viewer_for(principal, at),
            limit,
            radius_m,
            at,
            settings.helplines_file,
        )

    return _geojson(await in_thread(request, search))


@router.get(
    "",
    summary="Lieux d'aide par commune, quartier, situation ou texte (sans position)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
def list_actors(
    conn: ConnDep,
    principal: MaybePrincipal,
    crit: SituationDep,
    generation: Generation,
    settings: SettingsDep,
    commune: Annotated[str | None, Query(max_length=100, description="Code INSEE ou nom")] = None,
    qpv: Annotated[str | None, Query(max_length=16, description="Code QPV")] = None,
    near_m: Annotated[float, Query(ge=0, le=finder.MAX_NEAR_QPV_M, allow_inf_nan=False)] = 1000,
    q: Annotated[
        str | None, Query(max_length=200, description="Texte (noms, descriptions)")
    ] = None,
    status: Annotated[
        Literal["active", "temporairement_fermee", "fermee"] | None,
        Query(description="Équipe seulement"),
    ] = None,
    at: AtQuery = None,
    limit: Annotated[int, Query(ge=1, le=finder.MAX_LIST)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    found = finder.listing(
        conn,
        crit,
        finder.viewer_for(principal, at),
        commune=commune,
        q=q,
        qpv=(qpv.strip().upper(), generation) if qpv else None,
        near_m=near_m,
        limit=limit,
        offset=offset,
        status=status if principal and principal.is_staff else None,
        at=at,
        helplines_file=settings.helplines_file,
        territory_id=settings.territory,
    )
    return _geojson(found)


@router.get("/vocabularies", summary="Codes et libellés (motifs, domaines, publics…)")
def vocabularies() -> dict[str, Any]:
    kinds = {
        "grounds": vocab.grounds,
        "domains": vocab.domains,
        "publics": vocab.publics,
        "networks": vocab.networks,
        "languages": vocab.languages,
        "accessibility": vocab.accessibility,
        "modes_accueil": vocab.modes_accueil,
        "frais": vocab.frais,
    }
    return {
        name: [
            {"code": t.code, "label": t.label, "everyday": t.everyday, "legal_ref": t.legal_ref}
            for t in load().terms
        ]
        for name, load in kinds.items()
    }


@router.get("/helplines", summary="Lignes d'écoute (avec leur source)")
def helpline_list(settings: SettingsDep) -> list[dict[str, Any]]:
    lines = helplines.for_situation(True, settings.helplines_file)
    return [helplines.as_dict(line) for line in lines]


@router.get(
    "/export",
    summary="Export data·inclusion (JSON, CSV) ou GeoJSON",
    response_class=Response,
)
def export_actors(
    conn: ConnDep,
    principal: MaybePrincipal,
    format: Annotated[
        Literal["geojson", "datainclusion-json", "datainclusion-csv"], Query()
    ] = "datainclusion-json",
    entity: Literal["structures", "services"] = "structures",
    extensions: bool = True,
) -> Response:
    viewer = finder.viewer_for(principal)
    if format == "geojson":
        return Response(service.export_geojson(conn, viewer), media_type=GEOJSON)
    actors = service.export_actors(conn, viewer)
    if format == "datainclusion-csv":
        return Response(
            export.datainclusion_csv(actors, entity),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="acteurs-{entity}.csv"'},
        )
    return JSONResponse(export.datainclusion(actors, extensions))


@router.get("/campaign", summary="Campagne de mise à jour : acteurs à revérifier (équipe)")
def campaign(
    conn: ConnDep,
    _editor: EditorPrincipal,
    threshold: Annotated[int, Query(ge=0, le=100)] = quality.DEFAULT_THRESHOLD,
    format: Literal["json", "csv"] = "json",
) -> Any:
    items = service.campaign(conn, threshold)
    if format == "csv":
        return Response(quality.campaign_csv(items), media_type="text/csv; charset=utf-8")
    return {"threshold": threshold, "count": len(items), "actors": items}


@router.get("/duplicates", summary="Doublons possibles trouvés par les imports (équipe)")
def duplicates(
    conn: ConnDep,
    _editor: EditorPrincipal,
    state: Literal["a_examiner", "confirme", "distinct"] | None = "a_examiner",
) -> list[dict[str, Any]]:
    return service.duplicates(conn, state)


@router.post("/duplicates/{dup_id}", summary="Trancher un doublon possible (équipe)")
def resolve_duplicate(
    conn: ConnDep, dup_id: int, body: DuplicateDecision, editor: EditorPrincipal
) -> dict[str, Any]:
    created = service.resolve_duplicate(conn, dup_id, body.decision, editor)
    return {"id": dup_id, "decision": body.decision, "created": created}


@router.get(
    "/{actor_id}",
    summary="Un lieu d'aide (GeoJSON Feature)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}, 404: {"description": "introuvable"}},
)
def get_actor(
    conn: ConnDep, principal: MaybePrincipal, actor_id: uuid.UUID, at: AtQuery = None
) -> Response:
    return _geojson(finder.one(conn, actor_id, finder.viewer_for(principal, at), at))


@router.get("/{actor_id}/history", summary="Historique des modifications (équipe)")
def history(conn: ConnDep, actor_id: uuid.UUID, _editor: EditorPrincipal) -> list[Any]:
    return finder.events(conn, actor_id)


@router.post("", status_code=201, summary="Créer un lieu d'aide (équipe)", response_class=Response)
def create_actor(
    conn: ConnDep, settings: SettingsDep, body: ActorCreate, editor: EditorPrincipal
) -> Response:
    actor_id = service.create(conn, body.model_dump(), editor, settings.territory)
    viewer = finder.viewer_for(editor)
    return _geojson(finder.one(conn, actor_id, viewer), status_code=201)


@router.patch("/{actor_id}", summary="Modifier un lieu d'aide (équipe)", response_class=Response)
def update_actor(
    conn: ConnDep,
    settings: SettingsDep,
    actor_id: uuid.UUID,
    body: ActorUpdate,
    editor: EditorPrincipal,
) -> Response:
    service.update(conn, actor_id, body.model_dump(exclude_unset=True), editor, settings.territory)
    return _geojson(finder.one(conn, actor_id, finder.viewer_for(editor)))


@router.post(
    "/{actor_id}/verify", summary="Marquer un lieu comme vérifié (équipe)", response_class=Response
)
def verify_actor(
    conn: ConnDep, actor_id: uuid.UUID, editor: EditorPrincipal, body: Verification | None = None
) -> Response:
    day: date = (body.on if body and body.on else None) or hours.paris_now().date()
    service.verify(conn, actor_id, editor, day)
    return _geojson(finder.one(conn, actor_id, finder.viewer_for(editor)))
