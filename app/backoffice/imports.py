"""A directory file imported from the back office in two steps: the uploaded file is staged
under an unguessable name, a dry run shows what would be created, updated, left unchanged,
refused (with every reason) or held as a possible duplicate, and only the confirmation imports
it for real (the same importer and rules as ``cartegalite actors import``)."""

from __future__ import annotations

import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from actors import importer
from actors.models import ImportSummary
from geo.errors import Invalid, NotFound, TooLarge

STAGING = Path(tempfile.gettempdir()) / "cartegalite-imports"
MAX_BYTES = 10 * 1024 * 1024
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_SUFFIXES = {".geojson", ".json", ".csv"}


@dataclass(frozen=True)
class Staged:
    token: str
    source: str
    """The source name recorded for rows that carry none: the uploaded file's name."""


def _source(filename: str) -> str:
    stem = Path(filename).stem
    return re.sub(r"[^\w.-]+", "_", stem)[:80] or "import"


def stage(data: bytes, filename: str) -> Staged:
    """Keep an uploaded file for its preview and confirmation; refuses other formats."""
    suffix = Path(filename).suffix.lower()
    if suffix not in _SUFFIXES:
        raise Invalid("fichier GeoJSON, JSON (data·inclusion) ou CSV attendu")
    if len(data) > MAX_BYTES:
        raise TooLarge(f"fichier trop volumineux (plus de {MAX_BYTES // 1024 // 1024} Mio)")
    if not data.strip():
        raise Invalid("fichier vide")
    STAGING.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    (STAGING / f"{token}{suffix}").write_bytes(data)
    (STAGING / f"{token}.source").write_text(_source(filename), encoding="utf-8")
    return Staged(token, _source(filename))


def staged(token: str) -> tuple[Path, str]:
    """The staged file of ``token`` and its source name (404 when unknown or gone)."""
    if not _TOKEN.match(token):
        raise NotFound("fichier préparé introuvable")
    found = [p for p in STAGING.glob(f"{token}.*") if p.suffix in _SUFFIXES]
    source = STAGING / f"{token}.source"
    if not found or not source.is_file():
        raise NotFound(
            "fichier préparé introuvable (déjà importé ou expiré) : envoyez-le à nouveau"
        )
    return found[0], source.read_text(encoding="utf-8")


def run(
    conn: psycopg.Connection[Any], token: str, login: str | None, dry_run: bool
) -> ImportSummary:
    """The dry run (preview) or the import of a staged file; the import removes the file."""
    path, source = staged(token)
    options = importer.ImportOptions(source=source, by_login=login, dry_run=dry_run)
    summary = importer.import_file(conn, path, options)
    if not dry_run:
        for leftover in STAGING.glob(f"{token}.*"):
            leftover.unlink(missing_ok=True)
    return summary
