"""Importing the real shared actors (101 in Loire-Atlantique) into a real PostGIS."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import psycopg
from pyproj import Geod

from actors import export, importer
from actors.importer import ImportOptions
from actors.models import ImportSummary
from actors.repo import records, search
from actors.repo.search import Filters, Viewer
from geo.postgis import connect
from tests.actors.helpers import ADMIN

MALFORMED_HOURS = "626d482bcc2a0205c7beefa7"  # « Tu 12:30 » in the médiation numérique data
MALFORMED_CONTACT = "62b02f028255a806e299e0bc"  # phone with 13 digits, a URL as e-mail
GEOD = Geod(ellps="WGS84")


def count(conn: psycopg.Connection[Any], where: str = "true", *args: Any) -> int:
    row = conn.execute(f"SELECT count(*) FROM actor WHERE {where}", args).fetchone()
    assert row is not None
    return int(row[0])


def test_the_shared_actors_are_all_imported_and_bad_fields_flagged_not_written(
    actors_import: ImportSummary, actors_conn: psycopg.Connection[Any], actors_file: Path
) -> None:
    s = actors_import
    features = json.loads(actors_file.read_text())["features"]
    assert s.read == len(features) == 101
    assert s.inserted == 101 and s.rejected == [] and s.duplicates == []
    assert {r.source_id for r in s.flagged} == {MALFORMED_HOURS, MALFORMED_CONTACT}
    reasons = {r.source_id: " ".join(r.reasons) for r in s.flagged}
    assert "horaires illisibles" in reasons[MALFORMED_HOURS]
    assert "telephone invalide" in reasons[MALFORMED_CONTACT]
    assert "courriel invalide" in reasons[MALFORMED_CONTACT]
    assert s.as_dict()["flagged"][0]["reasons"]  # the report says so
    assert count(actors_conn) == 101
    # the place is there, the malformed fields are empty and named for the campaign
    row = actors_conn.execute(
        "SELECT nom, telephone, courriel, import_issues FROM actor WHERE source_id = %s",
        (MALFORMED_CONTACT,),
    ).fetchone()
    assert row is not None and row[1] is None and row[2] is None
    assert [i.split(" ", 1)[0] for i in row[3]] == ["telephone", "courriel"]
    hours_row = actors_conn.execute(
        "SELECT horaires_accueil, import_issues FROM actor WHERE source_id = %s", (MALFORMED_HOURS,)
    ).fetchone()
    assert hours_row is not None and hours_row[0] is None
    assert hours_row[1][0].startswith("horaires_accueil")
    assert count(actors_conn, "cardinality(import_issues) > 0") == 2


def test_source_and_date_are_kept_and_phones_are_e164(actors_conn: psycopg.Connection[Any]) -> None:
    assert count(actors_conn, "source IS NULL OR source_date IS NULL OR date_maj IS NULL") == 0
    assert count(actors_conn, "telephone IS NOT NULL AND telephone !~ '^\\+33[1-9][0-9]{8}$'") == 0
    row = actors_conn.execute(
        "SELECT source, source_date, date_maj::text, telephone FROM actor WHERE source_id = '257'"
    ).fetchone()
    assert row is not None
    assert row[0].startswith("ANCT France services list 2024-08-01")
    assert row[1:] == ("2024-08-01", "2024-08-01", "+33240973523")


def test_grounds_and_domains_come_from_the_type_rule_and_say_so(
    actors_conn: psycopg.Connection[Any],
) -> None:
    rows = actors_conn.execute(
        """
        SELECT actor_type, bool_and('grounds' = ANY(derived_fields)),
               bool_and(cardinality(grounds) = 25), bool_and(derivation_rule LIKE actor_type || '@%%')
        FROM actor WHERE cardinality(grounds) > 0 GROUP BY actor_type ORDER BY 1
        """
    ).fetchall()
    assert rows == [
        ("acces_au_droit_cdad", True, True, True),
        ("defenseur_des_droits_permanence", True, True, True),
    ]
    assert count(actors_conn, "actor_type = 'france_travail_agence' AND domains = '{emploi}'") == 18


def test_hours_are_converted_where_faithful_and_kept_as_text_otherwise(
    actors_conn: psycopg.Connection[Any],
) -> None:
    origins = dict(
        actors_conn.execute(
            "SELECT hours_origin, count(*) FROM actor GROUP BY hours_origin"
        ).fetchall()
    )
    assert origins["converti"] == 33 + 4  # France services days; the delegates' office days
    assert origins["osm_source"] == 38  # médiation numérique, the malformed hours row included
    assert count(actors_conn, "hours_origin = 'converti' AND hours_text IS NOT NULL") == 4


def test_reimport_is_idempotent(actors_conn: psycopg.Connection[Any], actors_file: Path) -> None:
    before = count(actors_conn)
    again = importer.import_file(actors_conn, actors_file)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, before)
    assert count(actors_conn) == before


def noisy_copy(actors_file: Path, tmp_path: Path, new_ids: bool, seed: int = 44) -> Path:
    """The same file with every position moved by up to ~20 m (and other source ids)."""
    rng = random.Random(seed)
    doc = json.loads(actors_file.read_text())
    for feature in doc["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        azimuth, metres = rng.uniform(0, 360), rng.uniform(3, 20)
        lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, metres)
        feature["geometry"]["coordinates"] = [round(lon2, 7), round(lat2, 7)]
        if new_ids:
            feature["properties"]["source"] = "autre annuaire"
            feature["properties"]["source_id"] = f"autre-{feature['properties']['id']}"
    path = tmp_path / "noisy.geojson"
    path.write_text(json.dumps(doc))
    return path


def test_noisy_reimport_from_another_source_flags_duplicates_instead_of_creating(
    actors_conn: psycopg.Connection[Any], actors_file: Path, tmp_path: Path
) -> None:
    before = count(actors_conn)
    summary = importer.import_file(actors_conn, noisy_copy(actors_file, tmp_path, new_ids=True))
    assert summary.inserted == 0
    assert len(summary.duplicates) == before
    assert all(d.distance_m <= 25 and d.similarity == 1.0 for d in summary.duplicates)
    assert count(actors_conn) == before
    stored = actors_conn.execute("SELECT count(*) FROM actor_duplicate").fetchone()
    assert stored == (before,)
    # the same review is not repeated on the next run; confirmed ones are skipped
    dup_id = actors_conn.execute("SELECT min(id) FROM actor_duplicate").fetchone()
    assert dup_id is not None
    actors_conn.execute("UPDATE actor_duplicate SET state = 'confirme' WHERE id = %s", dup_id)
    again = importer.import_file(actors_conn, noisy_copy(actors_file, tmp_path, new_ids=True))
    assert again.confirmed_duplicates == 1 and len(again.duplicates) == before - 1
    assert actors_conn.execute("SELECT count(*) FROM actor_duplicate").fetchone() == (before,)


def test_noisy_reimport_with_the_same_ids_moves_the_actors(
    actors_conn: psycopg.Connection[Any], actors_file: Path, tmp_path: Path
) -> None:
    before = count(actors_conn)
    summary = importer.import_file(actors_conn, noisy_copy(actors_file, tmp_path, new_ids=False))
    assert (summary.inserted, summary.duplicates, summary.updated) == (0, [], before)
    events = actors_conn.execute(
        "SELECT count(*) FROM actor_event WHERE action = 'import_update' AND changes ? 'lon'"
    ).fetchone()
    assert events == (before,)


def test_dry_run_writes_nothing(actors_conn: psycopg.Connection[Any], tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    path.write_text("nom;latitude;longitude\nNouveau lieu;47,2;-1,55\n")
    summary = importer.import_file(actors_conn, path, ImportOptions(source="t", dry_run=True))
    assert summary.inserted == 1 and summary.import_id is None
    assert count(actors_conn, "nom = 'Nouveau lieu'") == 0


def test_a_row_is_refused_only_without_name_or_position(
    conn: psycopg.Connection[Any], tmp_path: Path
) -> None:
    path = tmp_path / "partenaires.csv"
    path.write_text(
        "nom;adresse;latitude;longitude;telephone;courriel;site_web;horaires_accueil;domains\n"
        "Bon lieu;1 rue A;47,2100;-1,5500;02 40 41 95 96;a@exemple.fr;https://ex.fr;Mo 09:00-12:00;emploi\n"
        "Mauvais tél;2 rue B;47,2200;-1,5600;0240;;;;\n"
        "Mauvais domaine;3 rue C;47,2300;-1,5700;;;;;cinema\n"
        "Mauvaise URL;4 rue D;47,2400;-1,5800;;;www.ex.fr;;\n"
        "Inversé;5 rue E;-1,5900;47,2500;;;;;\n"
        ";6 rue F;47,2600;-1,5600;;;;;\n",
        encoding="utf-8",
    )
    summary = importer.import_file(conn, path, ImportOptions(source="partenaires 2026"))
    assert summary.inserted == 4
    assert [r.row for r in summary.flagged] == [3, 4, 5]
    assert "valeurs possibles" in summary.flagged[1].reasons[0]
    assert [r.row for r in summary.rejected] == [6, 7]
    assert "inversées" in summary.rejected[0].reasons[0]
    assert "nom : obligatoire" in summary.rejected[1].reasons
    assert count(conn) == 4
    assert count(conn, "nom = 'Mauvais tél' AND telephone IS NULL") == 1
    good = conn.execute(
        "SELECT telephone, source_id_derived FROM actor WHERE nom = 'Bon lieu'"
    ).fetchone()
    assert good == ("+33240419596", True)


def test_data_inclusion_export_reimports_identically(
    actors_conn: psycopg.Connection[Any], db_url: str, tmp_path: Path
) -> None:
    viewer = Viewer(staff=True, today=__import__("datetime").date(2026, 12, 1))
    actors = search.actors(actors_conn, Filters(), viewer)
    path = tmp_path / "di.json"
    path.write_text(json.dumps(export.datainclusion(actors), ensure_ascii=False))
    with connect(db_url, autocommit=True) as fresh:
        summary = importer.import_file(fresh, path)
        assert summary.inserted == len(actors) and summary.rejected == []
        for actor in actors:
            copy = records.get_by_source(fresh, actor.source, actor.source_id)
            assert copy is not None
            for name in (
                "nom",
                "telephone",
                "horaires_accueil",
                "hours_text",
                "grounds",
                "domains",
                "publics",
                "date_maj",
                "source_date",
                "code_insee",
            ):
                assert getattr(copy, name) == getattr(actor, name), name
            assert abs(copy.lon - actor.lon) < 1e-9 and abs(copy.lat - actor.lat) < 1e-9


def test_import_if_empty_only_fills_an_empty_directory(
    conn: psycopg.Connection[Any], actors_conn: psycopg.Connection[Any], actors_file: Path
) -> None:
    assert importer.import_if_empty(actors_conn, actors_file) is None
    assert importer.import_if_empty(conn, None) is None
    summary = importer.import_if_empty(conn, actors_file)
    assert summary is not None and summary.inserted == count(conn) == 101


def test_the_campaign_asks_for_the_fields_left_empty_at_import(
    actors_client: Any, actors_import: ImportSummary
) -> None:
    body = actors_client.get("/api/actors/campaign", headers=ADMIN)
    assert body.status_code == 200, body.text
    items = {i["id"]: i for i in body.json()["actors"]}
    flagged = [
        i for i in items.values() if any("invalide dans la source" in m for m in i["missing"])
    ]
    assert len(flagged) == 2
    assert any(m.startswith("telephone invalide") for i in flagged for m in i["missing"])
