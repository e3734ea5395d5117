"""``cartegalite schools``: import schools from the Annuaire de l'éducation or the shared files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.settings import Settings
from cli import runtime
from exhibitions import service
from exhibitions.annuaire import Skipped, read_schools
from exhibitions.models import Level
from geo.migrate import migrate
from geo.postgis import connect

app = typer.Typer(help="Établissements scolaires (Annuaire de l'éducation).", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@app.command("import")
def import_schools(
    path: Annotated[
        Path, typer.Argument(help="CSV (; ou ,), GeoJSON ou JSON de l'annuaire, ou fichier partagé")
    ],
    education_prioritaire: Annotated[
        Path | None,
        typer.Option(
            "--education-prioritaire",
            "--ep",
            help="CSV uai, ep, ips : statut REP/REP+ et IPS joints sur l'UAI",
        ),
    ] = None,
    level: Annotated[
        Level, typer.Option(help="Niveau des lignes sans type d'établissement")
    ] = Level.COLLEGE,
    show: Annotated[int, typer.Option(help="Lignes écartées à détailler")] = 20,
) -> None:
    """Importe (ou met à jour, par UAI) les établissements de la zone couverte ; ceux qui sont
    hors de la zone ou invalides sont listés et ignorés. Une seule transaction."""
    settings = Settings.from_env()
    with (
        runtime.cli_errors(),
        Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err
        ) as bar,
    ):
        task = bar.add_task(f"lecture de {path.name}", total=None)
        read = read_schools(path, level, education_prioritaire)
        bar.update(task, description=f"{len(read.records)} établissement(s) : base de données")
        with connect(runtime.database_url(settings), autocommit=True) as conn:
            migrate(conn)
            bar.update(task, description="zone couverte et écriture")
            report = service.import_schools(conn, read, settings.territory)
    _summary(report, show)


def _summary(report: service.ImportReport, show: int) -> None:
    read = report.read
    table = Table(title=f"Import de {Path(read.source).name} (sha256 {read.sha256[:12]}…)")
    table.add_column("")
    table.add_column("établissements", justify="right")
    table.add_row("lignes lues", str(read.rows))
    table.add_row("importés (zone couverte)", str(report.kept))
    table.add_row("  dont ajoutés", str(report.inserted))
    table.add_row("  dont mis à jour", str(report.updated))
    table.add_row(f"hors de la zone couverte ({report.territory})", str(len(report.outside)))
    for reason, n in Counter(_kind(s) for s in read.skipped).most_common():
        table.add_row(f"écartés : {reason}", str(n))
    if read.ep_matched:
        table.add_row("statut REP/REP+ joint", str(read.ep_matched))
    out.print(table)
    details = [*read.skipped, *report.outside]
    for s in details[:show]:
        where = f"ligne {s.line} " if s.line else ""
        out.print(f"  {where}{s.uai or '?'} {s.name or ''} : {s.reason}")
    if len(details) > show:
        out.print(f"  … et {len(details) - show} autre(s) (--show pour en voir plus)")


def _kind(skipped: Skipped) -> str:
    return skipped.reason.split(" : ")[0].split(" (")[0]
