"""``cartegalite map NAME --out FILE.html``: any map of ``/cartes`` as one standalone file for a
report — the same builders and the same data access rules as the app, every script, stylesheet,
image and font inlined, so the file opens offline with no server.

The command runs on the local database as an administrator (it is an operator's tool: whoever
runs it can read the database anyway); the maps it writes show what an admin sees on the site.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from accounts.models import Principal, Role
from api.main import SERVED_PACKAGES, STATIC_DIR
from app import bootstrap
from app import maps as cartes
from app.settings import Settings
from cli import runtime
from exhibitions.models import SchoolYear
from geo.errors import DomainError
from geo.localdb import ClusterError
from geo.migrate import MigrationError
from geo.postgis import connect
from maps.standalone import MissingAsset, Reader, inline_assets, vendor_path
from surveys.mapdata import MapFilters
from surveys.models import Kind, TimeSlot

app = typer.Typer(
    help="Cartes en fichiers HTML autonomes (rapports).",
    context_settings={"allow_interspersed_args": True},
)
out = Console()
err = Console(stderr=True)

CLI_PRINCIPAL = Principal(role=Role.ADMIN, token_id=0, login="cartegalite-cli")
"""Who the command acts as: an administrator on the local database."""


class MapName(StrEnum):
    SECURITE = "securite"
    PUBLIQUE = "publique"
    ACTEURS = "acteurs"
    EXPOSITIONS = "expositions"
    MARCHE = "marche"


def asset_reader(settings: Settings) -> Reader:
    """Reads ``/static/...`` URL paths from the npm packages the app serves and its own files."""

    def read(url_path: str) -> bytes:
        if url_path.startswith("/static/app/"):
            return _inside(STATIC_DIR, url_path[len("/static/app/") :]).read_bytes()
        found = vendor_path(url_path)
        if found is None or found[0] not in SERVED_PACKAGES:
            raise KeyError(url_path)
        return _inside(settings.assets_dir / found[0], found[1]).read_bytes()

    return read


def _inside(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise KeyError(relative)
    return path


@app.callback(invoke_without_command=True)
def map_command(
    name: Annotated[MapName, typer.Argument(help="La carte à écrire")],
    output: Annotated[Path, typer.Option("--out", "-o", help="Fichier HTML à écrire")],
    qpv: Annotated[str | None, typer.Option(help="Code du QPV (securite)")] = None,
    creneau: Annotated[TimeSlot | None, typer.Option(help="jour, soiree, nuit (securite)")] = None,
    theme: Annotated[str | None, typer.Option(help="Thème (securite, publique)")] = None,
    du: Annotated[str | None, typer.Option(help="Début AAAA-MM-JJ (securite)")] = None,
    au: Annotated[str | None, typer.Option(help="Fin AAAA-MM-JJ (securite)")] = None,
    non_mixte: Annotated[bool, typer.Option(help="Marches non mixtes seulement")] = False,
    kind: Annotated[Kind | None, typer.Option(help="marche ou gusp (publique)")] = None,
    generation: Annotated[int | None, typer.Option(help="QPV 2015 ou 2024")] = None,
    annee: Annotated[str | None, typer.Option(help="Année scolaire AAAA-AAAA")] = None,
    marche: Annotated[str | None, typer.Option(help="Identifiant de la marche (marche)")] = None,
    demo: Annotated[bool, typer.Option(help="Données de démonstration")] = False,
    tiles: Annotated[bool, typer.Option(help="Fond de carte (tuiles en ligne)")] = True,
) -> None:
    """Écrit une carte en un seul fichier HTML (scripts, styles, images et polices inclus)."""
    settings = Settings.from_env()
    if not tiles:
        settings = settings.with_(tile_url=None)
    gen = generation or settings.qpv_generation
    try:
        url = runtime.database_url(settings)
        bootstrap.prepare(settings, url)
        with out.status("construction de la carte…"), connect(url, autocommit=True) as conn:
            if name is MapName.SECURITE:
                filters = MapFilters(
                    start=date.fromisoformat(du) if du else None,
                    end=date.fromisoformat(au) if au else None,
                    qpv=qpv,
                    theme=theme,
                    time_slot=creneau,
                    women_only=non_mixte,
                    generation=gen,
                    demo=demo,
                )
                page = cartes.safety(conn, settings, CLI_PRINCIPAL, filters, action=None)
            elif name is MapName.PUBLIQUE:
                page = cartes.public_page(conn, settings, gen, kind, theme, demo, action=None)
            elif name is MapName.ACTEURS:
                page = cartes.actors_page(conn, settings, CLI_PRINCIPAL)
            elif name is MapName.EXPOSITIONS:
                year = SchoolYear.parse(annee) if annee else SchoolYear.of(date.today())
                page = cartes.exhibitions_page(conn, settings, gen, year)
            else:
                if not marche:
                    raise typer.BadParameter("--marche est obligatoire pour la carte d'une marche")
                page = cartes.walk_page(conn, settings, CLI_PRINCIPAL, uuid.UUID(marche))
        standalone = inline_assets(page, asset_reader(settings))
    except (DomainError, MissingAsset, ValueError) as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        err.print(f"[red]erreur :[/] {message}")
        raise typer.Exit(1) from exc
    except (ClusterError, MigrationError) as exc:
        err.print(f"[red]erreur :[/] {exc}")
        raise typer.Exit(1) from exc
    output.write_text(standalone, encoding="utf-8")
    size = len(standalone.encode("utf-8")) / 1024
    out.print(f"carte « {name.value} » écrite dans {output} ({size:,.0f} Kio, autonome)")
