"""``cartegalite bench``: seed the benchmark database, run the benchmarks (not tests)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    help="Bancs d'essai : données de test et mesures (base séparée, jamais la vôtre).",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)


@app.command("seed")
def seed_cmd(
    observations: Annotated[int, typer.Option(min=1, help="Observations à générer")] = 1_000_000,
    actors: Annotated[int, typer.Option(min=1, help="Lieux d'aide synthétiques")] = 100_000,
    seed: Annotated[int, typer.Option(help="Graine du hasard (données reproductibles)")] = 44,
) -> None:
    """Recrée la base de banc d'essai et y charge des données plausibles (Nantes Métropole)."""
    from bench import db
    from bench.seed import Plan
    from bench.seed import seed as run_seed
    from cli import runtime
    from geo.postgis import connect

    plan = Plan(observations=observations, actors=actors, seed=seed)
    url = db.recreate()
    with runtime.progress_bar() as bar, connect(url, autocommit=True) as conn:
        tasks: dict[str, object] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done)  # type: ignore[arg-type]

        counts = run_seed(conn, plan, progress)
    out.print(
        "base de banc d'essai : "
        + ", ".join(f"{n:,} {table}".replace(",", " ") for table, n in counts.items())
    )


@app.command("run")
def run_cmd(
    quick: Annotated[
        bool, typer.Option(help="Tailles réduites et mesures courtes (~2 min)")
    ] = False,
    workers: Annotated[
        int | None, typer.Option(min=1, max=16, help="Processus uvicorn (défaut : recommandé)")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option(help="Seulement ces scénarios (submit, nearest, ogc…)")
    ] = None,
    write: Annotated[bool, typer.Option(help="Écrire bench/RESULTS.md")] = True,
) -> None:
    """Lance les bancs d'essai (service tel que déployé, wrk) et affiche le tableau des ratios."""
    from bench.runner import Config, run

    config = Config.make(quick=quick, workers=workers, only=tuple(only or ()))
    run(config, write=write)
