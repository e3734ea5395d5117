"""``cartegalite actors …`` on a real PostGIS."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from typer.testing import CliRunner

from cli.main import app
from tests.smtp import SmtpInbox, bodies, links_in

runner = CliRunner()


def test_import_reports_and_reimport_changes_nothing(
    db_url: str, actors_file: Path, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": db_url, "COLUMNS": "200"}
    rejects = tmp_path / "refus.json"
    first = runner.invoke(
        app, ["actors", "import", str(actors_file), "--rejects", str(rejects)], env=env
    )
    assert first.exit_code == 0, first.output
    assert "ligne 57 importée, à vérifier" in first.output and "horaires illisibles" in first.output
    detail = json.loads(rejects.read_text())
    assert detail["inserted"] == 101 and detail["rejected"] == [] and len(detail["flagged"]) == 2
    second = runner.invoke(app, ["actors", "import", str(actors_file)], env=env)
    assert second.exit_code == 0
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM actor").fetchone() == (101,)
        imports = conn.execute("SELECT count(*) FROM actor_import").fetchone()
    assert imports == (2,)


def test_export_campaign_and_missing_file(db_url: str, actors_file: Path, tmp_path: Path) -> None:
    env = {"DATABASE_URL": db_url, "COLUMNS": "200"}
    assert runner.invoke(app, ["actors", "import", str(actors_file)], env=env).exit_code == 0
    out = tmp_path / "export.json"
    exported = runner.invoke(app, ["actors", "export", str(out)], env=env)
    assert exported.exit_code == 0
    assert len(json.loads(out.read_text())["structures"]) == 101
    campaign_csv = tmp_path / "campagne.csv"
    campaign = runner.invoke(app, ["actors", "campaign", "--csv", str(campaign_csv)], env=env)
    assert campaign.exit_code == 0 and "101 acteur(s) à revérifier" in campaign.output
    assert len(campaign_csv.read_text().splitlines()) == 102
    missing = runner.invoke(app, ["actors", "import", str(tmp_path / "absent.csv")], env=env)
    assert missing.exit_code == 1 and "introuvable" in missing.output


def test_campaign_send_mails_each_place_its_own_link(actors_db_url: str, inbox: SmtpInbox) -> None:
    """``actors campaign --send``: one e-mail per place to re-verify with an address, each
    holding a link to the public address of the settings; without SMTP, a clear error."""
    env = {"DATABASE_URL": actors_db_url, "COLUMNS": "200"}
    no_smtp = runner.invoke(app, ["actors", "campaign", "--send"], env=env)
    assert no_smtp.exit_code == 1 and "CARTEGALITE_SMTP_HOST" in no_smtp.output
    env |= {
        "CARTEGALITE_SMTP_HOST": "127.0.0.1",
        "CARTEGALITE_SMTP_PORT": str(inbox.server_address[1]),
        "CARTEGALITE_PUBLIC_URL": "https://aide.example.org/",
    }
    sent = runner.invoke(app, ["actors", "campaign", "--send"], env=env)
    assert sent.exit_code == 0, sent.output
    mails = bodies(inbox)
    with psycopg.connect(actors_db_url) as conn:
        expected = conn.execute(
            "SELECT count(*) FROM actor WHERE courriel IS NOT NULL AND status <> 'fermee'"
        ).fetchone()
    assert expected is not None and len(mails) == expected[0] > 40
    assert f"liens envoyés : {len(mails)}" in sent.output
    links = [links_in(text, "/mise-a-jour/") for _, _, text in mails]
    assert all(
        len(found) == 1 and found[0].startswith("https://aide.example.org/mise-a-jour/")
        for found in links
    )
    assert len({found[0] for found in links}) == len(mails)  # one distinct link each
