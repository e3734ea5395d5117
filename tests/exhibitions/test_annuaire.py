"""The national « Annuaire de l'éducation » layout in its published containers: the CSV export
(``;``, capitalised labels), the JSON exports and GeoJSON. Rows are built from the real collèges
of the shared file, plus an école, a lycée and rows that must be refused."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from exhibitions import service
from exhibitions.annuaire import read_schools
from exhibitions.models import Level, Priority, Sector
from geo.errors import Invalid

# Header of the CSV export with labels (data.education.gouv.fr, fr-en-annuaire-education).
HEADER = (  # noqa: SIM905 (the header as published, one string)
    "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;"
    "Adresse_1;Adresse_2;Adresse_3;Code_postal;Code_commune;Nom_commune;Code_departement;"
    "Code_academie;Code_region;Ecole_maternelle;Ecole_elementaire;Voie_generale;"
    "Voie_technologique;Voie_professionnelle;Telephone;Fax;Web;Mail;Restauration;Hebergement;"
    "ULIS;Apprentissage;Segpa;Section_arts;Section_cinema;Section_theatre;Section_sport;"
    "Section_internationale;Section_europeenne;Lycee_Agricole;Lycee_militaire;"
    "Lycee_des_metiers;Post_BAC;Appartenance_Education_Prioritaire;GRETA;SIREN_SIRET;"
    "Nombre_d_eleves;Fiche_onisep;Position;Type_contrat_prive;Libelle_departement;"
    "Libelle_academie;Libelle_region;Coordx_origine;Coordy_origine;Epsg_origine;"
    "Nom_circonscription;Latitude;Longitude;Precision_localisation;Date_ouverture;"
    "Date_maj_ligne;Etat;Ministere_tutelle;Multi_uai;Rpi_concentre;Rpi_disperse;Code_nature;"
    "Libelle_nature;Code_type_contrat_prive;PIAL"
).split(";")


def annuaire_rows(schools_dir: Path) -> list[dict[str, Any]]:
    """The 76 collèges of the metropole in the annuaire layout (machine names), + 5 others."""
    features = json.loads((schools_dir / "colleges_nantes_metropole.geojson").read_text())
    rows = []
    for f in features["features"]:
        p, (lon, lat) = f["properties"], f["geometry"]["coordinates"]
        rows.append(
            {
                "identifiant_de_l_etablissement": p["uai"],
                "nom_etablissement": p["nom"],
                "type_etablissement": "Collège",
                "statut_public_prive": p["secteur"],
                "adresse_1": p["adresse"],
                "code_postal": p["code_postal"],
                "code_commune": p["insee_com"],
                "nom_commune": p["commune"],
                "appartenance_education_prioritaire": (
                    p["education_prioritaire"]
                    if p["education_prioritaire"] in ("REP", "REP+")
                    else ""
                ),
                "nombre_d_eleves": p["effectif"],
                "latitude": lat,
                "longitude": lon,
                "etat": "OUVERT",
                "libelle_nature": "SEGPA" if p["section_segpa"] else "COLLEGE",
            }
        )
    base = {
        "statut_public_prive": "Public",
        "code_commune": "44109",
        "nom_commune": "Nantes",
        "etat": "OUVERT",
        "latitude": 47.2269,
        "longitude": -1.5736,
        "appartenance_education_prioritaire": "",
    }
    rows += [
        {
            **base,
            "identifiant_de_l_etablissement": "0440999X",
            "nom_etablissement": "École A",
            "type_etablissement": "Ecole",
            "appartenance_education_prioritaire": "REP",
        },
        {
            **base,
            "identifiant_de_l_etablissement": "0440021J",
            "nom_etablissement": "Lycée B",
            "type_etablissement": "Lycée",
        },
        {
            **base,
            "identifiant_de_l_etablissement": "0441552Y",
            "nom_etablissement": "EREA C",
            "type_etablissement": "EREA",
        },
        {
            **base,
            "identifiant_de_l_etablissement": "0440998W",
            "nom_etablissement": "École D",
            "type_etablissement": "Ecole",
            "etat": "FERME",
        },
        {
            **base,
            "identifiant_de_l_etablissement": "0440997V",
            "nom_etablissement": "École E",
            "type_etablissement": "Ecole",
            "latitude": "",
            "longitude": "",
        },
    ]
    return rows


def write_csv(rows: list[dict[str, Any]], path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, delimiter=";", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        labelled = {h: row.get(h.lower(), "") for h in HEADER}
        labelled["Position"] = f"{row['latitude']}, {row['longitude']}" if row["latitude"] else ""
        writer.writerow({k: "" if v is None else v for k, v in labelled.items()})
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def check(read: Any) -> None:
    assert read.layout == "annuaire"
    assert len(read.records) == 78
    reasons = {s.uai: s.reason for s in read.skipped}
    assert reasons == {
        "0441552Y": "type d'établissement non pris en charge : EREA",
        "0440998W": "établissement non ouvert (état : ferme)",
        "0440997V": "coordonnées manquantes",
    }
    by_uai = {s.uai: s for s in read.records}
    debussy = by_uai["0440286X"]
    assert (debussy.level, debussy.sector, debussy.priority) == (
        Level.COLLEGE,
        Sector.PUBLIC,
        Priority.REP_PLUS,
    )
    assert debussy.enrolment == 305 and debussy.insee_code == "44109"
    assert by_uai["0440999X"].level is Level.ECOLE and by_uai["0440999X"].priority is Priority.REP
    assert by_uai["0440021J"].level is Level.LYCEE
    assert by_uai["0440021J"].priority is Priority.HORS_EP  # empty cell, public school
    assert by_uai["0440312A"].segpa_section  # a SEGPA section with its own UAI
    private = next(s for s in read.records if s.sector is Sector.PRIVE)
    assert private.priority is None


def test_csv_export_with_labels(tmp_path: Path, schools_dir: Path) -> None:
    check(read_schools(write_csv(annuaire_rows(schools_dir), tmp_path / "annuaire.csv")))


def test_csv_in_windows_1252(tmp_path: Path, schools_dir: Path) -> None:
    path = write_csv(annuaire_rows(schools_dir), tmp_path / "annuaire.csv")
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    read = read_schools(path)
    assert len(read.records) == 78
    assert any(s.name == "Collège Anne de Bretagne" for s in read.records)
    assert any("é" in s.name for s in read.records)


def test_json_exports(tmp_path: Path, schools_dir: Path) -> None:
    rows = annuaire_rows(schools_dir)
    flat = [
        {
            **r,
            "position": {"lon": r.pop("longitude"), "lat": r.pop("latitude")}
            if r["latitude"] != ""
            else None,
        }
        for r in rows
    ]
    (tmp_path / "flat.json").write_text(json.dumps(flat))
    check(read_schools(tmp_path / "flat.json"))

    records = [
        {
            "datasetid": "fr-en-annuaire-education",
            "fields": r,
            "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]}
            if r["latitude"] != ""
            else None,
        }
        for r in annuaire_rows(schools_dir)
    ]
    (tmp_path / "records.json").write_text(json.dumps(records))
    check(read_schools(tmp_path / "records.json"))

    geo = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": r, "geometry": rec["geometry"]}
            for r, rec in zip(annuaire_rows(schools_dir), records, strict=True)
        ],
    }
    (tmp_path / "annuaire.geojson").write_text(json.dumps(geo))
    check(read_schools(tmp_path / "annuaire.geojson"))


def test_annuaire_import_into_the_territory(
    tmp_path: Path, schools_dir: Path, bare_conn: psycopg.Connection[Any]
) -> None:
    read = read_schools(write_csv(annuaire_rows(schools_dir), tmp_path / "annuaire.csv"))
    report = service.import_schools(bare_conn, read, "nantes-metropole")
    assert (report.inserted, len(report.outside)) == (78, 0)
    levels = dict(bare_conn.execute("SELECT level, count(*) FROM school GROUP BY level"))
    assert levels == {"college": 76, "ecole": 1, "lycee": 1}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.json", "{not json", "JSON invalide"),
        ("x.json", '{"a": 1}', "ni GeoJSON ni liste"),
        ("x.csv", "", "aucun établissement"),
        ("x.csv", "nom;commune\nA;Nantes\n", "colonne UAI introuvable"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(Invalid, match=message):
        read_schools(path)
