"""Write use cases of the directory (staff): create, update, verify an actor, resolve a likely
duplicate. Each owns its transaction and writes an audit row with the previous values."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import psycopg

from accounts.models import Principal
from actors import hours, importer, quality, rules, validate
from actors.models import EDITABLE_FIELDS, Actor, HoursOrigin
from actors.repo import records, review, search
from geo import territory
from geo.errors import Conflict, Invalid, InvariantError, NotFound

MANUAL_SOURCE = "saisie Cartégalité"
SEARCH_INPUTS = ("nom", "description", "commune", "adresse", "actor_type")


def create(
    conn: psycopg.Connection[Any],
    data: dict[str, Any],
    principal: Principal,
    territory_id: str,
) -> uuid.UUID:
    """Create an actor entered by staff (position inside the instance territory).

    Unknown codes, bad phone/e-mail/URL/hours or a position outside the territory raise
    :class:`Invalid` naming each problem.
    """
    record = validate.record({k: v for k, v in data.items() if v is not None})
    territory.check_point(conn, territory_id, record["lon"], record["lat"])
    record["source"] = MANUAL_SOURCE
    record["source_id"] = str(uuid.uuid4())
    record["date_maj"] = date.today()
    if record.get("horaires_accueil") or record.get("hours_text"):
        record.setdefault("hours_origin", HoursOrigin.ENTERED.value)
    record.update(rules.derive(record))
    record.update(importer.searchable(record, rules.default()))
    with conn.transaction():
        actor_id = records.insert(conn, record)
        records.add_event(conn, actor_id, "create", principal.login, _plain(record))
    return actor_id


def update(
    conn: psycopg.Connection[Any],
    actor_id: uuid.UUID,
    patch: dict[str, Any],
    principal: Principal,
    territory_id: str,
) -> Actor:
    """Change some fields. Changed fields become staff edits that imports never overwrite and
    stop being « derived from the type »."""
    unknown = set(patch) - {*EDITABLE_FIELDS, "lon", "lat"}
    if unknown:
        raise Invalid(f"champs non modifiables : {', '.join(sorted(unknown))}")
    if ("lon" in patch) != ("lat" in patch):
        raise Invalid("lon et lat se modifient ensemble")
    clean = validate.record(patch, require_name=False)
    if "nom" in patch and not clean.get("nom"):
        raise Invalid("nom : obligatoire")
    if "lon" in clean:
        territory.check_point(conn, territory_id, clean["lon"], clean["lat"])
    with conn.transaction():
        existing = _locked(conn, actor_id)
        changes = {
            k: v for k, v in clean.items() if k in ("lon", "lat") or _differs(existing, k, v)
        }
        if not changes:
            return existing
        changes.update(_bookkeeping(existing, changes))
        records.update(conn, actor_id, changes)
        logged = {
            k: [_json(getattr(existing, k, None)), _json(v)]
            for k, v in changes.items()
            if k not in ("search_text", "commune_key")
        }
        records.add_event(conn, actor_id, "update", principal.login, logged)
    updated = records.get(conn, actor_id)
    if updated is None:
        raise InvariantError("expected updated is not None")
    return updated


def _bookkeeping(existing: Actor, changes: dict[str, Any]) -> dict[str, Any]:
    fields = [k for k in changes if k not in ("lon", "lat")]
    out: dict[str, Any] = {
        "edited_fields": sorted({*existing.edited_fields, *fields}),
    }
    left = [i for i in existing.import_issues if i.split(" ", 1)[0] not in fields]
    if left != existing.import_issues:
        out["import_issues"] = left  # staff entered a valid value for a malformed field
    derived = [f for f in existing.derived_fields if f not in fields]
    if derived != existing.derived_fields:
        out["derived_fields"] = derived
    if any(k in changes for k in ("horaires_accueil", "hours_text")):
        out["hours_origin"] = HoursOrigin.ENTERED.value
    if any(k in changes for k in SEARCH_INPUTS):
        merged = {k: changes.get(k, getattr(existing, k)) for k in SEARCH_INPUTS}
        out.update(importer.searchable(merged, rules.default()))
    return out


def verify(
    conn: psycopg.Connection[Any], actor_id: uuid.UUID, principal: Principal, day: date
) -> Actor:
    """Record that staff checked the actor's information on ``day`` (resets freshness)."""
    with conn.transaction():
        existing = _locked(conn, actor_id)
        records.mark_verified(conn, actor_id, day)
        records.add_event(
            conn,
            actor_id,
            "verify",
            principal.login,
            {"last_verified_on": [_json(existing.last_verified_on), day.isoformat()]},
        )
    updated = records.get(conn, actor_id)
    if updated is None:
        raise InvariantError("expected updated is not None")
    return updated


