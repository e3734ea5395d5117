"""``cartegalite report``: the printable walk report (kit de restitution), as HTML or PDF.

PDF is printed by headless Chromium (Debian package ``chromium``) driven by Playwright; without
it, the command says which package to install and still writes nothing half-done.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from accounts.models import Principal, Role
from app.configs import planning_config_from
from app.pdf import ChromiumMissing, html_to_pdf
from app.reports import render_report
from app.settings import Settings
from cli import runtime
from geo.errors import Invalid
from geo.postgis import connect
from planning import report
from planning.report import Version

app = typer.Typer(help="Rapports imprimables (kit de restitution).", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

OPERATOR = Principal(role=Role.ADMIN, token_id=0, login="cli")
"""Who the command acts as: the operator of the instance, who holds the database itself."""


@app.command("walk")
def walk(
    walk_id: Annotated[str, typer.Argument(help="Identifiant de la marche (UUID)")],
    out_path: Annotated[
        Path, typer.Option("--out", "-o", help="Fichier à écrire : rapport.html ou rapport.pdf")
    ],
    version: Annotated[
        Version, typer.Option(help="restitution, ou bilan (à un an : ce qui a été fait)")
    ] = Version.RESTITUTION,
) -> None:
    """Écrit le rapport d'une marche (HTML autonome ou PDF A4)."""
    suffix = out_path.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        err.print(
            f"[red]erreur :[/] extension non prise en charge : {out_path.name} (.html ou .pdf)"
        )
        raise typer.Exit(2)
    try:
        ident = uuid.UUID(walk_id)
    except ValueError as exc:
        err.print(f"[red]erreur :[/] identifiant de marche invalide : {walk_id!r}")
        raise typer.Exit(2) from exc
    settings = Settings.from_env()
    with runtime.cli_errors(ChromiumMissing):
        url = runtime.database_url(settings)
        with (
            connect(url, autocommit=True) as conn,
            out.status("rassemblement des données de la marche…"),
        ):
            body = report.walk_report(
                conn, OPERATOR, ident, planning_config_from(settings), version
            )
        page = render_report(body, inline_css=True)
        tmp = out_path.with_name(f".{out_path.name}.part")
        if suffix == ".pdf":
            with out.status("impression PDF avec Chromium…"):
                html_to_pdf(page, tmp)
        else:
            tmp.write_text(page, encoding="utf-8")
        tmp.replace(out_path)
    out.print(
        f"{body['version_label']} de « {body['walk']['title']} » écrit dans {out_path} "
        f"({out_path.stat().st_size // 1024} Kio)"
    )


@app.command("evaluation")
def evaluation_cmd(
    out_path: Annotated[
        Path, typer.Option("--out", "-o", help="Fichier à écrire : evaluation.html ou .pdf")
    ],
    year: Annotated[int | None, typer.Option(help="Année civile (défaut : cette année)")] = None,
    territory_id: Annotated[
        str | None, typer.Option("--territory", help="Territoire (défaut : celui de l'instance)")
    ] = None,
) -> None:
    """Écrit l'évaluation annuelle de l'Enjeu 3 d'un territoire (HTML autonome ou PDF A4)."""
    from app import planning_pages
    from app.reports import render_evaluation
    from geo import territory
    from planning import evaluation
    from planning.models import current_year

    suffix = out_path.suffix.lower()
    settings = Settings.from_env()
    with runtime.cli_errors(ChromiumMissing):
        if suffix not in (".html", ".htm", ".pdf"):
            raise Invalid(f"extension non prise en charge : {out_path.name} (.html ou .pdf)")
        with connect(runtime.database_url(settings), autocommit=True) as conn:
            area = territory.get(conn, territory_id or settings.territory)
            result = evaluation.evaluate(
                conn, area.id, area.name, year or current_year(), settings.public_min_count
            )
        page = render_evaluation(planning_pages.evaluation(result), inline_css=True)
        tmp = out_path.with_name(f".{out_path.name}.part")
        if suffix == ".pdf":
            with out.status("impression PDF avec Chromium…"):
                html_to_pdf(page, tmp)
        else:
            tmp.write_text(page, encoding="utf-8")
        tmp.replace(out_path)
    out.print(f"évaluation {result.year} de « {area.name} » écrite dans {out_path}")
