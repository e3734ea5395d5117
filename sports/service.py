"""Importing the census of sports equipment: a file path or a URL, one transaction, every
refused row with its reason, source and date kept on every facility."""

from __future__ import annotations

import tempfile
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg

from geo.errors import Invalid
from sports import importer, repo

DEFAULT_SOURCE = "Data ES — recensement des équipements sportifs (ministère des Sports)"


@dataclass
class Summary:
    source: str
    source_date: date
    read: int = 0
    inserted: int = 0
    updated: int = 0
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    in_qpv: int = 0
    near_qpv: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_date": self.source_date.isoformat(),
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "in_qpv": self.in_qpv,
            "near_qpv": self.near_qpv,
            "refused": [
                {"line": line, "equip_numero": ident, "reason": reason}
                for line, ident, reason in self.refused
            ],
        }


def fetch(source: str) -> tuple[bytes, str]:
    """The bytes of a local file or an ``http(s)://`` URL, and a label for messages."""
    if source.startswith(("http://", "https://")):
        with tempfile.TemporaryDirectory(prefix="data-es-") as tmp:
            target = Path(tmp) / "data-es.csv"
            try:
                with urllib.request.urlopen(source, timeout=120) as resp:  # noqa: S310 (http(s) only)
                    target.write_bytes(resp.read(importer.MAX_BYTES + 1))
            except OSError as exc:
                raise Invalid(f"téléchargement impossible : {source} ({exc})") from exc
            return target.read_bytes(), source
    path = Path(source)
    if not path.is_file():
        raise Invalid(f"fichier introuvable : {source}")
    return path.read_bytes(), path.name


def import_source(
    conn: psycopg.Connection[Any],
    source: str,
    source_date: date,
    generation: int,
    source_label: str = DEFAULT_SOURCE,
    by_login: str | None = None,
) -> Summary:
    """Read, check and store a Data ES export (nothing written when the file is not one)."""
    data, label = fetch(source)
    read = importer.read_csv(data, label)
    summary = Summary(
        f"{source_label} ({label})",
        source_date,
        read=len(read.facilities) + len(read.refused),
        refused=read.refused,
    )
    records = [
        {**importer.as_record(f), "source": summary.source, "source_date": source_date}
        for f in read.facilities
    ]
    with conn.transaction():
        summary.inserted, summary.updated = repo.upsert(conn, records)
        ids = [r["id"] for r in records]
        repo.attach_qpv(conn, generation, ids)
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE qpv_distance_m = 0), "
            "count(*) FILTER (WHERE qpv_distance_m > 0) FROM sport_facility WHERE id = ANY(%s)",
            (ids,),
        ).fetchone()
        if row:
            summary.in_qpv, summary.near_qpv = int(row[0]), int(row[1])
        repo.record_import(conn, summary.source, source_date, by_login, summary.as_dict())
    return summary


def collection(conn: psycopg.Connection[Any], territory_id: str | None, qpv: str | None) -> str:
    """The facilities ``territory_id`` sees (of one QPV when given), as GeoJSON text."""
    return repo.collection(conn, territory_id, qpv.strip().upper() if qpv else None)


def choices(conn: psycopg.Connection[Any], territory_id: str) -> list[tuple[str, str]]:
    """The facilities a counting session can be held at (attached to a QPV)."""
    return repo.choices(conn, territory_id)
