"""A second territory built in the test from files in the official layouts: its communes as
IGN ADMIN EXPRESS publishes them (``INSEE_COM``, ``NOM``; GeoJSON, WGS84) and its QPV as the
ANCT 2015 delivery (``CODE_QP``, ``NOM_QP``, ``COMMUNE_QP``; shapefile, Lambert-93).

The shapes are simplified test rectangles around Grenoble and Échirolles (real INSEE codes;
QPV codes and names of the Isère series, perimeters NOT the official ones): enough to tell
one territory from the other, nothing to publish."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

GRENOBLE_ID = "grenoble-test"
GRENOBLE_HOST = "grenoble.test"
GRENOBLE_QPV = {"QP038006": "Mistral (test)", "QP038011": "Village Sud (test)"}
IN_GRENOBLE_QPV = (5.7075, 45.174)
"""A point inside the test perimeter of QP038006."""


def _rect(lon0: float, lat0: float, lon1: float, lat1: float) -> dict[str, object]:
    return box(lon0, lat0, lon1, lat1).__geo_interface__


@pytest.fixture
def grenoble_files(tmp_path: Path) -> Path:
    """``territoire.toml`` with its communes, QPV shapefile and help lines; returns the TOML."""
    communes = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"INSEE_COM": "38185", "NOM": "Grenoble"},
                "geometry": _rect(5.67, 45.15, 5.76, 45.21),
            },
            {
                "type": "Feature",
                "properties": {"INSEE_COM": "38151", "NOM": "Échirolles"},
                "geometry": _rect(5.67, 45.12, 5.76, 45.15),
            },
        ],
    }
    (tmp_path / "communes.geojson").write_text(json.dumps(communes), encoding="utf-8")
    qpv = gpd.GeoDataFrame(
        {
            "CODE_QP": list(GRENOBLE_QPV),
            "NOM_QP": list(GRENOBLE_QPV.values()),
            "COMMUNE_QP": ["Grenoble", "Échirolles"],
        },
        geometry=[box(5.700, 45.170, 5.715, 45.178), box(5.710, 45.130, 5.720, 45.140)],
        crs="EPSG:4326",
    ).to_crs(2154)
    qpv.to_file(tmp_path / "QP_METROPOLE_LB93.shp", engine="pyogrio", encoding="cp1252")
    lines = Path("actors/helplines.toml").read_text(encoding="utf-8")
    keep = [
        block
        for block in lines.split("[[lines]]")
        if 'code = "violences_femmes_info_3919"' in block
        or 'code = "defenseur_des_droits_3928"' in block
    ]
    assert keep, "the 3919 and 39 28 lines of the shipped file"
    (tmp_path / "lignes.toml").write_text(
        "".join("[[lines]]" + block for block in keep), encoding="utf-8"
    )
    toml = tmp_path / "territoire.toml"
    toml.write_text(
        f'id = "{GRENOBLE_ID}"\n'
        'name = "Grenoble-Alpes (test)"\n'
        f'hosts = ["{GRENOBLE_HOST}"]\n'
        "qpv_generations = [2015]\n"
        'communes = "communes.geojson"\n'
        'helplines = "lignes.toml"\n'
        "[[contacts]]\n"
        'role = "Pilote égalité des droits"\n'
        'email = "egalite@example.org"\n',
        encoding="utf-8",
    )
    return toml
