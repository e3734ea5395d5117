"""``cartegalite surveys``: the observation grid, demonstration data."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from api.routes.surveys_common import survey_config_from
from api.settings import Settings
from cli import runtime
from geo.errors import DomainError
from geo.localdb import ClusterError
from geo.migrate import MigrationError, migrate
from geo.postgis import connect
from surveys import demo
from surveys.grid import grid
from surveys.models import DEMO_LABEL

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
    try:
        url = runtime.database_url(settings)
        runtime.prepare(settings, url)
        with connect(url, autocommit=True) as conn:
            migrate(conn)
            written = demo.generate(conn, survey_config_from(settings), seed=seed)
    except DomainError as exc:
        err.print(f"[red]erreur :[/] {exc.message}")
        raise typer.Exit(1) from exc
    except (ClusterError, MigrationError) as exc:
        err.print(f"[red]erreur :[/] {exc}")
        raise typer.Exit(1) from exc
    out.print(
        f"[bold]{DEMO_LABEL}[/] : {written['walks']} marches, {written['participants']} "
        f"participantes, {written['observations']} observations, {written['actions']} action(s)"
    )
    out.print("agrégat public : /api/public/observations?demo=true")
