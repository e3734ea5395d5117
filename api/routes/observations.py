"""Observations: idempotent submission (one, a batch), reading, lists, sync status, photos."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from accounts.models import Principal
from api.access import Rule
from api.cache import forget_public_aggregates
from api.deps import ConnDep, CurrentPrincipal, SettingsDep, in_thread
from api.params.surveys import SurveyConfigDep
from api.routing import StrictJSONRoute
from api.schemas_surveys import (
    BatchIn,
    BatchOut,
    ObservationIn,
    SyncStatusIn,
    SyncStatusOut,
    TransitionIn,
)
from app.delivery import notify_body
from geo.errors import TooLarge
from surveys.models import Kind, SubmitResult, SubmitStatus
from surveys.photos import MAX_BYTES
from surveys.service import followup, photos
from surveys.service import observations as service

router = APIRouter(prefix="/api/observations", route_class=StrictJSONRoute, tags=["observations"])

GEOJSON = "application/geo+json"


@router.post(
    "",
    status_code=201,
    summary="Envoyer une observation (idempotent)",
    responses={
        200: {"description": "Déjà reçue à l'identique (renvoi après coupure réseau)"},
        409: {"description": "Même identifiant, contenu différent (rien n'est modifié)"},
        403: {"description": "Ce jeton ne peut pas écrire dans cette marche"},
        422: {"description": "Contenu invalide (rien n'est enregistré)"},
    },
)
async def submit(body: ObservationIn, request: Request, config: SurveyConfigDep) -> JSONResponse:
    """201 when created, 200 when the identical observation was already stored. The answer is
    sent only after the transaction committed. The token is checked in the same statement as
    the insert (``access.Rule.token_in_route``)."""
    obs = body.to_input()
    token: str = request.state.route_token
    rule: Rule = request.state.access_rule

    def store(conn: Any) -> tuple[Principal, SubmitResult]:  # one thread hop, one round trip
        return service.submit_with_token(conn, token, obs, config, rule.allows)

    principal, result = await in_thread(request, store)
    request.state.principal = principal
    code = 201 if result.status is SubmitStatus.CREATED else 200
    return JSONResponse(result.observation, status_code=code)  # JSON built by PostgreSQL


@router.post("/batch", response_model=BatchOut, summary="Envoyer un lot (synchronisation)")
def submit_batch(
    body: BatchIn, conn: ConnDep, principal: CurrentPrincipal, config: SurveyConfigDep
) -> Any:
    """Up to 500 observations; one result per item (``created``, ``duplicate``, ``conflict``,
    ``invalid`` with its message). A bad item never blocks the others."""
    results = service.submit_batch(conn, principal, body.parsed(), config)
    counts = {s: sum(1 for r in results if r["status"] == s) for s in SubmitStatus}
    return {
        "results": results,
        "created": counts[SubmitStatus.CREATED],
        "duplicate": counts[SubmitStatus.DUPLICATE],
        "conflict": counts[SubmitStatus.CONFLICT],
        "invalid": counts[SubmitStatus.INVALID],
    }


@router.post("/sync-status", response_model=SyncStatusOut, summary="Ce que le serveur détient")
def sync_status(body: SyncStatusIn, conn: ConnDep, principal: CurrentPrincipal) -> Any:
    """Which ids the server holds and which announced photos it still expects: a phone deletes
    only what is confirmed here."""
    return service.sync_status(conn, principal, body.ids)


@router.get(
    "",
    summary="Observations visibles (GeoJSON)",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
def list_observations(
    conn: ConnDep,
    principal: CurrentPrincipal,
    walk_id: uuid.UUID | None = None,
    kind: Kind | None = None,
    followup: Annotated[
        str | None, Query(max_length=20, description="untracked, open ou closed")
    ] = None,
    qpv: Annotated[
        str | None, Query(max_length=16, pattern=r"^Q[PN][0-9]{5}[0-9A-Z]$", description="Code QPV")
    ] = None,
) -> Response:
    text = service.feature_collection(
        conn, principal, walk_id=walk_id, kind=kind, followup_category=followup, qpv=qpv
    )
    return Response(text, media_type=GEOJSON)


@router.get("/{obs_id}", summary="Une observation, ses QPV et ses états")
def get_observation(obs_id: uuid.UUID, conn: ConnDep, principal: CurrentPrincipal) -> Any:
    return service.get(conn, principal, obs_id)


@router.post("/{obs_id}/transitions", summary="Suivi ou modération d'une observation")
def transition(
    obs_id: uuid.UUID,
    body: TransitionIn,
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> JSONResponse:
    """Follow-up: ``ouvrir``, ``prendre_en_compte``, ``transmettre`` (``responsible_body`` or the
    routing rule), ``demarrer``, ``resoudre``, ``rejeter`` (reason required), ``rouvrir``.
    Moderation: ``publier``, ``masquer`` (reason required). 201 when applied; 200 when a
    request with the same client ``id`` was already applied; 409 for an illegal transition."""
    created, body_out = followup.transition(conn, principal, obs_id, body.to_input())
    if created:  # a moderation decision changes the public counts
        forget_public_aggregates(request)
        if body.action == "transmettre":
            notify_body(conn, settings, obs_id)
    return JSONResponse(jsonable_encoder(body_out), status_code=201 if created else 200)


@router.post(
    "/{obs_id}/photos",
    status_code=201,
    summary="Ajouter une photo (idempotent)",
    responses={200: {"description": "Déjà reçue"}, 413: {"description": "Trop volumineuse"}},
)
def add_photo(
    obs_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="JPEG, PNG ou WebP (20 Mo maximum)")],
    photo_id: Annotated[uuid.UUID, Form(description="Identifiant généré par le client")],
    conn: ConnDep,
    principal: CurrentPrincipal,
) -> JSONResponse:
    """The image is re-encoded (orientation applied, EXIF/XMP/GPS dropped); the original bytes
    are never stored. A refused image leaves the observation as it was."""
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TooLarge(f"photo trop volumineuse (maximum {MAX_BYTES // (1024 * 1024)} Mo)")
    status, meta = photos.add(conn, principal, obs_id, photo_id, data)
    code = 201 if status is SubmitStatus.CREATED else 200
    return JSONResponse(jsonable_encoder(meta), status_code=code)


@router.get(
    "/{obs_id}/photos/{photo_id}",
    summary="Une photo (ré-encodée, sans métadonnées)",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}},
)
def get_photo(
    obs_id: uuid.UUID, photo_id: uuid.UUID, conn: ConnDep, principal: CurrentPrincipal
) -> Response:
    content, media_type = photos.content(conn, principal, obs_id, photo_id)
    return Response(
        content,
        media_type=media_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
