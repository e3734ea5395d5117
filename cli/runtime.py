"""What ``serve`` and the other commands share: find or start the database, prepare it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.settings import PROJECT_ROOT, Settings
from geo.errors import DomainError
from geo.localdb import ClusterError, LocalCluster, reachable_root
from geo.migrate import MigrationError

console = Console(stderr=True)

DB_NAME = "cartegalite"


@contextmanager
def cli_errors(*expected: type[Exception]) -> Iterator[None]:
    """A command's expected failures (bad input, database unreachable, failed migration, and
    ``expected``) as one French line on stderr and exit code 1; anything else is a bug."""
    others: tuple[type[Exception], ...] = (ClusterError, MigrationError, *expected)
    try:
        yield
    except DomainError as exc:
        console.print(f"[red]erreur :[/] {exc.message}")
        raise typer.Exit(1) from exc
    except others as exc:
        console.print(f"[red]erreur :[/] {exc}")
        raise typer.Exit(1) from exc


def progress_bar(transient: bool = False) -> Progress:
    """The progress bar of long commands (on stderr)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
    )


def local_cluster(settings: Settings) -> LocalCluster:
    """The project-local cluster described by the settings."""
    default_root = PROJECT_ROOT / "var" / "pg"
    root = reachable_root(PROJECT_ROOT) if settings.pg_root == default_root else settings.pg_root
    return LocalCluster(root=root, port=settings.pg_port)


def database_url(settings: Settings, start: bool = True) -> str:
    """``DATABASE_URL`` when set; otherwise the embedded cluster's URL (started if needed)."""
    if settings.database_url:
        return settings.database_url
    cluster = local_cluster(settings)
    if start:
        if cluster.start():
            console.print(
                f"[green]PostgreSQL local démarré[/] ({cluster.root}, port {cluster.port})"
            )
        cluster.create_database(DB_NAME)
    return cluster.url(DB_NAME)
