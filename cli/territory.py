"""``cartegalite territory add|list|show``: territories as data (issue 20). A territory comes
from a TOML description or a file of communes (official layouts); ``--qpv`` imports its QPV
with the existing importer in the same run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.settings import Settings
from cli import runtime
from geo import territories
from geo.errors import Invalid
from geo.migrate import migrate
from geo.postgis import connect

app = typer.Typer(help="Territoires (villes, métropoles) servis par l'instance.")
out = Console()


@app.command("add")
def add(
    source: Annotated[Path, typer.Argument(help="territoire.toml, ou fichier des communes")],
    territory_id: Annotated[
        str | None, typer.Option("--id", help="Identifiant (avec un fichier des communes)")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Nom (avec un fichier des communes)")] = None,
    host: Annotated[
        list[str] | None, typer.Option(help="Nom d'hôte qui sert ce territoire (répétable)")
    ] = None,
    qpv: Annotated[
        str | None, typer.Option(help="Fichier ou URL des QPV du territoire (importeur QPV)")
    ] = None,
    generation: Annotated[int | None, typer.Option(help="Génération des QPV importés")] = None,
) -> None:
    """Ajoute (ou remplace) un territoire : ses communes, son emprise, ses hôtes."""
    settings = Settings.from_env()
    with runtime.cli_errors():
        if source.suffix.lower() == ".toml":
            spec = territories.spec_from_toml(source)
        else:
            if not territory_id or not name:
                raise Invalid("avec un fichier des communes, donnez --id et --name")
            spec = territories.spec_from_communes(source, territory_id, name, host or ())
        read = None
        if qpv:
            from geo import qpv as qpv_files  # geopandas: imported only when needed

            read = qpv_files.read_qpv(qpv, generation=generation)
        with connect(runtime.database_url(settings), autocommit=True) as conn:
            migrate(conn)
            with conn.transaction():
                territories.save(conn, spec)
                summary = qpv_files.upsert(conn, read) if read is not None else None
            row = territories.one(conn, spec.id)
    out.print(
        f"territoire {row.id} « {row.name} » : {row.communes} commune(s), {row.qpv} QPV, "
        f"hôtes : {', '.join(row.hosts) or '—'}"
    )
    if summary is not None:
        out.print(
            f"QPV {summary.generation} : {summary.inserted} ajouté(s), "
            f"{summary.updated} remplacé(s)"
        )


@app.command("list")
def list_cmd() -> None:
    """Liste les territoires."""
    settings = Settings.from_env()
    with runtime.cli_errors(), connect(runtime.database_url(settings), autocommit=True) as conn:
        rows = territories.all_territories(conn)
    table = Table(title=f"{len(rows)} territoire(s)")
    console = Console()  # built now: the width of the terminal (COLUMNS) of this run
    for column in ("id", "nom", "communes", "QPV", "hôtes", "par défaut"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.id,
            r.name,
            str(r.communes),
            str(r.qpv),
            ", ".join(r.hosts) or "—",
            "oui" if r.id == settings.territory else "",
        )
    console.print(table)


@app.command("show")
def show(territory_id: Annotated[str, typer.Argument(help="Identifiant du territoire")]) -> None:
    """Montre un territoire : communes, QPV, emprise, lignes d'aide, contacts."""
    settings = Settings.from_env()
    with runtime.cli_errors(), connect(runtime.database_url(settings), autocommit=True) as conn:
        row = territories.one(conn, territory_id)
        communes = territories.communes_of(conn, territory_id)
    out = Console(soft_wrap=True)  # paths and lists on one line each, whatever the width
    out.print(f"[bold]{row.id}[/] « {row.name} »")
    out.print(f"emprise : {', '.join(f'{v:.4f}' for v in row.bounds)}")
    out.print(f"générations QPV : {', '.join(map(str, row.qpv_generations))} ; {row.qpv} QPV")
    out.print(f"hôtes : {', '.join(row.hosts) or '—'}")
    helplines = row.helplines_file or "celles de l'instance"
    out.print(f"lignes d'aide : {helplines}")
    out.print(f"source : {row.source or '—'}")
    for c in row.contacts:
        out.print("contact : " + ", ".join(f"{k} {v}" for k, v in c.items()))
    out.print(f"communes ({len(communes)}) : " + ", ".join(f"{n} ({c})" for c, n in communes))
