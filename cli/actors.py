"""``cartegalite actors …``: import, export, update campaign, likely duplicates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from actors import export, hours, importer, quality
from actors.importer import ImportOptions
from actors.models import ImportSummary
from actors.repo import records, review, search
from app import actor_mail
from app.settings import Settings
from cli import runtime
from geo.errors import DomainError
from geo.localdb import ClusterError
from geo.migrate import MigrationError, migrate
from geo.postgis import connect

app = typer.Typer(
    help="Annuaire des acteurs d'accès aux droits et de lutte contre les discriminations."
)
out = Console()
err = Console(stderr=True)


def _url() -> str:
    try:
        return runtime.database_url(Settings.from_env())
    except ClusterError as exc:
        err.print(f"[red]erreur :[/] {exc}")
        raise typer.Exit(1) from exc


@app.command("import")
def import_cmd(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="GeoJSON, CSV ou JSON data·inclusion (défaut : CARTEGALITE_ACTORS_SOURCE)"
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Nom de la source pour les lignes qui n'en ont pas")
    ] = None,
    lenient_hours: Annotated[
        bool, typer.Option(help="Garder en texte les horaires OSM illisibles au lieu de refuser")
    ] = False,
    distance: Annotated[
        float, typer.Option(help="Doublon possible : distance maximale (m)")
    ] = importer.DUPLICATE_DISTANCE_M,
    similarity: Annotated[
        float, typer.Option(help="Doublon possible : similarité minimale des noms (0–1)")
    ] = importer.DUPLICATE_SIMILARITY,
    dry_run: Annotated[bool, typer.Option(help="Tout vérifier sans rien enregistrer")] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Écrire les lignes refusées et les doublons (JSON)")
    ] = None,
) -> None:
    """Importe des acteurs : valide chaque ligne, met à jour par source + identifiant, signale
    les doublons probables au lieu de les créer (une seule transaction)."""
    file = path or Settings.from_env().actors_source
    if file is None or not file.exists():
        err.print(f"[red]erreur :[/] fichier introuvable : {file}")
        raise typer.Exit(1)
    options = ImportOptions(source, lenient_hours, distance, similarity, "cli", dry_run)
    try:
        with connect(_url(), autocommit=True) as conn:
            migrate(conn)
            with Progress(
                TextColumn("import"), BarColumn(), MofNCompleteColumn(), console=err
            ) as bar:
                task = bar.add_task("import", total=None)
                summary = importer.import_file(
                    conn, file, options, lambda d, t: bar.update(task, completed=d, total=t)
                )
    except (DomainError, MigrationError) as exc:
        err.print(f"[red]erreur :[/] {getattr(exc, 'message', exc)}")
        raise typer.Exit(1) from exc
    _print_summary(summary)
    if rejects:
        rejects.write_text(
            json.dumps(summary.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        out.print(f"détail écrit dans {rejects}")


def _print_summary(summary: ImportSummary) -> None:
    table = Table(title=f"Import de {summary.path} ({summary.format})")
    table.add_column("résultat")
    table.add_column("lignes", justify="right")
    for label, count in (
        ("lues", summary.read),
        ("ajoutées", summary.inserted),
        ("mises à jour", summary.updated),
        ("inchangées", summary.unchanged),
        ("refusées", len(summary.rejected)),
        ("importées avec un champ invalide laissé vide", len(summary.flagged)),
        ("doublons probables (non créés)", len(summary.duplicates)),
        ("doublons déjà confirmés (ignorés)", summary.confirmed_duplicates),
        ("modifications de l'équipe conservées (champs)", summary.kept_edits),
    ):
        table.add_row(label, str(count))
    out.print(table)
    for rejected in summary.rejected:
        out.print(
            f"[yellow]ligne {rejected.row} refusée[/] ({rejected.nom or 'sans nom'}) : "
            + " ; ".join(rejected.reasons),
            markup=True,
            highlight=False,
        )
    for flagged in summary.flagged:
        out.print(
            f"[yellow]ligne {flagged.row} importée, à vérifier[/] ({flagged.nom}) : "
            + " ; ".join(flagged.reasons)
            + " — champ laissé vide, repris dans la campagne de mise à jour",
            markup=True,
            highlight=False,
        )
    for dup in summary.duplicates:
        out.print(
            f"[cyan]ligne {dup.row} : doublon probable[/] « {dup.nom} » ≈ « {dup.existing_nom} » "
            f"({dup.distance_m:.0f} m, similarité {dup.similarity:.2f})",
            highlight=False,
        )
    for note in summary.notes:
        out.print(f"note : {note}", highlight=False)


@app.command("export")
def export_cmd(
    output: Annotated[Path, typer.Argument(help="Fichier à écrire")],
    format: Annotated[
        str, typer.Option(help="datainclusion-json, datainclusion-csv ou geojson")
    ] = "datainclusion-json",
    entity: Annotated[str, typer.Option(help="structures ou services (CSV)")] = "structures",
) -> None:
    """Exporte tous les acteurs (y compris réservés aux professionnels) au schéma data·inclusion
    ou en GeoJSON."""
    viewer = search.Viewer(staff=True, today=hours.paris_now().date())
    with connect(_url(), autocommit=True) as conn:
        if format == "geojson":
            text = search.collection(conn, search.Filters(), viewer)
        else:
            actors = search.actors(conn, search.Filters(), viewer)
            text = (
                export.datainclusion_csv(actors, entity)
                if format == "datainclusion-csv"
                else json.dumps(export.datainclusion(actors), ensure_ascii=False, indent=1)
            )
    output.write_text(text, encoding="utf-8")
    out.print(f"écrit : {output}")


@app.command("campaign")
def campaign_cmd(
    threshold: Annotated[int, typer.Option(help="Score sous lequel revérifier")] = (
        quality.DEFAULT_THRESHOLD
    ),
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Écrire aussi un CSV")] = None,
    send: Annotated[
        bool,
        typer.Option(
            "--send",
            help="Envoyer à chaque acteur ayant un courriel un lien pour vérifier sa fiche "
            "(serveur CARTEGALITE_SMTP_HOST, adresse des liens CARTEGALITE_PUBLIC_URL)",
        ),
    ] = False,
) -> None:
    """Liste les acteurs à revérifier (informations anciennes ou incomplètes)."""
    settings = Settings.from_env()
    with connect(_url(), autocommit=True) as conn:
        items = quality.campaign(records.all_actors(conn), hours.paris_now().date(), threshold)
        if send:
            try:
                run = actor_mail.send_campaign(conn, settings, settings.base_url, None, threshold)
            except DomainError as exc:
                err.print(f"[red]erreur :[/] {exc.message}")
                raise typer.Exit(1) from exc
    table = Table(title=f"Campagne de mise à jour : {len(items)} acteur(s) à revérifier")
    for column in ("score", "acteur", "commune", "à demander", "contact"):
        table.add_column(column)
    for item in items:
        contact = item["telephone"] or item["courriel"] or item["site_web"] or "—"
        table.add_row(
            str(item["score"]),
            item["nom"],
            item["commune"] or "",
            "\n".join(item["missing"]),
            contact,
        )
    out.print(table)
    if csv_out:
        csv_out.write_text(quality.campaign_csv(items), encoding="utf-8")
        out.print(f"écrit : {csv_out}")
    if send:
        failed = [s for s in run.sent if s.error]
        out.print(
            f"liens envoyés : {len(run.sent) - len(failed)} ; courriels non partis : "
            f"{len(failed)} ; sans courriel (à appeler) : {len(run.without_address)} ; "
            f"déjà sollicités récemment : {run.recently_asked}"
        )
        if failed:
            raise typer.Exit(1)


@app.command("duplicates")
def duplicates_cmd(
    state: Annotated[str, typer.Option(help="a_examiner, confirme ou distinct")] = "a_examiner",
) -> None:
    """Liste les doublons probables trouvés par les imports."""
    with connect(_url(), autocommit=True) as conn:
        rows = review.list_duplicates(conn, state)
    table = Table(title=f"Doublons probables ({state}) : {len(rows)}")
    for column in ("id", "ligne importée", "acteur existant", "distance", "similarité"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]),
            f"{row['nom']} ({row['source_id']})",
            row["existing_nom"],
            f"{row['distance_m']:.0f} m",
            f"{row['similarity']:.2f}",
        )
    out.print(table)
