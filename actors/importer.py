"""Import use case: read a file, validate every row, upsert by (source, source id), flag likely
duplicates instead of creating them. One transaction; a refused row is reported, never
half-written."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from actors import folding, hours, readers, rules, validate
from actors.errors import InvalidRecord
from actors.models import (
    LIST_FIELDS,
    SOURCE_FIELDS,
    STAFF_FIELDS,
    Actor,
    Duplicate,
    HoursOrigin,
    ImportSummary,
    Rejected,
)
from actors.repo import records, review
from geo.errors import Invalid

DUPLICATE_DISTANCE_M = 50.0
"""Two places closer than this (metres, on the spheroid) may be the same place."""
DUPLICATE_SIMILARITY = 0.8
"""… when their folded names (stop words removed) are at least this similar (difflib ratio)."""

ACCEPTED = {*SOURCE_FIELDS, *STAFF_FIELDS, "source", "source_id", "lon", "lat", "horaires"}
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    source: str | None = None
    """Source name for rows that carry none (else the file's metadata, else its file name)."""
    lenient_hours: bool = False
    """Keep malformed OSM hours as text instead of refusing the row."""
    duplicate_distance_m: float = DUPLICATE_DISTANCE_M
    duplicate_similarity: float = DUPLICATE_SIMILARITY
    by_login: str | None = None
    dry_run: bool = False


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def import_file(
    conn: psycopg.Connection[Any],
    path: str | Path,
    options: ImportOptions = ImportOptions(),
    progress: Progress | None = None,
) -> ImportSummary:
    """Import ``path`` (GeoJSON, CSV or data·inclusion JSON) in one transaction.

    Parameters
    ----------
    conn : psycopg.Connection
        Autocommit connection; this function owns the transaction.
    path : str or Path
        The file to read.
    options : ImportOptions
        Default source, hours leniency, duplicate thresholds, who imports, dry run.
    progress : callable, optional
        Called with (rows done, rows total).

    Returns
    -------
    ImportSummary
        Counts, every refused row with its reasons and every likely duplicate.
    """
    raw = readers.read(path)
    summary = ImportSummary(path=str(path), format=raw.format, read=len(raw.rows))
    summary.notes += raw.notes
    book = rules.default()
    try:
        with conn.transaction():
            summary.import_id = review.start_import(conn, str(path), raw.format, options.by_login)
            ignored: set[str] = set()
            for done, row in enumerate(raw.rows, start=1):
                _one(conn, row, raw, options, book, summary, ignored)
                if progress:
                    progress(done, len(raw.rows))
            if ignored:
                summary.notes.append(f"champs ignorés : {', '.join(sorted(ignored))}")
            review.finish_import(conn, summary.import_id, summary.as_dict())
            if options.dry_run:
                raise _DryRun
    except _DryRun:
        summary.notes.append("essai à blanc : rien n'a été enregistré")
        summary.import_id = None
    return summary


def _one(
    conn: psycopg.Connection[Any],
    row: readers.RawRow,
    raw: readers.RawFile,
    options: ImportOptions,
    book: rules.RuleBook,
    summary: ImportSummary,
    ignored: set[str],
) -> None:
    try:
        record = prepare(row.data, raw, options, book, ignored)
    except InvalidRecord as exc:
        source_id = row.data.get("source_id")
        summary.rejected.append(
            Rejected(
                row.row,
                None if source_id is None else str(source_id),
                _short(row.data.get("nom")),
                exc.reasons,
            )
        )
        return
    if record.get("import_issues"):
        summary.flagged.append(
            Rejected(
                row.row,
                record.get("source_id"),
                _short(record.get("nom")),
                tuple(record["import_issues"]),
            )
        )
    upsert(conn, record, options, summary, row.row)


def prepare(
    data: dict[str, Any],
    raw: readers.RawFile,
    options: ImportOptions,
    book: rules.RuleBook,
    ignored: set[str],
) -> dict[str, Any]:
    """One raw row → a validated record ready to write. A row is refused
    (:class:`InvalidRecord`) only when it has no usable name, source or position; a malformed
    field is left empty and named in the record's ``import_issues``."""
    fields = {k: v for k, v in data.items() if k in ACCEPTED}
    ignored.update(k for k in data if k not in ACCEPTED and not k.startswith("_"))
    reasons = [data["_error"]] if data.get("_error") else []
    fields["source"] = (
        fields.get("source") or options.source or raw.default_source or Path(raw.path).name
    )
    try:
        fields.update(_hours(fields, options.lenient_hours))
    except Invalid as exc:  # left empty, named for the update campaign
        fields.pop("horaires_accueil", None)
        fields["import_issues"] = [f"horaires_accueil : {exc.message}"]
    try:
        record = validate.record(fields, lenient=True)
    except InvalidRecord as exc:
        raise InvalidRecord([*reasons, *exc.reasons]) from exc
    if reasons:
        raise InvalidRecord(reasons)
    if not record.get("source_id"):
        record["source_id"], record["source_id_derived"] = derived_id(record), True
    if not record.get("date_maj"):
        record["date_maj"] = validate.date_from_label(record.get("source_date"))
    record.update(rules.derive(record, book))
    record.update(searchable(record, book))
    return record


def _hours(fields: dict[str, Any], lenient: bool) -> dict[str, Any]:
    value = fields.pop("horaires", None)
    if fields.get("horaires_accueil"):
        if lenient:
            try:
                hours.check(str(fields["horaires_accueil"]))
            except Invalid:
                text = str(fields.pop("horaires_accueil"))
                return {"hours_text": text, "hours_origin": HoursOrigin.TEXT.value}
        return {"hours_origin": fields.get("hours_origin") or HoursOrigin.SOURCE_OSM.value}
    converted = hours.from_source(value, lenient=lenient)
    out: dict[str, Any] = {}
    if converted.osm:
        out["horaires_accueil"] = converted.osm
    if converted.text and not fields.get("hours_text"):
        out["hours_text"] = converted.text
    if converted.origin:
        out["hours_origin"] = converted.origin.value
    return out


def derived_id(record: dict[str, Any]) -> str:
    """A stable id for rows without one: hash of the folded name, address, postcode, INSEE code."""
    key = "|".join(
        folding.fold(record.get(k)) for k in ("nom", "adresse", "code_postal", "code_insee")
    )
    return "h:" + hashlib.sha256(key.encode()).hexdigest()[:16]


def searchable(record: dict[str, Any], book: rules.RuleBook) -> dict[str, Any]:
    """The folded search text and commune key stored with the record."""
    parts = [
        record.get("nom"),
        record.get("description"),
        record.get("commune"),
        record.get("adresse"),
        book.label(record.get("actor_type")),
    ]
    return {
        "search_text": folding.search_text(parts),
        "commune_key": folding.commune_key(record.get("commune")),
    }


def upsert(
    conn: psycopg.Connection[Any],
    record: dict[str, Any],
    options: ImportOptions,
    summary: ImportSummary,
    row: int,
) -> None:
    """Insert, update, skip (unchanged or confirmed duplicate) or flag a duplicate."""
    existing = records.get_by_source(conn, record["source"], record["source_id"])
    if existing is None:
        if review.duplicate_state(conn, record["source"], record["source_id"]) == "confirme":
            summary.confirmed_duplicates += 1
            return
        duplicate = find_duplicate(conn, record, options, row)
        if duplicate is not None:
            review.save_duplicate(
                conn,
                summary.import_id,
                duplicate.existing_id,
                record,
                duplicate.distance_m,
                duplicate.similarity,
            )
            summary.duplicates.append(duplicate)
            return
        actor_id = records.insert(conn, record)
        records.add_event(
            conn, actor_id, "import_insert", options.by_login, _loggable(record), summary.import_id
        )
        summary.inserted += 1
        return
    changes, kept = diff(existing, record)
    summary.kept_edits += kept
    if not changes:
        summary.unchanged += 1
        return
    records.update(conn, existing.id, changes)
    logged = {k: [_plain(getattr(existing, k, None)), _plain(v)] for k, v in changes.items()}
    records.add_event(
        conn, existing.id, "import_update", options.by_login, logged, summary.import_id
    )
    summary.updated += 1


def find_duplicate(
    conn: psycopg.Connection[Any], record: dict[str, Any], options: ImportOptions, row: int
) -> Duplicate | None:
    """The most similar stored actor within the distance threshold, if similar enough."""
    best: Duplicate | None = None
    for actor_id, _source, _sid, nom, distance in review.neighbours(
        conn, record["lon"], record["lat"], options.duplicate_distance_m
    ):
        score = folding.similarity(record["nom"], nom)
        if score >= options.duplicate_similarity and (best is None or score > best.similarity):
            best = Duplicate(
                row, record["source_id"], record["nom"], actor_id, nom, distance, score
            )
    return best


def diff(existing: Actor, record: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Fields of ``record`` that differ from ``existing``, minus staff edits (counted)."""
    changes: dict[str, Any] = {}
    kept = 0
    edited = set(existing.edited_fields)
    for name, value in record.items():
        if name in ("lon", "lat", "source", "source_id", "derived_fields"):
            continue
        if name in edited:
            kept += int(_plain(getattr(existing, name, None)) != _plain(value))
            continue
        if hasattr(existing, name) and _plain(getattr(existing, name)) != _plain(value):
            changes[name] = value
    derived = [f for f in record.get("derived_fields", []) if f not in edited]
    if sorted(derived) != sorted(existing.derived_fields):
        changes["derived_fields"] = derived
    if abs(existing.lon - record["lon"]) > 1e-7 or abs(existing.lat - record["lat"]) > 1e-7:
        changes["lon"], changes["lat"] = record["lon"], record["lat"]
    return changes, kept


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _loggable(record: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _plain(v)
        for k, v in record.items()
        if k not in ("search_text", "commune_key")
        and v not in (None, [], "")
        and (k not in LIST_FIELDS or v)
    }


def _short(value: Any) -> str | None:
    return None if value is None else str(value)[:120]


def import_if_empty(conn: psycopg.Connection[Any], path: Path | None) -> ImportSummary | None:
    """Import ``path`` when the directory holds no actor yet (for ``cartegalite serve``);
    None when there is nothing to do or no file."""
    row = conn.execute("SELECT EXISTS (SELECT 1 FROM actor)").fetchone()
    if (row and row[0]) or path is None or not Path(path).is_file():
        return None
    return import_file(conn, path, ImportOptions(by_login="serve"))
