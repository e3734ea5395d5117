"""SQL of single actors: read, insert, update, audit events."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.rows import class_row

from actors.models import Actor
from geo.errors import Conflict, Invalid, InvariantError

WRITABLE = (
    "source",
    "source_id",
    "source_id_derived",
    "source_date",
    "source_file",
    "source_note",
    "date_maj",
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
    "accessibilite_lieu",
    "reseaux_porteurs",
    "publics",
    "thematiques",
    "modes_accueil",
    "frais",
    "grounds",
    "domains",
    "networks",
    "languages",
    "accessibility",
    "hours_text",
    "hours_origin",
    "derived_fields",
    "derivation_rule",
    "edited_fields",
    "status",
    "closure_message",
    "closed_from",
    "closed_until",
    "visibility",
    "last_verified_on",
    "commune_key",
    "search_text",
    "import_issues",
)
"""Columns written from a record (``lon``/``lat`` become ``geom``)."""

_ACTOR_COLUMNS = sql.SQL(", ").join(
    [
        *(sql.Identifier(f) for f in Actor.__dataclass_fields__ if f not in ("lon", "lat")),
        sql.SQL("ST_X(geom) AS lon"),
        sql.SQL("ST_Y(geom) AS lat"),
    ]
)


def get(conn: psycopg.Connection[Any], actor_id: uuid.UUID) -> Actor | None:
    """One actor by id (any status or visibility: callers apply the rules)."""
    cur = conn.cursor(row_factory=class_row(Actor))
    query = sql.SQL("SELECT {} FROM actor WHERE id = %s").format(_ACTOR_COLUMNS)
    return cur.execute(query, (actor_id,)).fetchone()


def get_by_source(conn: psycopg.Connection[Any], source: str, source_id: str) -> Actor | None:
    cur = conn.cursor(row_factory=class_row(Actor))
    query = sql.SQL("SELECT {} FROM actor WHERE source = %s AND source_id = %s").format(
        _ACTOR_COLUMNS
    )
    return cur.execute(query, (source, source_id)).fetchone()


def all_actors(conn: psycopg.Connection[Any], include_closed: bool = True) -> list[Actor]:
    """Every actor ordered by name (campaign, quality reports)."""
    cur = conn.cursor(row_factory=class_row(Actor))
    query = sql.SQL("SELECT {} FROM actor WHERE %s OR status <> 'fermee' ORDER BY nom, id").format(
        _ACTOR_COLUMNS
    )
    return cur.execute(query, (include_closed,)).fetchall()


def _values(record: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    names = [k for k in WRITABLE if k in record]
    return names, [record[k] for k in names]


def insert(conn: psycopg.Connection[Any], record: Mapping[str, Any]) -> uuid.UUID:
    """Insert one actor (``record`` holds column values plus ``lon``/``lat``)."""
    names, values = _values(record)
    query = sql.SQL(
        "INSERT INTO actor ({}, geom) VALUES ({}, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) "
        "RETURNING id"
    ).format(
        sql.SQL(", ").join(sql.Identifier(n) for n in names),
        sql.SQL(", ").join(sql.Placeholder() * len(names)),
    )
    try:
        row = conn.execute(query, [*values, record["lon"], record["lat"]]).fetchone()
    except pg_errors.UniqueViolation as exc:
        raise Conflict(
            f"un acteur existe déjà pour la source {record.get('source')!r} "
            f"et l'identifiant {record.get('source_id')!r}"
        ) from exc
    except pg_errors.CheckViolation as exc:
        raise Invalid(f"valeur refusée par la base : {exc.diag.constraint_name}") from exc
    if row is None:
        raise InvariantError("expected row is not None")
    return uuid.UUID(str(row[0]))


def update(conn: psycopg.Connection[Any], actor_id: uuid.UUID, changes: Mapping[str, Any]) -> None:
    """Write ``changes`` (columns, and ``lon``/``lat`` together) and bump ``updated_at``."""
    names, values = _values(changes)
    parts: list[sql.Composable] = [sql.SQL("{} = %s").format(sql.Identifier(n)) for n in names]
    if "lon" in changes:
        parts.append(sql.SQL("geom = ST_SetSRID(ST_MakePoint(%s, %s), 4326)"))
        values += [changes["lon"], changes["lat"]]
    parts.append(sql.SQL("updated_at = now()"))
    query = sql.SQL("UPDATE actor SET {} WHERE id = %s").format(sql.SQL(", ").join(parts))
    try:
        conn.execute(query, [*values, actor_id])
    except pg_errors.UniqueViolation as exc:
        raise Conflict("un autre acteur a déjà cette source et cet identifiant") from exc
    except pg_errors.CheckViolation as exc:
        raise Invalid(f"valeur refusée par la base : {exc.diag.constraint_name}") from exc


def add_event(
    conn: psycopg.Connection[Any],
    actor_id: uuid.UUID,
    action: str,
    by_login: str | None,
    changes: Mapping[str, Any],
    import_id: int | None = None,
) -> None:
    """Audit row: who did what, with previous and new values of the changed fields."""
    conn.execute(
        """
        INSERT INTO actor_event (actor_id, action, by_login, import_id, changes)
        VALUES (%s, %s, %s, %s, %s::jsonb)
        """,
        (actor_id, action, by_login, import_id, json.dumps(changes, default=_json_default)),
    )


def events(conn: psycopg.Connection[Any], actor_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = conn.execute(
        """
        SELECT at, by_login, action, import_id, changes FROM actor_event
        WHERE actor_id = %s ORDER BY at, id
        """,
        (actor_id,),
    ).fetchall()
    return [
        {"at": r[0], "by": r[1], "action": r[2], "import_id": r[3], "changes": r[4]} for r in rows
    ]


def mark_verified(conn: psycopg.Connection[Any], actor_id: uuid.UUID, day: date) -> date | None:
    """Set ``last_verified_on``; returns the previous value."""
    row = conn.execute(
        """
        UPDATE actor a SET last_verified_on = %s, updated_at = now()
        FROM (SELECT id, last_verified_on FROM actor WHERE id = %s FOR UPDATE) old
        WHERE a.id = old.id
        RETURNING old.last_verified_on
        """,
        (day, actor_id),
    ).fetchone()
    return row[0] if row else None


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, uuid.UUID)):
        return str(value)
    raise TypeError(type(value).__name__)
