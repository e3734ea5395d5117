"""Start-up of a database: migrations, then the default QPV, actors and schools when the
database has none (shared by the CLI, the service and the benchmarks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console

from accounts import service as accounts
from app.settings import Settings
from geo.migrate import migrate
from geo.postgis import connect

console = Console(stderr=True)
"""Where start-up says what it imported (standard error: the CLI's output stays clean)."""


def prepare(settings: Settings, url: str) -> None:
    """Apply migrations, import the QPV when none are stored, bootstrap the admin token."""
    from geo import qpv  # geopandas: imported only when needed (CLI start-up time)

    with connect(url, autocommit=True) as conn:
        applied = migrate(conn)
        if applied:
            console.print(
                f"migrations appliquées : {', '.join(f'{m.version:04d}' for m in applied)}"
            )
        if qpv.count(conn) == 0:
            _import_default_qpv(conn, settings)
        _import_default_actors(conn, settings)
        _import_default_schools(conn, settings)
        if settings.admin_token:
            accounts.bootstrap_admin(conn, settings.admin_token)


def _import_default_qpv(conn: psycopg.Connection[Any], settings: Settings) -> None:
    from geo import qpv

    source = settings.qpv_source
    if source is None or not Path(source).exists():
        console.print(
            "[yellow]aucun QPV en base et aucun fichier source trouvé[/] : "
            "cartegalite qpv import CHEMIN|URL (voir data/qpv/manifest.toml)"
        )
        return
    read = qpv.read_qpv(source)
    with conn.transaction():
        summary = qpv.upsert(conn, read)
    console.print(
        f"QPV importés depuis {source} : {summary.total} (génération {summary.generation})"
    )
    codes = Path(source).with_name("qpv_2024_codes_dep44.csv")
    if codes.exists() and qpv.count(conn, 2024) == 0:
        from geo.qpv.read import read_2024_codes
        from geo.qpv.repo import carry_contours

        with conn.transaction():
            n = carry_contours(conn, read_2024_codes(codes), APPROX_SOURCE)
        console.print(f"QPV 2024 (contours 2015, approximatifs) : {n}")


def _import_default_actors(conn: psycopg.Connection[Any], settings: Settings) -> None:
    from actors.importer import import_if_empty

    summary = import_if_empty(conn, settings.actors_source)
    if summary is not None:
        console.print(
            f"acteurs importés depuis {settings.actors_source} : {summary.inserted} "
            f"({len(summary.rejected)} ligne(s) refusée(s))"
        )


def _import_default_schools(conn: psycopg.Connection[Any], settings: Settings) -> None:
    from exhibitions import service as exhibitions
    from exhibitions.annuaire import read_schools

    source = settings.schools_source
    row = conn.execute("SELECT EXISTS (SELECT 1 FROM school)").fetchone()
    if (row and row[0]) or source is None or not source.is_file():
        return
    ep = source.with_name("education_prioritaire_colleges_publics_dep44.csv")
    read = read_schools(source, education_prioritaire=ep if ep.is_file() else None)
    report = exhibitions.import_schools(conn, read, settings.territory)
    console.print(f"établissements importés depuis {source} : {report.kept}")


APPROX_SOURCE = "codes 2024 (ANCT) + contour 2015 du même numéro — périmètre approximatif"
