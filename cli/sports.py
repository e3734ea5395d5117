"""``cartegalite sports import``: the national census of sports equipment (Data ES), from a
file or a URL, attached to the QPV the facilities are in or near."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from app.settings import Settings
from cli import runtime
from geo.errors import Invalid
from geo.migrate import migrate
from geo.postgis import connect
from sports import importer, service

app = typer.Typer(help="Équipements sportifs (recensement national Data ES).")


@app.command("import")
def import_cmd(
    source: Annotated[
        str, typer.Argument(help=f"Fichier CSV ou URL (export officiel : {importer.EXPORT_URL})")
    ],
    source_date: Annotated[
        str | None,
        typer.Option("--date", help="Date de l'extraction (AAAA-MM-JJ ; défaut : aujourd'hui)"),
    ] = None,
    generation: Annotated[int | None, typer.Option(help="Génération des QPV (2015, 2024)")] = None,
) -> None:
    """Importe les équipements sportifs (remplace par equip_numero ; une transaction)."""
    out = Console(soft_wrap=True)
    settings = Settings.from_env()
    with runtime.cli_errors():
        try:
            day = date.fromisoformat(source_date) if source_date else date.today()
        except ValueError as exc:
            raise Invalid(f"--date : AAAA-MM-JJ attendu ({source_date!r})") from exc
        with connect(runtime.database_url(settings), autocommit=True) as conn:
            migrate(conn)
            summary = service.import_source(
                conn, source, day, generation or settings.qpv_generation, by_login="cli"
            )
    out.print(
        f"{summary.read} ligne(s) lue(s) : {summary.inserted} ajoutée(s), "
        f"{summary.updated} mise(s) à jour, {len(summary.refused)} refusée(s) ; "
        f"{summary.in_qpv} dans un QPV, {summary.near_qpv} à moins de 300 m d'un QPV"
    )
    for line, ident, reason in summary.refused[:50]:
        out.print(f"[yellow]refusée[/] ligne {line} ({ident}) : {reason}", highlight=False)
    if len(summary.refused) > 50:
        out.print(f"… et {len(summary.refused) - 50} autres refus")
