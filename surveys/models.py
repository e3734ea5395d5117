"""Types of the surveys domain: enums, inputs handed to services, references used by the policy."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from shapely.geometry import LineString


class TimeSlot(StrEnum):
    JOUR = "jour"
    SOIREE = "soiree"
    NUIT = "nuit"


class Kind(StrEnum):
    MARCHE = "marche"
    GUSP = "gusp"


class SubmitStatus(StrEnum):
    """Outcome of one submission (also the per-item result of a batch)."""

    CREATED = "created"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    INVALID = "invalid"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class SurveyConfig:
    """Instance settings the surveys services need (built by the API from its settings)."""

    territory: str = "nantes-metropole"
    clock_skew_s: int = 300
    public_min_count: int = 5
    public_delay_days: int = 7


@dataclass(frozen=True)
class StopInput:
    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class WalkInput:
    title: str
    walk_date: date
    time_slot: TimeSlot
    qpv_codes: tuple[str, ...] = ()
    organiser: str | None = None
    group_size: int | None = None
    women_only: bool = False
    route: LineString | None = None
    stops: tuple[StopInput, ...] = ()
    paired_walk_id: uuid.UUID | None = None
    facilitator_login: str | None = None


@dataclass(frozen=True)
class WalkRef:
    """What the policy and services need to know about a walk."""

    id: uuid.UUID
    status: str
    facilitator_id: uuid.UUID
    created_by: uuid.UUID
    territory: str
    demo: bool = False


@dataclass(frozen=True)
class ObservationInput:
    """One submitted observation, validated for shape (types, ranges) but not yet for meaning."""

    id: uuid.UUID
    kind: Kind
    lon: float
    lat: float
    observed_at: datetime
    walk_id: uuid.UUID | None = None
    stop_id: uuid.UUID | None = None
    theme: str | None = None
    items: tuple[str, ...] = ()
    rating: int | None = None
    feeling: int | None = None
    works_well: bool = False
    comment: str | None = None
    proposal: str | None = None
    category: str | None = None
    photo_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class ObservationRef:
    """Identity, author and states of a stored observation."""

    id: uuid.UUID
    kind: str
    walk_id: uuid.UUID | None
    participant_id: uuid.UUID | None
    author_user_id: uuid.UUID | None
    payload_hash: bytes
    moderation: str
    followup: str
    category: str | None = None
    qpv_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubmitResult:
    status: SubmitStatus
    observation: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class TransitionInput:
    action: str
    comment: str | None = None
    responsible_body: str | None = None
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class ActionInput:
    title: str
    owner_org: str
    description: str | None = None
    due_date: date | None = None
    observation_ids: tuple[uuid.UUID, ...] = ()
