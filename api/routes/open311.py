"""Open311 GeoReport v2 for the responsible bodies (Ville, bailleur, Métropole, TAN…).

Each body has an account of its own (role ``body``, its name in ``organisation``: the name
reports are routed to) and uses its key as GeoReport's ``api_key`` (or a bearer header):
- ``GET services.json``: the GUSP categories (public);
- ``GET requests.json`` and ``GET requests/{id}.json``: the reports routed to the body, placed
  at the centre of their 100 m cell (the body's field-level view), with ``status`` (open or
  closed), ``status_notes``, ``agency_responsible``;
- ``POST requests.json``: a GUSP report filed by a team member's account (checked like any
  submission);
- ``POST requests/{id}.json`` (``status`` = ``in_progress`` or ``closed``, ``status_notes``):
  the body's answer, which moves the follow-up (``demarrer``, ``resoudre``) through the same
  state machine and history as a planner's step.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api.cache import forget_public_aggregates
from api.deps import ConnDep, CurrentPrincipal
from api.errors import french_error
from api.params.surveys import SurveyConfigDep
from api.routing import StrictJSONRoute
from api.schemas_surveys import ObservationIn
from geo.errors import Invalid, NotFound
from surveys import states
from surveys.grid import grid
from surveys.models import SubmitStatus, TransitionInput
from surveys.service import followup, observations
from surveys.service.observations import submit

router = APIRouter(prefix="/open311/v2", route_class=StrictJSONRoute, tags=["Open311"])

ANSWERS = {"in_progress": "demarrer", "closed": "resoudre"}
"""GeoReport status a body sends → follow-up action."""


def _request(feature: dict[str, Any]) -> dict[str, Any]:
    p = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    code = p.get("category") or p.get("theme")
    closed = states.followup().in_category(p["followup"], "closed")
    history = [h for h in p.get("history") or [] if h.get("machine") == "followup"]
    return {
        "service_request_id": p["id"],
        "status": "closed" if closed else "open",
        "status_notes": p.get("followup_reason") or states.followup().state(p["followup"]).label,
        "service_name": grid().label_of(code) if code else "",
        "service_code": code or "",
        "description": p.get("comment") or "",
        "agency_responsible": p.get("responsible_body") or "",
        "requested_datetime": p.get("observed_at"),
        "updated_datetime": history[-1]["at"] if history else p.get("received_at"),
        "lat": lat,
        "long": lon,
    }


@router.get("/services.json", summary="Catégories de signalement (GeoReport v2)")
def services() -> list[dict[str, Any]]:
    g = grid()
    return [
        {
            "service_code": c,
            "service_name": g.label_of(c),
            "description": g.label_of(c),
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": "GUSP",
        }
        for c in g.category_codes
    ]


@router.get("/requests.json", summary="Signalements transmis à cet organisme (GeoReport v2)")
def requests(conn: ConnDep, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    fc = json.loads(observations.feature_collection(conn, principal))
    return [_request(f) for f in fc["features"]]


@router.get("/requests/{request_id}.json", summary="Un signalement (GeoReport v2)")
def one_request(
    request_id: uuid.UUID, conn: ConnDep, principal: CurrentPrincipal
) -> list[dict[str, Any]]:
    fc = json.loads(observations.feature_collection(conn, principal))
    found = [_request(f) for f in fc["features"] if f["properties"]["id"] == str(request_id)]
    if not found:
        raise NotFound("signalement inconnu")
    return found


@router.post("/requests.json", status_code=201, summary="Déposer un signalement (GeoReport v2)")
def create_request(
    conn: ConnDep,
    config: SurveyConfigDep,
    principal: CurrentPrincipal,
    service_code: Annotated[str, Form(max_length=60)],
    lat: Annotated[float, Form(ge=-90, le=90, allow_inf_nan=False)],
    long: Annotated[float, Form(ge=-180, le=180, allow_inf_nan=False)],
    description: Annotated[str | None, Form(max_length=2000)] = None,
    service_request_id: Annotated[uuid.UUID | None, Form()] = None,
) -> JSONResponse:
    """A GUSP report filed by an account that may file one (team members), checked like any
    submission (category, place in the territory, text); ``service_request_id`` (optional, an
    extension) makes a retry return the same request instead of a second one."""
    if service_request_id is not None:
        try:
            observations.get(conn, principal, service_request_id)
        except NotFound:
            pass
        else:  # a retry of a request already filed: the same answer, nothing new
            return JSONResponse(
                [{"service_request_id": str(service_request_id), "service_notice": ""}]
            )
    try:
        body = ObservationIn.model_validate(
            {
                "id": str(service_request_id or uuid.uuid4()),
                "kind": "gusp",
                "location": {"type": "Point", "coordinates": [long, lat]},
                "observed_at": datetime.now(UTC).isoformat(),
                "category": service_code,
                "comment": description or None,
            }
        )
    except ValidationError as exc:
        raise Invalid(
            "; ".join(french_error(dict(e))["message"] for e in exc.errors()[:3])
        ) from exc
    result = submit(conn, principal, body.to_input(), config)
    created = result.observation if isinstance(result.observation, dict) else {}
    status = 201 if result.status is SubmitStatus.CREATED else 200
    return JSONResponse(
        [{"service_request_id": created.get("id", str(body.id)), "service_notice": ""}],
        status_code=status,
    )


@router.post("/requests/{request_id}.json", summary="Réponse de l'organisme : en cours, clos")
def answer(
    request_id: uuid.UUID,
    request: Request,
    conn: ConnDep,
    principal: CurrentPrincipal,
    status: Annotated[str, Form(max_length=20)],
    status_notes: Annotated[str | None, Form(max_length=2000)] = None,
) -> JSONResponse:
    action = ANSWERS.get(status)
    if action is None:
        raise Invalid(f"status inconnu : {status!r} (in_progress, closed)")
    followup.transition(conn, principal, request_id, TransitionInput(action, status_notes or None))
    forget_public_aggregates(request)
    return JSONResponse(one_request(request_id, conn, principal), status_code=200)
