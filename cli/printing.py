"""``cartegalite print …``: the campaign kit on paper — a printed directory of a QPV or commune
(A4 PDF) and campaign posters (A3/A4 PDF), each with a QR code counted per place of display.
PDF by headless Chromium (Debian package ``chromium``); ``.html`` writes the page instead."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import psycopg
import typer
from rich.console import Console

from actors import campaign_kit
from actors.campaign_kit import Area
from app import printed
from app.pdf import ChromiumMissing, html_to_pdf
from app.settings import Settings
from cli import runtime
from geo.errors import Invalid
from geo.postgis import connect

app = typer.Typer(help="Annuaires imprimés et affiches de la campagne.", no_args_is_help=True)
out = Console()

Out = Annotated[
    Path, typer.Option("--out", "-o", help="Fichier à écrire : .pdf (Chromium) ou .html")
]


def _write(page_html: str, out_path: Path, paper: str) -> None:
    suffix = out_path.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise Invalid(f"extension non prise en charge : {out_path.name} (.pdf ou .html)")
    tmp = out_path.with_name(f".{out_path.name}.part")
    if suffix == ".pdf":
        with out.status("impression PDF avec Chromium…"):
            html_to_pdf(page_html, tmp, paper, running_heads=False)
    else:
        tmp.write_text(page_html, encoding="utf-8")
    tmp.replace(out_path)


def _area(
    conn: psycopg.Connection[Any], settings: Settings, qpv: str | None, commune: str | None
) -> Area:
    if bool(qpv) == bool(commune):
        raise Invalid("donnez --qpv CODE ou --commune INSEE (l'un des deux)")
    if qpv:
        return campaign_kit.qpv_area(conn, qpv, settings.qpv_generation)
    return campaign_kit.commune_area(conn, str(commune))


@app.command("annuaire")
def annuaire(
    out_path: Out,
    qpv: Annotated[str | None, typer.Option(help="Code du quartier (QPV), ex. QP044007")] = None,
    commune: Annotated[str | None, typer.Option(help="Code INSEE de la commune")] = None,
) -> None:
    """Écrit l'annuaire imprimé (A4) des lieux d'aide les plus proches d'un quartier ou d'une
    commune, par besoin, avec AlloNantes, le 3919, le 39 28 et un QR code."""
    settings = Settings.from_env()
    with runtime.cli_errors(ChromiumMissing):
        url = runtime.database_url(settings)
        with connect(url, autocommit=True) as conn:
            area = _area(conn, settings, qpv, commune)
            page = printed.directory_page(
                conn,
                settings.territory,
                area,
                settings.base_url,
                "cli",
                settings.helplines_file,
            )
        _write(printed.directory_html(page), out_path, "A4")
    places = sum(len(n.places) for n in page.needs)
    out.print(
        f"annuaire « {page.area_name} » : {places} lieux en {len(page.needs)} besoins, "
        f"QR code → {page.url} ; écrit dans {out_path}"
    )


@app.command("affiche")
def affiche(
    out_path: Out,
    lieu: Annotated[str, typer.Option(help="Lieu d'affichage, ex. « Médiathèque Jacques Demy »")],
    format_: Annotated[str, typer.Option("--format", help="A4 ou A3")] = "A4",
    qpv: Annotated[str | None, typer.Option(help="Quartier du lieu (QPV), facultatif")] = None,
    commune: Annotated[str | None, typer.Option(help="Commune du lieu (INSEE), facultatif")] = None,
) -> None:
    """Écrit une affiche de la campagne (A3 ou A4) avec un QR code propre à son lieu
    d'affichage (les visites sont comptées par lieu et par mois)."""
    settings = Settings.from_env()
    paper = format_.upper()
    with runtime.cli_errors(ChromiumMissing):
        if paper not in printed.PAPERS:
            raise Invalid(f"format inconnu : {format_} (A4 ou A3)")
        if not campaign_kit.slug(lieu):
            raise Invalid("--lieu : nom du lieu d'affichage attendu")
        url = runtime.database_url(settings)
        with connect(url, autocommit=True) as conn:
            area = _area(conn, settings, qpv, commune) if (qpv or commune) else None
            page = printed.poster_page(
                conn,
                lieu,
                paper,
                area,
                settings.base_url,
                "cli",
                settings.helplines_file,
            )
        _write(printed.poster_html(page), out_path, paper)
    out.print(f"affiche {paper} « {lieu} » : QR code → {page.url} ; écrit dans {out_path}")
