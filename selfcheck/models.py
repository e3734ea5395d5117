"""Types of the self-check: the answers a person gives, the qualification, the anonymous
testimony (exactly the stored fields) and group sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path


class Kind(StrEnum):
    """What kind of thing happened (situations are grouped by kind in ``rules.toml``)."""

    TREATMENT = "traitement"
    INSULT = "insulte"
    HARASSMENT = "harcelement"
    VIOLENCE = "violence"
    OTHER = "autre"


class Verdict(StrEnum):
    """Is it a discrimination in law? ``oui`` means « may be », never a judgement."""

    YES = "oui"
    MAYBE = "peut_etre"
    NO = "non"


@dataclass(frozen=True)
class Place:
    """Where the person lives or where it happened: a QPV or a commune, never an address."""

    qpv: str | None = None
    commune: str | None = None

    @property
    def given(self) -> bool:
        return bool(self.qpv or self.commune)


@dataclass(frozen=True)
class Answers:
    """The four steps, as codes already checked against ``rules.toml``."""

    situation: str
    reasons: tuple[str, ...] = ()
    domain: str | None = None
    """The domain the person chose (None: « je ne sais pas » or not answered)."""
    place: Place = field(default_factory=Place)
    month: date | None = None
    """First day of the month it happened (None: not said, or long ago)."""
    wishes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Qualification:
    """What the rules say about some answers."""

    outcome: str
    verdict: Verdict
    kind: Kind
    grounds: tuple[str, ...]
    """Grounds of the law behind the reasons given (codes of actors/vocabularies.toml)."""
    domain: str | None
    """The domain used: the one chosen, else the one the situation implies."""
    ground_state: str
    """``legal``, ``unknown`` or ``none``."""
    domain_state: str
    """``covered``, ``not_covered`` or ``unknown``."""
    rule_why: str


TESTIMONY_FIELDS = ("grounds", "domain", "qpv", "commune", "month", "age_band")
"""The only columns of ``selfcheck_testimony``: no identifier, free text, exact place, IP or
time finer than the month."""


@dataclass(frozen=True)
class Testimony:
    grounds: tuple[str, ...]
    domain: str | None
    qpv: str | None
    commune: str | None
    month: date | None
    age_band: str | None


@dataclass(frozen=True)
class GroupSession:
    id: uuid.UUID
    code: str
    label: str | None
    created_by: uuid.UUID | None
    created_at: datetime
    open_until: datetime
    closed_at: datetime | None
    answers: int = 0

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.open_until


@dataclass(frozen=True)
class Config:
    """What the self-check needs from the settings (built by the API layer)."""

    territory: str
    generation: int
    min_count: int = 5
    """k: public and planner statistics show only counts of at least this many testimonies."""
    group_min_count: int = 3
    """A group's answers are shown once this many participants answered, and each count only
    when it reaches it (smaller ones are « moins de N »)."""
    session_hours: int = 4
    """How long a group session accepts answers."""
    helplines_file: Path | None = None
