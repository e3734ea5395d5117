"""Exports in the national data·inclusion schema (structures + services, JSON or CSV).

Each actor is one structure and one service (its reception). Fields data·inclusion has no
place for (grounds, domains, status…) go into ``cartegalite_*`` keys of the service unless
``extensions=False``; our import reads them back, so an export re-imports identically.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from actors import vocab
from actors.models import Actor
from geo.csvout import csv_text

EXTENSIONS = (
    "actor_type",
    "grounds",
    "domains",
    "publics",
    "networks",
    "languages",
    "accessibility",
    "hours_text",
    "hours_origin",
    "derived_fields",
    "status",
    "closure_message",
    "closed_from",
    "closed_until",
    "visibility",
    "last_verified_on",
    "source_date",
    "source_note",
)
STRUCTURE_FIELDS = (
    "source",
    "id",
    "nom",
    "description",
    "date_maj",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "reseaux_porteurs",
)
SERVICE_FIELDS = (
    "source",
    "structure_id",
    "id",
    "nom",
    "description",
    "date_maj",
    "thematiques",
    "frais",
    "publics",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "modes_accueil",
    "horaires_accueil",
)
_DI_PUBLICS = {t.code: t.data_inclusion for t in vocab.publics().terms}


def structure(actor: Actor) -> dict[str, Any]:
    """One actor as a data·inclusion structure."""
    return {
        "source": actor.source,
        "id": actor.source_id,
        "nom": actor.nom,
        "description": actor.description,
        "date_maj": _iso(actor.date_maj),
        "commune": actor.commune,
        "code_postal": actor.code_postal,
        "code_insee": actor.code_insee,
        "adresse": actor.adresse,
        "complement_adresse": actor.complement_adresse,
        "longitude": actor.lon,
        "latitude": actor.lat,
        "telephone": actor.telephone,
        "courriel": actor.courriel,
        "site_web": actor.site_web,
        "horaires_accueil": actor.horaires_accueil,
        "accessibilite_lieu": actor.accessibilite_lieu,
        "reseaux_porteurs": list(actor.reseaux_porteurs),
    }


def service(actor: Actor, extensions: bool = True) -> dict[str, Any]:
    """The reception service of an actor (data·inclusion service, plus our extensions)."""
    publics = [p for p in (_DI_PUBLICS.get(c) for c in actor.publics) if p]
    out: dict[str, Any] = {
        "source": actor.source,
        "structure_id": actor.source_id,
        "id": f"{actor.source_id}--accueil",
        "nom": f"Accueil — {actor.nom}"[:150],
        "description": actor.description,
        "date_maj": _iso(actor.date_maj),
        "thematiques": list(actor.thematiques),
        "frais": actor.frais,
        "publics": publics,
        "commune": actor.commune,
        "code_postal": actor.code_postal,
        "code_insee": actor.code_insee,
        "adresse": actor.adresse,
        "longitude": actor.lon,
        "latitude": actor.lat,
        "telephone": actor.telephone,
        "courriel": actor.courriel,
        "modes_accueil": list(actor.modes_accueil),
        "horaires_accueil": actor.horaires_accueil,
    }
    if extensions:
        for name in EXTENSIONS:
            value = getattr(actor, name)
            out[f"cartegalite_{name}"] = _iso(value) if hasattr(value, "isoformat") else value
    return out


def datainclusion(actors: Iterable[Actor], extensions: bool = True) -> dict[str, Any]:
    """``{"structures": [...], "services": [...]}``."""
    items = list(actors)
    return {
        "structures": [structure(a) for a in items],
        "services": [service(a, extensions) for a in items],
    }


def datainclusion_csv(actors: Iterable[Actor], entity: str = "structures") -> str:
    """One entity as CSV (``,``-separated, lists joined by ``|``), UTF-8."""
    items = list(actors)
    if entity == "structures":
        rows, columns = [structure(a) for a in items], list(STRUCTURE_FIELDS)
    elif entity == "services":
        rows = [service(a, extensions=False) for a in items]
        columns = list(SERVICE_FIELDS)
    else:
        raise ValueError(f"entité inconnue : {entity}")
    return csv_text(
        columns, ([_cell(row.get(c)) for c in columns] for row in rows), lineterminator="\r\n"
    )


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return "" if value is None else value


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value
