"""Reading GeoJSON, CSV (``;``/``,``, decimal comma, Windows-1252) and data·inclusion JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actors import readers
from geo.errors import Invalid


def test_csv_with_semicolons_decimal_comma_and_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "acteurs.csv"
    path.write_bytes(
        "nom;adresse;commune;latitude;longitude;telephone;source_id\n"
        "Maison de l'emploi;2 rue Bréa;Nantes;47,2136;-1,5623;02 40 00 00 00;A1\n".encode("cp1252")
    )
    raw = readers.read(path)
    assert raw.format.startswith("csv")
    row = raw.rows[0]
    assert row.row == 2  # line number in the file (the header is line 1)
    assert row.data["adresse"] == "2 rue Bréa"
    assert (row.data["lat"], row.data["lon"]) == ("47,2136", "-1,5623")
    assert row.data["source_id"] == "A1"


def test_csv_with_commas_and_lat_lon_names(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('name,lat,lon,domains\n"Lieu, centre",47.2,-1.5,"emploi,logement"\n')
    row = readers.read(path).rows[0]
    assert row.data == {
        "nom": "Lieu, centre",
        "lat": "47.2",
        "lon": "-1.5",
        "domains": "emploi,logement",
    }


def test_csv_without_position_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("nom;adresse\nX;Y\n")
    with pytest.raises(Invalid, match="latitude"):
        readers.read(path)


def test_geojson_keeps_source_ids_and_reports_bad_geometry(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-1.5, 47.2]},
                "properties": {
                    "id": "cg44-001",
                    "source_id": None,
                    "nom": "A",
                    "insee_com": "44109",
                },
            },
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": []},
                "properties": {"nom": "B"},
            },
        ],
    }
    path = tmp_path / "a.geojson"
    path.write_text(json.dumps(doc))
    rows = readers.read(path).rows
    # the harmonised file's running number is not a source id (not stable across rebuilds)
    assert rows[0].data["source_id"] is None and rows[0].data["code_insee"] == "44109"
    assert "Point" in rows[1].data["_error"]


def test_data_inclusion_structures_and_services_are_merged(tmp_path: Path) -> None:
    doc = {
        "structures": [
            {
                "source": "dora",
                "id": "s1",
                "nom": "CIDFF",
                "longitude": -1.55,
                "latitude": 47.21,
                "date_maj": "2025-02-14",
                "presentation_resume": "Informations juridiques",
            }
        ],
        "services": [
            {
                "source": "dora",
                "structure_id": "s1",
                "id": "v1",
                "thematiques": ["acces-aux-droits-et-citoyennete--accompagnement-juridique"],
                "publics": ["femmes", "actifs"],
                "frais": ["gratuit"],
            }
        ],
    }
    path = tmp_path / "di.json"
    path.write_text(json.dumps(doc))
    raw = readers.read(path)
    data = raw.rows[0].data
    assert raw.format == "data·inclusion"
    assert data["source"] == "dora" and data["source_id"] == "s1"
    assert data["description"] == "Informations juridiques"
    assert data["publics"] == ["femmes"] and data["frais"] == "gratuit"
    assert any("actifs" in note for note in raw.notes)  # no equivalent: said, not dropped silently