def resolve_duplicate(
    conn: psycopg.Connection[Any], dup_id: int, decision: str, principal: Principal
) -> uuid.UUID | None:
    """``confirme``: the input row is the existing actor (later imports skip it);
    ``distinct``: it is another place, created now. Returns the created actor id."""
    if decision not in ("confirme", "distinct"):
        raise Invalid(f"décision inconnue : {decision!r} (valeurs possibles : confirme, distinct)")
    with conn.transaction():
        dup = review.get_duplicate(conn, dup_id)
        if dup is None:
            raise NotFound(f"doublon possible introuvable : {dup_id}")
        if dup["state"] != "a_examiner":
            raise Conflict(f"doublon possible déjà traité ({dup['state']})")
        review.resolve_duplicate(conn, dup_id, decision, principal.login)
        if decision == "confirme":
            return None
        record = dict(dup["record"])
        for key in ("date_maj", "closed_from", "closed_until", "last_verified_on"):
            if record.get(key):
                record[key] = date.fromisoformat(record[key])
        actor_id = records.insert(conn, record)
        records.add_event(conn, actor_id, "create", principal.login, {"from_duplicate": dup_id})
    return actor_id


def _locked(conn: psycopg.Connection[Any], actor_id: uuid.UUID) -> Actor:
    conn.execute("SELECT 1 FROM actor WHERE id = %s FOR UPDATE", (actor_id,))
    existing = records.get(conn, actor_id)
    if existing is None:
        raise NotFound(f"acteur introuvable : {actor_id}")
    return existing


def _differs(existing: Actor, name: str, value: Any) -> bool:
    current = getattr(existing, name, None)
    if isinstance(current, list) or isinstance(value, list):
        return list(current or []) != list(value or [])
    return bool(current != value)


def _json(value: Any) -> Any:
    if isinstance(value, (date, uuid.UUID)):
        return str(value)
    return value


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _json(v)
        for k, v in record.items()
        if k not in ("search_text", "commune_key") and v not in (None, "", [])
    }


def export_geojson(conn: psycopg.Connection[Any], viewer: search.Viewer) -> str:
    """Every actor ``viewer`` may see, as a GeoJSON FeatureCollection (built in SQL)."""
    return search.collection(conn, search.Filters(), viewer)


def export_actors(conn: psycopg.Connection[Any], viewer: search.Viewer) -> list[Actor]:
    """Every actor ``viewer`` may see (for the data·inclusion exports)."""
    return search.actors(conn, search.Filters(), viewer)


def campaign(conn: psycopg.Connection[Any], threshold: int) -> list[dict[str, Any]]:
    """The update campaign of today (Europe/Paris): see :func:`actors.quality.campaign`."""
    return quality.campaign(records.all_actors(conn), hours.paris_now().date(), threshold)


def duplicates(conn: psycopg.Connection[Any], state: str | None) -> list[dict[str, Any]]:
    """Possible duplicates found by the imports, in one review state (None: all)."""
    return review.list_duplicates(conn, state)
