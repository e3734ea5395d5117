"""``cartegalite privacy``: apply the retention periods (GDPR)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from accounts import audit
from app.settings import Settings
from cli import runtime
from geo.localdb import ClusterError
from geo.migrate import MigrationError, migrate
from geo.postgis import connect
from surveys import privacy

app = typer.Typer(help="Confidentialité : durées de conservation.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@app.command("purge")
def purge(
    months: Annotated[
        int | None,
        typer.Option(min=1, max=240, help="Mois de conservation (défaut : RETENTION_MONTHS)"),
    ] = None,
) -> None:
    """Efface photos, textes libres et pseudonymes plus anciens que la durée de conservation
    (les statistiques publiques ne changent pas), les jetons expirés et le vieux journal."""
    settings = Settings.from_env()
    keep = months or settings.retention_months
    try:
        with connect(runtime.database_url(settings), autocommit=True) as conn:
            migrate(conn)
            with err.status("purge en cours…"):
                counts = privacy.purge(conn, keep, settings.audit_retention_months)
            audit.record(conn, None, "retention_purge", count=sum(counts.values()))
    except (ClusterError, MigrationError) as exc:
        err.print(f"[red]erreur :[/] {exc}")
        raise typer.Exit(1) from exc
    table = Table(title=f"Purge : conservation {keep} mois")
    table.add_column("quoi")
    table.add_column("nombre", justify="right")
    labels = {
        "photos": "photos effacées",
        "observations": "observations dont le texte a été effacé",
        "participants": "pseudonymes effacés",
        "tokens": "jetons expirés supprimés",
        "audit": "lignes de journal supprimées",
    }
    for key, label in labels.items():
        table.add_row(label, str(counts.get(key, 0)))
    out.print(table)
