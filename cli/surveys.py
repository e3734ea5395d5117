"""``cartegalite surveys``: the observation grid, demonstration data, bulk import, the public
counts' recount."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    Progress,
    TaskID,
)
from rich.table import Table

from accounts import repo as accounts_repo
from accounts.models import Principal
from app import bootstrap
from app.settings import Settings
from cli import runtime
from geo.migrate import migrate
from geo.postgis import connect
from surveys import bulk, demo
from surveys.grid import grid
from surveys.models import DEMO_LABEL, SurveyConfig


def survey_config_from(settings: Settings) -> SurveyConfig:
    """The surveys settings (as ``api.params.surveys`` builds them, without importing
    FastAPI: CLI start-up time)."""
    from app.configs import survey_config_from as build

    return build(settings)


app = typer.Typer(help="Marches exploratoires et diagnostics GUSP.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@app.command("grid")
def show_grid() -> None:
    """Affiche la grille d'observation (six principes et leurs éléments, catégories GUSP)."""
    g = grid()
    table = Table(title="Grille des marches exploratoires")
    table.add_column("thème")
    table.add_column("principe")
    table.add_column("éléments")
    for p in g.principles:
        table.add_row(p.code, p.label, ", ".join(p.item_codes))
    out.print(table)
    out.print("Catégories GUSP : " + ", ".join(g.category_codes))


@app.command("demo")
def demo_data(
    seed: int = typer.Option(44, help="Graine du hasard (données reproductibles)"),
) -> None:
    """Génère des données de démonstration (marquées « demo »), en remplaçant les précédentes."""
    settings = Settings.from_env()
    with runtime.cli_errors():
        url = runtime.database_url(settings)
        bootstrap.prepare(settings, url)
        with connect(url, autocommit=True) as conn:
            migrate(conn)
            written = demo.generate(conn, survey_config_from(settings), seed=seed)
    out.print(
        f"[bold]{DEMO_LABEL}[/] : {written['walks']} marches, {written['participants']} "
        f"participantes, {written['observations']} observations, {written['actions']} action(s)"
    )
    out.print("agrégat public : /api/public/observations?demo=true")


@app.command("recount")
def recount(
    check: bool = typer.Option(
        False, "--check", help="Seulement comparer (code de sortie 1 si elles diffèrent)"
    ),
) -> None:
    """Recompte les effectifs publics tenus par la base (après un chargement sans déclencheurs,
    une restauration) ; avec --check, compare seulement."""
    from surveys.repo import public as counts

    settings = Settings.from_env()
    with runtime.cli_errors():
        url = runtime.database_url(settings)
        with connect(url, autocommit=True) as conn:
            migrate(conn)
            with conn.transaction():
                conn.execute("LOCK TABLE public_cell_totals IN EXCLUSIVE MODE")
                kept = counts.maintained_counts(conn), counts.maintained_totals(conn)
                true = counts.recounted(conn), counts.retotalled(conn)
                differ = sum(len(a ^ b) for a, b in zip(kept, true, strict=True))
                if not check and differ:
                    counts.rebuild(conn)
    if check:
        out.print(
            f"effectifs publics : {differ} ligne(s) différente(s)"
            if differ
            else "effectifs publics : identiques au recomptage"
        )
        raise typer.Exit(1 if differ else 0)
    out.print(
        f"effectifs publics recomptés : {differ} ligne(s) corrigée(s)"
        if differ
        else "effectifs publics : déjà identiques au recomptage"
    )


@app.command("import")
def import_observations(
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Fichier .csv ou .geojson")
    ],
    author: Annotated[
        str, typer.Option(help="Identifiant du compte qui importe (auteur des observations)")
    ],
    dry_run: Annotated[bool, typer.Option(help="Vérifier seulement, ne rien écrire")] = False,
    show: Annotated[int, typer.Option(min=0, help="Lignes refusées à afficher")] = 20,
) -> None:
    """Importe des observations (CSV ou GeoJSON) : mêmes règles que l'API, QPV attribués,
    idempotent par id (doublons comptés, conflits signalés), une seule transaction."""
    settings = Settings.from_env()
    with runtime.cli_errors():
        url = runtime.database_url(settings)
        with connect(url, autocommit=True) as conn:
            migrate(conn)
            user = accounts_repo.get_user_by_login(conn, author)
            if user is None:
                raise typer.BadParameter(f"compte inconnu : {author}", param_hint="--author")
            principal = Principal(role=user.role, token_id=0, user_id=user.id, login=user.login)
            with runtime.progress_bar(transient=True) as bar:
                report = bulk.import_file(
                    conn,
                    path,
                    principal,
                    survey_config_from(settings),
                    dry_run=dry_run,
                    show=show,
                    progress=_reporter(bar),
                )
    _print_report(report)


def _reporter(bar: Progress) -> bulk.Progress:
    tasks: dict[str, TaskID] = {}

    def progress(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total)
        bar.update(tasks[step], completed=done, total=total)

    return progress


def _print_report(report: bulk.ImportReport) -> None:
    table = Table(
        title="Import d'observations" + (" (vérification seule)" if report.dry_run else "")
    )
    table.add_column("lues", justify="right")
    table.add_column("à créer" if report.dry_run else "créées", justify="right")
    table.add_column("doublons", justify="right")
    table.add_column("conflits", justify="right")
    table.add_column("refusées", justify="right")
    table.add_row(
        *(
            str(n)
            for n in (
                report.read,
                report.created,
                report.duplicates,
                report.conflicts,
                report.invalid,
            )
        )
    )
    out.print(table)
    for p in report.problems:
        out.print(f"  enregistrement {p.record} ({p.id or 'sans id'}) : {p.status} — {p.message}")
    shown = len(report.problems)
    if report.conflicts + report.invalid > shown:
        out.print(f"  … et {report.conflicts + report.invalid - shown} autre(s)")
