"""Importing the official 2015 QPV delivery (shapefile, upper-case fields ``CODE_QP``,
``NOM_QP``, ``COMMUNE_QP``, Lambert-93, Windows-1252; commune names, no INSEE code, no
population) never empties the planners' pages: INSEE codes are derived from the commune
names, attributes known for the same code are kept, and the report says what stays unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import psycopg
from fastapi.testclient import TestClient

from geo import qpv
from geo.qpv.communes import fold, match_communes

BELLEVUE = "QP044005"


def _official_shapefile(
    shared_data: Path, out: Path, communes: dict[str, str] | None = None
) -> Path:
    """The shared extract rewritten in the layout of the official delivery."""
    frame = gpd.read_file(shared_data / "qpv" / "qpv_2015_dep44.geojson")
    official = gpd.GeoDataFrame(
        {
            "CODE_QP": frame["code_qp"],
            "NOM_QP": frame["nom_qp"],
            "COMMUNE_QP": [
                (communes or {}).get(code, name)
                for code, name in zip(frame["code_qp"], frame["commune_qp"], strict=True)
            ],
        },
        geometry=frame.geometry,
        crs=frame.crs,
    ).to_crs(2154)
    path = out / "QP_METROPOLE_LB93.shp"
    official.to_file(path, encoding="cp1252", engine="pyogrio")
    assert path.with_suffix(".cpg").read_text().strip().upper() in (
        "CP1252",
        "1252",
        "WINDOWS-1252",
    )
    return path


def _overview_codes(client: TestClient) -> set[str]:
    body = client.get("/api/dashboards/overview").json()
    return {q["code"] for q in body["qpv"]}


def _coverage(client: TestClient) -> dict[str, Any]:
    resp = client.get("/api/exhibitions/coverage")
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def _import(conn: psycopg.Connection[Any], path: Path) -> qpv.ImportSummary:
    read = qpv.read_qpv(path, generation=2015)
    with conn.transaction():
        return qpv.upsert(conn, read)


def test_the_official_delivery_keeps_every_page_full(
    client: TestClient, conn: psycopg.Connection[Any], shared_data: Path, tmp_path: Path
) -> None:
    before_codes = _overview_codes(client)
    before = _coverage(client)
    assert BELLEVUE in before_codes and "Collège Anne Frank" in str(before)
    summary = _import(conn, _official_shapefile(shared_data, tmp_path))
    assert summary.updated == 19 and summary.inserted == 0
    row = conn.execute(
        "SELECT insee_codes, population FROM qpv WHERE code = %s AND generation = 2015", (BELLEVUE,)
    ).fetchone()
    assert row is not None
    assert sorted(row[0]) == ["44109", "44162"]  # « Nantes, Saint-Herblain »
    assert row[1] is not None  # kept from what was known for the same code
    assert _overview_codes(client) == before_codes
    after = _coverage(client)
    assert [q["code"] for q in after["qpv"]] == [q["code"] for q in before["qpv"]]
    assert "Collège Anne Frank" in str(after)
    page = client.get("/quartiers")
    assert page.status_code == 200 and "Bellevue" in page.text


def test_unknown_communes_are_reported_and_the_qpv_stays_on_the_pages(
    client: TestClient, conn: psycopg.Connection[Any], shared_data: Path, tmp_path: Path
) -> None:
    conn.execute(
        "UPDATE qpv SET insee_codes = '{}', population = NULL WHERE code = %s", (BELLEVUE,)
    )
    path = _official_shapefile(shared_data, tmp_path, {BELLEVUE: "Atlantide"})
    summary = _import(conn, path)
    lines = [u for u in summary.unfilled if u.startswith(BELLEVUE)]
    assert any("Atlantide" in u for u in lines) and any("population" in u for u in lines)
    assert BELLEVUE in _overview_codes(client)  # the spatial test against the territory


def test_commune_names_fold_to_their_insee_codes() -> None:
    communes = {"Nantes": "44109", "Saint-Herblain": "44162", "Rezé": "44143"}
    assert fold("St-Herblain") == fold("SAINT HERBLAIN") == "saint herblain"
    assert fold("Chapelle-sur-Erdre (La)") == fold("La Chapelle-sur-Erdre")
    assert fold("Rezé") != fold("La Rezé")  # the check can fail
    assert match_communes("Nantes, Saint-Herblain", communes) == (["44109", "44162"], [])
    assert match_communes("REZE; St Herblain", communes) == (["44143", "44162"], [])
    assert match_communes(["Nantes", "Atlantide"], communes) == (["44109"], ["Atlantide"])
