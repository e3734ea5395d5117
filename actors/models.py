"""Types of the support-actor directory: states as data, the stored actor, import outcomes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Lifecycle of an actor. Code asks :func:`closed_on`, never compares labels."""

    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporairement_fermee"
    CLOSED = "fermee"


STATUS_LABELS = {
    Status.ACTIVE: "ouvert",
    Status.TEMPORARILY_CLOSED: "temporairement fermé",
    Status.CLOSED: "fermé définitivement",
}


class Visibility(StrEnum):
    PUBLIC = "public"
    PROFESSIONALS = "professionnels"
    """Shown to staff only (e.g. a desk that receives people sent by another service)."""


class HoursOrigin(StrEnum):
    """Where ``horaires_accueil`` / ``hours_text`` come from (said on the pages)."""

    SOURCE_OSM = "osm_source"
    """The source gave OpenStreetMap ``opening_hours`` syntax; validated, kept as is."""
    CONVERTED = "converti"
    """Converted to OSM syntax by us from a structured source format (France services)."""
    TEXT = "texte"
    """Could not be converted faithfully: kept as text only (no « ouvert maintenant »)."""
    ENTERED = "saisie"
    """Entered by staff."""


HOURS_ORIGIN_LABELS = {
    HoursOrigin.SOURCE_OSM: "horaires de la source (format OpenStreetMap)",
    HoursOrigin.CONVERTED: "horaires de la source, convertis au format OpenStreetMap",
    HoursOrigin.TEXT: "horaires de la source, non convertibles : texte seulement",
    HoursOrigin.ENTERED: "horaires saisis par l'équipe",
}

LIST_FIELDS = (
    "accessibility",
    "languages",
    "reseaux_porteurs",
    "networks",
    "publics",
    "thematiques",
    "grounds",
    "domains",
    "modes_accueil",
)
"""Array columns (text[])."""

DERIVABLE_FIELDS = (
    "grounds",
    "domains",
    "publics",
    "networks",
    "thematiques",
    "reseaux_porteurs",
    "modes_accueil",
    "frais",
)
"""Fields a type rule (``actors/type_rules.toml``) may fill."""

SOURCE_FIELDS = (
    "actor_type",
    "nom",
    "description",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "hours_text",
    "hours_origin",
    "accessibilite_lieu",
    "accessibility",
    "languages",
    "reseaux_porteurs",
    "networks",
    "publics",
    "thematiques",
    "grounds",
    "domains",
    "modes_accueil",
    "frais",
    "source_date",
    "source_file",
    "source_note",
    "date_maj",
    "source_id_derived",
    "import_issues",
)
"""Columns an import may write (status, visibility, closure and verification are staff's)."""

STAFF_FIELDS = (
    "status",
    "closure_message",
    "closed_from",
    "closed_until",
    "visibility",
    "last_verified_on",
)

EDITABLE_FIELDS = (
    *[f for f in SOURCE_FIELDS if f not in ("source_id_derived", "import_issues")],
    *STAFF_FIELDS,
)
"""Columns staff may change through the API (plus the position)."""


@dataclass(frozen=True)
class Actor:
    """One stored actor (a place where someone can get help)."""

    id: uuid.UUID
    source: str
    source_id: str
    nom: str
    lon: float
    lat: float
    actor_type: str | None = None
    description: str | None = None
    adresse: str | None = None
    complement_adresse: str | None = None
    code_postal: str | None = None
    commune: str | None = None
    code_insee: str | None = None
    telephone: str | None = None
    courriel: str | None = None
    site_web: str | None = None
    horaires_accueil: str | None = None
    hours_text: str | None = None
    hours_origin: str | None = None
    accessibilite_lieu: str | None = None
    accessibility: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    reseaux_porteurs: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    thematiques: list[str] = field(default_factory=list)
    grounds: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    modes_accueil: list[str] = field(default_factory=list)
    frais: str | None = None
    derived_fields: list[str] = field(default_factory=list)
    derivation_rule: str | None = None
    edited_fields: list[str] = field(default_factory=list)
    status: str = Status.ACTIVE
    closure_message: str | None = None
    closed_from: date | None = None
    closed_until: date | None = None
    visibility: str = Visibility.PUBLIC
    last_verified_on: date | None = None
    source_id_derived: bool = False
    import_issues: list[str] = field(default_factory=list)
    """Fields of the source row left empty because malformed (``champ : raison``)."""
    source_date: str | None = None
    source_file: str | None = None
    source_note: str | None = None
    date_maj: date | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def closed_on(self, day: date) -> bool:
        """True when nobody can be received on ``day`` (closed, or inside a closure window)."""
        return closed_on(self.status, self.closed_from, self.closed_until, day)


def closed_on(status: str, start: date | None, end: date | None, day: date) -> bool:
    """Whether an actor with this status and closure window is closed on ``day``."""
    if status == Status.CLOSED:
        return True
    if status != Status.TEMPORARILY_CLOSED:
        return False
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass(frozen=True)
class Rejected:
    """An input row refused by the import, with every reason (French)."""

    row: int
    source_id: str | None
    nom: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Duplicate:
    """An input row that looks like an actor already stored (not created)."""

    row: int
    source_id: str
    nom: str
    existing_id: uuid.UUID
    existing_nom: str
    distance_m: float
    similarity: float


@dataclass
class ImportSummary:
    """What an import did; ``rejected`` and ``duplicates`` list every refused row."""

    path: str
    format: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_edits: int = 0
    confirmed_duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    flagged: list[Rejected] = field(default_factory=list)
    """Rows imported with malformed fields left empty (``reasons``: the fields and why)."""
    notes: list[str] = field(default_factory=list)
    import_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "path": self.path,
            "format": self.format,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "kept_edits": self.kept_edits,
            "confirmed_duplicates": self.confirmed_duplicates,
            "rejected": [
                {"row": r.row, "source_id": r.source_id, "nom": r.nom, "reasons": list(r.reasons)}
                for r in self.rejected
            ],
            "flagged": [
                {"row": r.row, "source_id": r.source_id, "nom": r.nom, "reasons": list(r.reasons)}
                for r in self.flagged
            ],
            "duplicates": [
                {
                    "row": d.row,
                    "source_id": d.source_id,
                    "nom": d.nom,
                    "existing_id": str(d.existing_id),
                    "existing_nom": d.existing_nom,
                    "distance_m": round(d.distance_m, 1),
                    "similarity": round(d.similarity, 2),
                }
                for d in self.duplicates
            ],
            "notes": list(self.notes),
        }
