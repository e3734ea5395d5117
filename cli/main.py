"""``cartegalite`` entry point: serve, db, migrate, qpv."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from app import bootstrap
from app.settings import Settings
from cli import actors as actors_cli
from cli import bench as bench_cli
from cli import maps as maps_cli
from cli import printing as printing_cli
from cli import privacy as privacy_cli
from cli import report as report_cli
from cli import runtime
from cli import schools as schools_cli
from cli import sports as sports_cli
from cli import surveys as surveys_cli
from cli import territory as territory_cli
from geo.errors import DomainError
from geo.localdb import ClusterError
from geo.migrate import MigrationError, migrate
from geo.postgis import connect

app = typer.Typer(
    help="Cartégalité : cartographie et diagnostics pour l'égalité des droits.",
    no_args_is_help=True,
)
db_app = typer.Typer(
    help="Le serveur PostgreSQL local du projet (quand DATABASE_URL n'est pas défini)."
)
qpv_app = typer.Typer(help="Périmètres des quartiers prioritaires (QPV).")
app.add_typer(db_app, name="db")
app.add_typer(qpv_app, name="qpv")
app.add_typer(schools_cli.app, name="schools")
app.add_typer(surveys_cli.app, name="surveys")
app.add_typer(privacy_cli.app, name="privacy")
app.add_typer(actors_cli.app, name="actors")
app.add_typer(bench_cli.app, name="bench")
app.add_typer(maps_cli.app, name="map")
app.add_typer(report_cli.app, name="report")
app.add_typer(printing_cli.app, name="print")
app.add_typer(territory_cli.app, name="territory")
app.add_typer(sports_cli.app, name="sports")

out = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    return Settings.from_env()


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]erreur :[/] {message}")
    return typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Adresse d'écoute (défaut : HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (défaut : PORT)")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Processus uvicorn (défaut : WEB_CONCURRENCY)")
    ] = None,
) -> None:
    """Prépare la base (locale si DATABASE_URL n'est pas défini) puis sert l'application."""
    import uvicorn

    settings = _settings()
    try:
        url = runtime.database_url(settings)
        bootstrap.prepare(settings, url)
    except (ClusterError, MigrationError, DomainError) as exc:
        raise _fail(str(exc)) from exc
    host = host or settings.host
    port = port or settings.port
    os.environ["DATABASE_URL"] = url
    base = f"http://{host}:{port}"
    out.print(f"[bold]Cartégalité[/] sur {base}/")
    out.print(f"  carte des QPV : {base}/cartes/qpv")
    out.print(f"  API (OpenAPI) : {base}/docs")
    out.print(f"  santé         : {base}/health")
    uvicorn.run(
        "api.main:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        log_level="info",
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )


@app.command("migrate")
def migrate_cmd() -> None:
    """Applique les migrations en attente."""
    settings = _settings()
    try:
        url = runtime.database_url(settings)
        with connect(url, autocommit=True) as conn:
            applied = migrate(conn)
    except (ClusterError, MigrationError) as exc:
        raise _fail(str(exc)) from exc
    out.print(
        f"{len(applied)} migration(s) appliquée(s)"
        + "".join(f"\n  {m.version:04d}_{m.name}" for m in applied)
    )


@db_app.command("start")
def db_start() -> None:
    """Initialise (si besoin) et démarre le PostgreSQL local sous var/."""
    settings = _settings()
    if settings.database_url:
        raise _fail("DATABASE_URL est défini : le serveur local n'est pas utilisé")
    try:
        out.print(runtime.database_url(settings))
    except ClusterError as exc:
        raise _fail(str(exc)) from exc


@db_app.command("stop")
def db_stop() -> None:
    """Arrête le PostgreSQL local."""
    cluster = runtime.local_cluster(_settings())
    out.print("arrêté" if cluster.stop() else "n'était pas démarré")


@db_app.command("status")
def db_status() -> None:
    """Dit si le PostgreSQL local tourne (code de sortie 0) ou non (3)."""
    cluster = runtime.local_cluster(_settings())
    if cluster.status():
        out.print(f"démarré : {cluster.url(runtime.DB_NAME)} (données : {cluster.data_dir})")
        return
    out.print("arrêté" if cluster.is_initialised() else "non initialisé")
    raise typer.Exit(3)


@qpv_app.command("import")
def qpv_import(
    source: Annotated[str, typer.Argument(help="Fichier (shp, gpkg, geojson, zip) ou URL http(s)")],
    generation: Annotated[
        int | None, typer.Option(help="2015 ou 2024 (détectée d'après les codes sinon)")
    ] = None,
    crs: Annotated[
        int | None, typer.Option(help="EPSG à supposer si le fichier n'en déclare pas")
    ] = None,
    repair: Annotated[
        bool, typer.Option(help="Réparer les polygones invalides (signalés)")
    ] = False,
    replace_all: Annotated[
        bool, typer.Option(help="Supprimer les QPV de la génération absents du fichier")
    ] = False,
) -> None:
    """Importe des périmètres QPV officiels (remplace, ne duplique jamais ; une transaction)."""
    from geo import qpv  # geopandas: imported only when needed (CLI start-up time)

    settings = _settings()
    try:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err
        ) as bar:
            task = bar.add_task("lecture", total=None)

            def progress(step: str, done: int, total: int) -> None:
                bar.update(task, description=step, completed=done, total=total)

            read = qpv.read_qpv(
                source, generation=generation, crs=crs, repair=repair, progress=progress
            )
            url = runtime.database_url(settings)
            with connect(url, autocommit=True) as conn:
                migrate(conn)
                bar.update(task, description="écriture")
                with conn.transaction():
                    summary = qpv.upsert(conn, read, replace_all=replace_all)
    except DomainError as exc:
        raise _fail(exc.message) from exc
    except (ClusterError, MigrationError) as exc:
        raise _fail(str(exc)) from exc
    out.print(
        f"QPV {summary.generation} : {summary.inserted} ajouté(s), {summary.updated} remplacé(s)"
        + (f", {summary.removed} supprimé(s)" if summary.removed else "")
        + f" — source : {read.known_as or read.source} (sha256 {read.sha256[:12]}…)"
    )
    if read.repaired:
        out.print(f"[yellow]polygones réparés :[/] {', '.join(read.repaired)}")
    for line in summary.unfilled:
        out.print(f"[yellow]non renseigné[/] {line}", highlight=False)


@qpv_app.command("derive-2024")
def qpv_derive_2024(
    codes_csv: Annotated[
        Path, typer.Argument(help="Liste des codes 2024 avec le code 2015 du même numéro")
    ],
) -> None:
    """Crée les QPV 2024 sans périmètre officiel disponible à partir du contour 2015 du même
    numéro, marqués « approximatifs » (jamais à la place d'un périmètre officiel)."""
    from geo.qpv.read import read_2024_codes
    from geo.qpv.repo import carry_contours

    settings = _settings()
    try:
        pairs = read_2024_codes(codes_csv)
        with connect(runtime.database_url(settings), autocommit=True) as conn:
            migrate(conn)
            with conn.transaction():
                written = carry_contours(conn, pairs, bootstrap.APPROX_SOURCE)
    except DomainError as exc:
        raise _fail(exc.message) from exc
    out.print(f"QPV 2024 approximatifs écrits : {written} sur {len(pairs)} codes")


if __name__ == "__main__":  # python -m cli.main
    app()
