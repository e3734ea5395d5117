"""Forward-only migration runner over ``geo/migrations/NNNN_name.sql``.

One linear schema history for the whole project. Each file runs in its own transaction, under a
session advisory lock (so two processes starting together do not race), and is recorded with a
SHA-256 checksum; an applied file whose text later changes is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import psycopg
from psycopg import errors as pg_errors

_LOCK_KEY = 727_427_001  # arbitrary, project-wide advisory lock id
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    """A migration cannot be applied (checksum drift, missing privilege, SQL error)."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available() -> list[Migration]:
    """All migration files shipped with the package, ordered by version."""
    found: dict[int, Migration] = {}
    for entry in resources.files("geo.migrations").iterdir():
        match = _NAME.match(entry.name)
        if not match:
            continue
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"two migrations share number {version:04d}")
        found[version] = Migration(version, match.group(2), entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def applied(conn: psycopg.Connection[Any]) -> dict[int, str]:
    """Version → checksum of the migrations recorded in the database."""
    exists = conn.execute("SELECT to_regclass('public.schema_migrations')").fetchone()
    if not exists or exists[0] is None:
        return {}
    rows = conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
    return {int(v): str(c) for v, c in rows}


def migrate(conn: psycopg.Connection[Any]) -> list[Migration]:
    """Apply every pending migration; return the ones applied now.

    Parameters
    ----------
    conn : psycopg.Connection
        An autocommit connection (each migration opens its own transaction).

    Raises
    ------
    MigrationError
        On checksum drift, a missing privilege to create PostGIS, or a failing statement.
    """
    if not conn.autocommit:
        raise MigrationError("migrate() needs an autocommit connection")
    conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
    try:
        _ensure_postgis(conn)
        _ensure_table(conn)
        done = applied(conn)
        news = []
        for mig in available():
            if mig.version in done:
                if done[mig.version] != mig.checksum:
                    raise MigrationError(
                        f"migration {mig.version:04d}_{mig.name} changed after being applied"
                    )
                continue
            _apply(conn, mig)
            news.append(mig)
        return news
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))


def _ensure_postgis(conn: psycopg.Connection[Any]) -> None:
    row = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
    if row:
        return
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except (pg_errors.InsufficientPrivilege, pg_errors.FeatureNotSupported) as exc:
        raise MigrationError(
            "the postgis extension is missing and this role may not create it: "
            "run CREATE EXTENSION postgis as a superuser"
        ) from exc
    except pg_errors.UndefinedFile as exc:
        raise MigrationError(
            "PostGIS is not installed on the database server (package postgresql-NN-postgis-3)"
        ) from exc


def _ensure_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def _apply(conn: psycopg.Connection[Any], mig: Migration) -> None:
    try:
        with conn.transaction():
            conn.execute(mig.sql.encode())
            conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (mig.version, mig.name, mig.checksum),
            )
    except psycopg.Error as exc:
        raise MigrationError(f"migration {mig.version:04d}_{mig.name} failed: {exc}") from exc
