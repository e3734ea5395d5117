"""Reading the State's QPV files (no database): formats, CRS, encodings, bad files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo.errors import Invalid
from geo.qpv import ImportProblems, read_qpv
from geo.qpv.read import read_2024_codes


@pytest.fixture
def dep44(shared_data: Path) -> Path:
    return shared_data / "qpv" / "qpv_2015_dep44.geojson"


def test_real_2015_file_gives_19_valid_qpv(dep44: Path) -> None:
    read = read_qpv(dep44)
    assert read.generation == 2015
    assert len(read) == 19
    assert read.known_as == "qpv_2015_dep44.geojson"
    frame = read.frame
    assert frame.geometry.is_valid.all()
    assert set(frame.geometry.geom_type) == {"MultiPolygon"}
    bellevue = frame.set_index("code").loc["QP044005"]
    assert bellevue["name"] == "Bellevue"
    assert bellevue["communes"] == ["Nantes", "Saint-Herblain"]
    assert bellevue["insee_codes"] == ["44109", "44162"]
    assert bellevue["population"] == 16918


def lambert93_shapefile(source: Path, target_dir: Path, with_cpg: bool = False) -> Path:
    """The same boundaries delivered as the 2015 ANCT shapefile: Lambert-93, upper-case fields,
    Windows-1252 text and no .cpg file."""
    frame = gpd.read_file(source)
    frame = frame.rename(
        columns={"code_qp": "CODE_QP", "nom_qp": "NOM_QP", "commune_qp": "COMMUNE_QP"}
    )
    frame = frame[["CODE_QP", "NOM_QP", "COMMUNE_QP", "geometry"]].to_crs(2154)
    path = target_dir / "QP_METROPOLE_LB93.shp"
    frame.to_file(path, driver="ESRI Shapefile", encoding="cp1252")
    if not with_cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def test_lambert93_shapefile_with_upper_case_fields_gives_the_same_polygons(
    dep44: Path, tmp_path: Path
) -> None:
    reference = read_qpv(dep44).frame.set_index("code")
    shp = lambert93_shapefile(dep44, tmp_path)
    assert not shp.with_suffix(".cpg").exists()
    read = read_qpv(shp)
    assert read.generation == 2015
    frame = read.frame.set_index("code")
    assert sorted(frame.index) == sorted(reference.index)
    # Windows-1252 text decoded correctly (en dash in QP044008's name).
    assert "–" in frame.loc["QP044008", "name"]
    assert frame.loc["QP044005", "name"] == "Bellevue"
    for code in reference.index:
        a, b = reference.loc[code, "geometry"], frame.loc[code, "geometry"]
        # Reprojection round trip: same polygons to well under a centimetre.
        assert a.symmetric_difference(b).area < 1e-12, code
        assert shapely.hausdorff_distance(a, b) < 1e-7, code


def test_zip_archive_is_read(dep44: Path, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    shp = lambert93_shapefile(dep44, tmp_path / "src", with_cpg=True)
    archive = tmp_path / "qp-politiquedelaville-shp.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.parent.iterdir():
            zf.write(part, f"qp/{part.name}")
    assert len(read_qpv(archive)) == 19


def as_2024(dep44: Path, target: Path) -> Path:
    """A 2024-style layer: lower-case ``code_qp``/``lib_qp``/``insee_com`` and QN codes."""
    data = json.loads(dep44.read_text(encoding="utf-8"))
    for f in data["features"]:
        p = f["properties"]
        number = p["code_qp"][-2:]
        f["properties"] = {
            "code_qp": f"QN044{number}M",
            "lib_qp": p["nom_qp"],
            "lib_com": p["commune_qp"],
            "insee_com": p["insee_com"],
        }
    target.write_text(json.dumps(data), encoding="utf-8")
    return target


def test_2024_layout_is_detected(dep44: Path, tmp_path: Path) -> None:
    read = read_qpv(as_2024(dep44, tmp_path / "qp2024.geojson"))
    assert read.generation == 2024
    assert "QN04405M" in set(read.frame["code"])


def test_forced_generation_must_match_codes(dep44: Path) -> None:
    with pytest.raises(ImportProblems, match="invalide pour la génération 2024"):
        read_qpv(dep44, generation=2024)


def test_unknown_generation(dep44: Path) -> None:
    with pytest.raises(Invalid, match="génération inconnue"):
        read_qpv(dep44, generation=2019)


def test_unknown_format(tmp_path: Path) -> None:
    bad = tmp_path / "qpv.geojson"
    bad.write_text("ceci n'est pas un fichier géographique", encoding="utf-8")
    with pytest.raises(Invalid, match="format de fichier non reconnu"):
        read_qpv(bad)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="introuvable"):
        read_qpv(tmp_path / "absent.gpkg")


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(Invalid, match="aucune entité"):
        read_qpv(empty)


def _feature(props: dict[str, object], coords: list[list[float]]) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [coords]},
    }


SQUARE = [[-1.56, 47.20], [-1.55, 47.20], [-1.55, 47.21], [-1.56, 47.21], [-1.56, 47.20]]


def _write(tmp_path: Path, features: list[dict[str, object]]) -> Path:
    path = tmp_path / "qpv.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


def test_missing_code_field(tmp_path: Path) -> None:
    path = _write(tmp_path, [_feature({"nom_qp": "X"}, SQUARE)])
    with pytest.raises(Invalid, match="champ du code QPV introuvable"):
        read_qpv(path)


def test_missing_name_field(tmp_path: Path) -> None:
    path = _write(tmp_path, [_feature({"code_qp": "QP044099"}, SQUARE)])
    with pytest.raises(Invalid, match="champ du nom QPV introuvable"):
        read_qpv(path)


def test_invalid_polygon_is_reported_by_code_and_reason(tmp_path: Path) -> None:
    bowtie = [[-1.56, 47.20], [-1.55, 47.21], [-1.55, 47.20], [-1.56, 47.21], [-1.56, 47.20]]
    path = _write(
        tmp_path,
        [
            _feature({"code_qp": "QP044098", "nom_qp": "Bon"}, SQUARE),
            _feature({"code_qp": "QP044099", "nom_qp": "Noeud"}, bowtie),
        ],
    )
    with pytest.raises(ImportProblems) as info:
        read_qpv(path)
    assert len(info.value.problems) == 1
    assert "QP044099" in info.value.problems[0]
    assert "auto-intersection" in info.value.problems[0]
    repaired = read_qpv(path, repair=True)
    assert repaired.repaired == ["QP044099"]
    assert repaired.frame.geometry.is_valid.all()


def test_coordinates_outside_france_are_refused(tmp_path: Path) -> None:
    # Lambert-93 metres declared as WGS84 degrees: nowhere near France.
    metres: list[list[float]] = [
        [350000, 6690000],
        [351000, 6690000],
        [351000, 6691000],
        [350000, 6690000],
    ]
    path = _write(tmp_path, [_feature({"code_qp": "QP044099", "nom_qp": "X"}, metres)])
    with pytest.raises(Invalid):
        read_qpv(path)
    # A well-formed square in Germany.
    germany = [[13.3, 52.5], [13.4, 52.5], [13.4, 52.6], [13.3, 52.6], [13.3, 52.5]]
    path = _write(tmp_path, [_feature({"code_qp": "QP044099", "nom_qp": "X"}, germany)])
    with pytest.raises(ImportProblems, match="hors de France"):
        read_qpv(path)


def test_2024_codes_list(shared_data: Path) -> None:
    pairs = read_2024_codes(shared_data / "qpv" / "qpv_2024_codes_dep44.csv")
    assert len(pairs) == 19
    assert ("QN04405M", "Bellevue", "QP044005") in pairs
