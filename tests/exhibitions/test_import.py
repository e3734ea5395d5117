"""Importing the real collèges: territory filter, upsert by UAI, éducation prioritaire join."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
from typer.testing import CliRunner

from cli.main import app
from exhibitions import repo, service
from exhibitions.annuaire import read_schools
from exhibitions.models import Priority


def _shared(schools_dir: Path, name: str) -> list[dict[str, Any]]:
    return [f["properties"] for f in json.loads((schools_dir / name).read_text())["features"]]


def test_department_file_keeps_the_metropole_and_reports_the_rest(
    bare_conn: psycopg.Connection[Any], schools_dir: Path
) -> None:
    props = _shared(schools_dir, "colleges_dep44.geojson")
    in_metropole = {p["uai"] for p in props if p["nantes_metropole"]}
    read = read_schools(schools_dir / "colleges_dep44.geojson")
    assert len(read.records) == len(props) == 175 and read.skipped == []

    report = service.import_schools(bare_conn, read, "nantes-metropole")

    assert (report.inserted, report.updated) == (76, 0)
    assert len(report.outside) == 99
    stored = {r[0] for r in bare_conn.execute("SELECT uai FROM school")}
    assert stored == in_metropole
    assert {s.uai for s in report.outside} == {p["uai"] for p in props} - in_metropole
    # The territory's envelope also covers parts of neighbouring communes: those are refused
    # for their commune, the others for their position.
    reasons = {s.uai: s.reason for s in report.outside}
    treillieres = next(p["uai"] for p in props if p["commune"] == "Treillières")
    assert reasons[treillieres].startswith("commune Treillières 44209 hors de la zone couverte")
    saint_nazaire = next(p["uai"] for p in props if p["commune"] == "Saint-Nazaire")
    assert reasons[saint_nazaire].startswith("position [")


def test_reimport_updates_by_uai_and_never_duplicates(
    bare_conn: psycopg.Connection[Any], schools_dir: Path
) -> None:
    read = read_schools(schools_dir / "colleges_nantes_metropole.geojson")
    first = service.import_schools(bare_conn, read, "nantes-metropole")
    bare_conn.execute("UPDATE school SET name = 'changé' WHERE uai = '0440286X'")
    second = service.import_schools(bare_conn, read, "nantes-metropole")
    assert (first.inserted, first.updated) == (76, 0)
    assert (second.inserted, second.updated) == (0, 76)
    assert repo.count_schools(bare_conn) == 76
    debussy = repo.get_school(bare_conn, "0440286X")
    assert debussy is not None and debussy.name == "Collège Claude Debussy"


def test_education_prioritaire_join_sets_rep_status_and_ips(
    bare_conn: psycopg.Connection[Any], schools_dir: Path
) -> None:
    ep_csv = schools_dir / "education_prioritaire_colleges_publics_dep44.csv"
    rows = [line.split(",") for line in ep_csv.read_text().splitlines()[1:]]
    expected = {r[0]: r[2] for r in rows}
    read = read_schools(
        schools_dir / "colleges_nantes_metropole.geojson", education_prioritaire=ep_csv
    )
    service.import_schools(bare_conn, read, "nantes-metropole")
    stored = dict(bare_conn.execute("SELECT uai, priority FROM school WHERE priority IS NOT NULL"))
    labels = {"rep_plus": "REP+", "rep": "REP", "hors_ep": "hors EP"}
    assert read.ep_matched == len(stored) == 37  # the public, non-SEGPA collèges of the metropole
    assert {uai: labels[p] for uai, p in stored.items()} == {u: expected[u] for u in stored}
    assert stored["0440286X"] == Priority.REP_PLUS


def test_loire_atlantique_territory_keeps_all_175(
    bare_conn: psycopg.Connection[Any], schools_dir: Path
) -> None:
    read = read_schools(schools_dir / "colleges_dep44.geojson")
    report = service.import_schools(bare_conn, read, "loire-atlantique")
    assert (report.kept, len(report.outside)) == (175, 0)


def test_cli_import_prints_a_summary(db_url: str, schools_dir: Path) -> None:
    """Through the command line (the test database already holds the 76: all are updates)."""
    result = CliRunner().invoke(
        app,
        ["schools", "import", str(schools_dir / "colleges_dep44.geojson"), "--show", "3"],
        env={"DATABASE_URL": db_url, "CARTEGALITE_TERRITORY": "nantes-metropole"},
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "lignes lues │ 175" in text
    assert "importés (zone couverte) │ 76" in text
    assert "dont mis à jour │ 76" in text
    assert "hors de la zone couverte (Nantes Métropole (emprise)) │ 99" in text
    assert "… et 96 autre(s)" in text
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM school").fetchone() == (76,)


def test_cli_refuses_an_unreadable_file(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "annuaire.csv"
    bad.write_text("nom;commune\nCollège X;Nantes\n")
    result = CliRunner().invoke(app, ["schools", "import", str(bad)], env={"DATABASE_URL": db_url})
    assert result.exit_code == 1
    assert "colonne UAI introuvable" in result.output
