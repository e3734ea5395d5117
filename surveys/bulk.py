"""Bulk import of observations from a CSV or GeoJSON file (``cartegalite surveys import``).

For paper forms typed afterwards, exports of another tool or archives: the file is staged with
``COPY``, every row is checked in SQL with the rules of the API (UUIDs, ranges, grid codes, the
walk and its stop, the territory, the date), hashed like a submission, and the new rows are
inserted set-based with their QPV attributed at insert time. Idempotent by id: a row already
stored with the same content is a duplicate (counted), with another content a conflict
(reported, the stored row untouched). The whole file is one transaction; refused rows are
reported with their record number and reason and never half-written.

The author of the imported observations is the staff account running the import; the write
policy of the API applies per walk (a facilitator imports into the walks they lead).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from accounts.models import Principal, Role
from geo import territory
from geo.errors import DomainError, Forbidden, Invalid
from surveys import policy, states
from surveys.grid import grid
from surveys.models import Kind, SurveyConfig, WalkRef
from surveys.repo import bulk as repo
from surveys.repo import walks as walks_repo
from surveys.validation import EARLIEST

Progress = Callable[[str, int, int], None]
CHUNK = 1 << 20
IMPORTERS = (Role.ADMIN, Role.PLANNER, Role.FACILITATOR)


@dataclass(frozen=True)
class Problem:
    """A refused row: its record number (1 = first data row), id as sent, status, reason."""

    record: int
    id: str | None
    status: str
    message: str


@dataclass
class ImportReport:
    """What an import did (with ``dry_run``, ``created`` is what it would have created)."""

    read: int = 0
    created: int = 0
    duplicates: int = 0
    conflicts: int = 0
    invalid: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False


def _quiet(step: str, done: int, total: int) -> None:
    return None


def import_file(
    conn: psycopg.Connection[Any],
    path: Path,
    principal: Principal,
    config: SurveyConfig,
    *,
    dry_run: bool = False,
    show: int = 50,
    progress: Progress = _quiet,
) -> ImportReport:
    """Import the observations of ``path`` (``.csv`` or ``.geojson``/``.json``).

    Parameters
    ----------
    conn : psycopg.Connection
        Autocommit connection; the import is one transaction.
    path : Path
        CSV (header with the names of :data:`surveys.repo.bulk.COLUMNS`, ``,`` or ``;``,
        UTF-8, ``items`` separated by ``|``) or GeoJSON FeatureCollection of Points.
    principal : Principal
        The staff account importing (author of the rows).
    config : SurveyConfig
        Territory and clock skew of the instance.
    dry_run : bool
        Check and report only; nothing is written.
    show : int
        How many refused rows to list in the report.
    progress : callable
        Called with (step, done, total).

    Raises
    ------
    Forbidden
        The account may not import observations.
    Invalid
        Unreadable file, unknown or missing columns.
    """
    if not principal.has_role(*IMPORTERS):
        raise Forbidden("import réservé aux comptes animation, urbanisme et administration")
    territory.get(conn, config.territory)
    with conn.transaction(force_rollback=dry_run):
        repo.create_staging(conn)
        _stage(conn, path, progress)
        progress("vérification", 0, 1)
        _check(conn, config)
        _apply_policy(conn, principal)
        counts = repo.summary(conn)
        progress("écriture", 0, 1)
        created = repo.insert(
            conn,
            principal.user_id,
            states.followup().initial_for(Kind.MARCHE.value),
            states.followup().initial_for(Kind.GUSP.value),
        )
        found = [Problem(*row) for row in repo.problems(conn, show)]
    progress("écriture", 1, 1)
    return ImportReport(
        read=sum(counts.values()),
        created=created,
        duplicates=counts.get("duplicate", 0) + counts.get("new", 0) - created,
        conflicts=counts.get("conflict", 0),
        invalid=counts.get("invalid", 0),
        problems=found,
        dry_run=dry_run,
    )


def _stage(conn: psycopg.Connection[Any], path: Path, progress: Progress) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _stage_csv(conn, path, progress)
    elif suffix in (".geojson", ".json"):
        repo.copy_rows(conn, _geojson_rows(path, progress))
    else:
        raise Invalid(f"format non reconnu : {path.name} (attendu : .csv ou .geojson)")


def _stage_csv(conn: psycopg.Connection[Any], path: Path, progress: Progress) -> None:
    total = path.stat().st_size
    with path.open("rb") as fh:
        first = fh.readline()
        columns, delimiter = read_header(first)
        done = len(first)

        def chunks() -> Iterator[bytes]:
            nonlocal done
            while block := fh.read(CHUNK):
                done += len(block)
                progress("lecture", done, total)
                yield block

        try:
            repo.copy_csv(conn, columns, delimiter, chunks())
        except psycopg.errors.DataError as exc:  # bad encoding, wrong number of fields
            raise Invalid(f"fichier CSV illisible : {_first_line(exc)}") from exc


def read_header(line: bytes) -> tuple[list[str], str]:
    """The columns and delimiter of a CSV header line; :class:`Invalid` when unusable."""
    try:
        text = line.decode("utf-8-sig").strip("\r\n")
    except UnicodeDecodeError as exc:
        raise Invalid("le fichier CSV doit être encodé en UTF-8") from exc
    delimiter = ";" if text.count(";") > text.count(",") else ","
    names = [c.strip().lower() for c in next(csv.reader(io.StringIO(text), delimiter=delimiter))]
    unknown = [n for n in names if n not in repo.COLUMNS]
    if unknown:
        raise Invalid(
            f"colonnes inconnues : {', '.join(unknown)} "
            f"(colonnes possibles : {', '.join(repo.COLUMNS)})"
        )
    missing = [n for n in repo.REQUIRED if n not in names]
    if missing:
        raise Invalid(f"colonnes obligatoires absentes : {', '.join(missing)}")
    if len(set(names)) != len(names):
        raise Invalid("une colonne apparaît deux fois dans l'en-tête")
    return names, delimiter


def _first_line(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    where = getattr(diag, "context", None) or ""
    return f"{str(exc).splitlines()[0]} {where.splitlines()[0] if where else ''}".strip()


def _refuse_constant(name: str) -> Any:
    raise Invalid(f"nombre non fini refusé : {name}")


def _geojson_rows(path: Path, progress: Progress) -> Iterator[list[str | None]]:
    try:
        doc = json.loads(path.read_bytes(), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(f"GeoJSON illisible : {exc}") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise Invalid("GeoJSON : une FeatureCollection est attendue")
    features = doc.get("features")
    if not isinstance(features, list):
        raise Invalid("GeoJSON : « features » doit être une liste")
    for done, feature in enumerate(features, start=1):
        yield geojson_row(feature)
        if done % 10_000 == 0 or done == len(features):
            progress("lecture", done, len(features))


def geojson_row(feature: Any) -> list[str | None]:
    """One Feature as staging text values (checks happen in SQL, like for CSV rows)."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    props = props if isinstance(props, dict) else {}
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    point = isinstance(geometry, dict) and geometry.get("type") == "Point"
    if not (point and isinstance(coords, list) and len(coords) in (2, 3)):
        coords = [None, None]
    values = {**props, "lon": coords[0], "lat": coords[1]}
    if "id" not in props and isinstance(feature, dict):
        values["id"] = feature.get("id")
    return [_text(values.get(name)) for name in repo.COLUMNS]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "nan"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, (dict,)):
        return json.dumps(value)
    return str(value)


def _check(conn: psycopg.Connection[Any], config: SurveyConfig) -> None:
    g = grid()
    repo.check(
        conn,
        territory=config.territory,
        skew_s=config.clock_skew_s,
        earliest=EARLIEST,
        grid=json.dumps({p.code: list(p.item_codes) for p in g.principles}),
        themes=", ".join(g.themes),
        categories=list(g.category_codes),
    )


def _apply_policy(conn: psycopg.Connection[Any], principal: Principal) -> None:
    """The API's write policy, once per (walk, kind) of the file."""
    for walk_id, kind in repo.walks_and_kinds(conn):
        walk: WalkRef | None = walks_repo.get_ref(conn, walk_id) if walk_id else None
        try:
            policy.check_write_observation(principal, Kind(kind), walk)
        except DomainError as exc:
            repo.refuse(conn, walk_id, kind, exc.message)
