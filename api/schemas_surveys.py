"""Request and response schemas of walks, observations, follow-up and the action plan.

Requests subclass :class:`api.schemas.StrictModel` (unknown fields and NaN/Infinity refused);
numbers and booleans are strict (``"2"`` or ``true`` is not a rating). Geometries go through
``geo.shapes`` before GEOS sees them. Each schema converts itself to the domain input type.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError, field_validator
from shapely.geometry import LineString

from api.errors import french_error
from api.schemas import StrictModel
from geo.errors import DomainError, Invalid
from geo.shapes import parse_geometry
from surveys.models import (
    ActionInput,
    Kind,
    ObservationInput,
    StopInput,
    TimeSlot,
    TransitionInput,
    WalkInput,
)

Rating = Annotated[int, Field(ge=0, le=3, strict=True)]
Text = Annotated[str, Field(max_length=2000)]
Code = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")]
QpvCode = Annotated[str, Field(pattern=r"^Q[PN][0-9]{5}[0-9A-Z]$")]


def point_lon_lat(value: Any) -> tuple[float, float]:
    """A GeoJSON Point → (lon, lat); coordinates outside WGS84 (e.g. Lambert-93 metres) are
    "hors de la zone couverte". Well-formed points skip GEOS (a point needs no validity check);
    anything else goes through ``geo.shapes.parse_geometry`` for its precise message."""
    coords = value.get("coordinates") if isinstance(value, dict) else None
    if (
        isinstance(value, dict)
        and value.get("type") == "Point"
        and set(value) <= {"type", "coordinates", "bbox", "crs"}
        and isinstance(coords, list)
        and len(coords) in (2, 3)
        and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords)
        and all(math.isfinite(c) for c in coords)
    ):
        lon, lat = float(coords[0]), float(coords[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(
                f"position hors de la zone couverte : {coords[:2]} (longitude, latitude en "
                "degrés WGS84 attendues — ces valeurs ressemblent à des mètres ou sont inversées)"
            )
        return (lon, lat)
    try:
        geom = parse_geometry(value, allowed={"Point"}, max_vertices=1)
    except Invalid as exc:
        raise ValueError(exc.message) from exc
    return (float(geom.x), float(geom.y))


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("fuseau horaire obligatoire (ex. 2026-05-12T21:30:00+02:00 ou …Z)")
    return value


class StopIn(StrictModel):
    name: str = Field(min_length=1, max_length=120)
    location: dict[str, Any] = Field(description="GeoJSON Point [lon, lat]")

    @field_validator("location")
    @classmethod
    def _point(cls, value: dict[str, Any]) -> dict[str, Any]:
        point_lon_lat(value)
        return value


class WalkCreate(StrictModel):
    title: str = Field(min_length=1, max_length=200)
    walk_date: date = Field(alias="date", description="Date de la marche (AAAA-MM-JJ)")
    time_slot: TimeSlot = Field(description="jour, soiree ou nuit")
    qpv_codes: list[QpvCode] = Field(default_factory=list, max_length=20)
    women_only: bool = Field(False, strict=True, description="Marche en non-mixité")
    organiser: str | None = Field(None, max_length=200, description="Structure organisatrice")
    group_size: int | None = Field(None, ge=1, le=500, strict=True)
    route: dict[str, Any] | None = Field(None, description="Parcours prévu (GeoJSON LineString)")
    stops: list[StopIn] = Field(default_factory=list, max_length=50)
    paired_walk_id: uuid.UUID | None = None
    facilitator: str | None = Field(
        None, max_length=63, description="Identifiant du compte animateur (admin seulement)"
    )

    @field_validator("route")
    @classmethod
    def _line(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            try:
                parse_geometry(value, allowed={"LineString"}, max_vertices=5000)
            except Invalid as exc:
                raise ValueError(exc.message) from exc
        return value

    def to_input(self) -> WalkInput:
        route = parse_geometry(self.route, allowed={"LineString"}) if self.route else None
        stops = tuple(StopInput(s.name, *point_lon_lat(s.location)) for s in self.stops)
        return WalkInput(
            title=self.title,
            walk_date=self.walk_date,
            time_slot=self.time_slot,
            qpv_codes=tuple(dict.fromkeys(self.qpv_codes)),
            organiser=self.organiser,
            group_size=self.group_size,
            women_only=self.women_only,
            route=route if isinstance(route, LineString) else None,
            stops=stops,
            paired_walk_id=self.paired_walk_id,
            facilitator_login=self.facilitator,
        )


_CONTACT = re.compile(r"@|\d[\d .-]{7,}\d")


class JoinIn(StrictModel):
    invite_code: str = Field(min_length=1, max_length=20)
    pseudonym: str = Field(min_length=1, max_length=40)

    @field_validator("pseudonym")
    @classmethod
    def _pseudonym(cls, value: str) -> str:
        if any(ord(c) < 32 for c in value):
            raise ValueError("caractères de contrôle interdits")
        if _CONTACT.search(value):
            raise ValueError(
                "un pseudonyme suffit : pas d'adresse e-mail ni de numéro de téléphone"
            )
        return value


class Joined(BaseModel):
    token: str = Field(description="Jeton « Bearer » limité à cette marche")
    walk_id: uuid.UUID
    participant_id: uuid.UUID
    expires_at: datetime | None = Field(None, description="Fin de validité du jeton")


class TransitionIn(StrictModel):
    action: str = Field(min_length=1, max_length=40)
    comment: Text | None = None
    responsible_body: str | None = Field(
        None, min_length=1, max_length=200, description="Organisme destinataire (transmettre)"
    )
    id: uuid.UUID | None = Field(None, description="Identifiant client (réessais sans doublon)")

    def to_input(self) -> TransitionInput:
        return TransitionInput(self.action, self.comment or None, self.responsible_body, self.id)


class WalkTransitionIn(StrictModel):
    action: str = Field(min_length=1, max_length=40)
    comment: Text | None = None


class ObservationIn(StrictModel):
    """An observation as sent by the field app (``id`` generated by the client)."""

    id: uuid.UUID
    kind: Kind
    walk_id: uuid.UUID | None = None
    stop_id: uuid.UUID | None = None
    location: dict[str, Any] = Field(description="GeoJSON Point [lon, lat] (WGS84)")
    observed_at: datetime
    theme: Code | None = None
    items: list[Code] = Field(default_factory=list, max_length=20)
    rating: Rating | None = None
    feeling: Rating | None = None
    works_well: bool = Field(False, strict=True)
    comment: Text | None = None
    proposal: Text | None = None
    category: Code | None = None
    photo_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10)

    @field_validator("location")
    @classmethod
    def _point(cls, value: dict[str, Any]) -> dict[str, Any]:
        point_lon_lat(value)
        return value

    @field_validator("observed_at")
    @classmethod
    def _tz(cls, value: datetime) -> datetime:
        return _aware(value)

    def to_input(self) -> ObservationInput:
        lon, lat = point_lon_lat(self.location)
        return ObservationInput(
            id=self.id,
            kind=self.kind,
            lon=lon,
            lat=lat,
            observed_at=self.observed_at,
            walk_id=self.walk_id,
            stop_id=self.stop_id,
            theme=self.theme,
            items=tuple(self.items),
            rating=self.rating,
            feeling=self.feeling,
            works_well=self.works_well,
            comment=self.comment or None,
            proposal=self.proposal or None,
            category=self.category,
            photo_ids=tuple(self.photo_ids),
        )


class BatchIn(StrictModel):
    items: list[Any] = Field(max_length=500, description="Jusqu'à 500 observations")

    def parsed(self) -> list[ObservationInput | DomainError]:
        """Each item parsed, or the French error that refused it (one never blocks another)."""
        return [_parse_item(item) for item in self.items]


class ItemInvalid(Invalid):
    """A batch item refused at parsing; keeps the id it was sent with (if any) for the reply."""

    def __init__(self, message: str, item_id: Any = None) -> None:
        super().__init__(message)
        self.item_id = str(item_id)[:64] if isinstance(item_id, str) else None


def _parse_item(item: Any) -> ObservationInput | DomainError:
    if not isinstance(item, dict):
        return ItemInvalid("chaque élément doit être un objet observation")
    try:
        return ObservationIn.model_validate(item).to_input()
    except ValidationError as exc:
        errors = [french_error(dict(e)) for e in exc.errors()]
        message = "; ".join(f"{e['field']} : {e['message']}" for e in errors[:5])
        return ItemInvalid(message, item.get("id"))


class BatchItemResult(BaseModel):
    index: int = Field(description="Position de l'élément dans le lot")
    id: str | None = Field(description="Identifiant envoyé (tel quel s'il est invalide)")
    status: str = Field(description="created, duplicate, conflict ou invalid")
    code: int = Field(description="Statut HTTP qu'aurait reçu l'élément seul")
    detail: str | None = None


class BatchOut(BaseModel):
    results: list[BatchItemResult]
    created: int
    duplicate: int
    conflict: int
    invalid: int


class SyncStatusIn(StrictModel):
    ids: list[uuid.UUID] = Field(max_length=500)


class SyncItem(BaseModel):
    id: uuid.UUID
    held: bool = Field(description="Le serveur détient cette observation")
    photos_received: list[uuid.UUID]
    photos_expected: list[uuid.UUID] = Field(description="Photos annoncées, pas encore reçues")


class SyncStatusOut(BaseModel):
    items: list[SyncItem]
    held: int
    missing: int


class RoutingRuleIn(StrictModel):
    category: Code
    qpv_code: QpvCode | None = None
    body: str = Field(min_length=1, max_length=200, description="Organisme responsable")
    note: str | None = Field(None, max_length=500)


class ActionCreate(StrictModel):
    title: str = Field(min_length=1, max_length=200)
    owner_org: str = Field(min_length=1, max_length=200, description="Organisme porteur")
    description: str | None = Field(None, max_length=4000)
    due_date: date | None = None
    observation_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)

    def to_input(self) -> ActionInput:
        return ActionInput(
            title=self.title,
            owner_org=self.owner_org,
            description=self.description,
            due_date=self.due_date,
            observation_ids=tuple(dict.fromkeys(self.observation_ids)),
        )


class ActionLinkIn(StrictModel):
    observation_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)


class ActionTransitionIn(StrictModel):
    action: str = Field(min_length=1, max_length=40)
    comment: Text | None = None
