"""Input geometry validation, before anything reaches GEOS."""

from __future__ import annotations

import math

import pytest

from geo.errors import Invalid
from geo.shapes import check_lon_lat, parse_geometry


def test_valid_point_is_parsed() -> None:
    geom = parse_geometry({"type": "Point", "coordinates": [-1.55, 47.21]}, {"Point"})
    assert (geom.x, geom.y) == (-1.55, 47.21)


@pytest.mark.parametrize(
    ("lon", "lat", "fragment"),
    [
        (math.nan, 47.0, "fini"),
        (-1.5, math.inf, "fini"),
        (-1.5, -math.inf, "fini"),
        (200.0, 47.0, "longitude hors limites"),
        (-1.5, 95.0, "latitude hors limites"),
        (350000.0, 6690000.0, "longitude hors limites"),  # Lambert-93 metres
        ("1", 47.0, "nombre"),
        (True, 47.0, "nombre"),
    ],
)
def test_bad_positions_are_refused(lon: object, lat: object, fragment: str) -> None:
    with pytest.raises(Invalid, match=fragment):
        check_lon_lat(lon, lat)  # type: ignore[arg-type]


def test_self_intersecting_polygon_is_refused_with_reason() -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(Invalid, match="auto-intersection"):
        parse_geometry(bowtie)


def test_unclosed_ring_is_refused() -> None:
    with pytest.raises(Invalid, match="fermé"):
        parse_geometry({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1]]]})


def test_wrong_type_is_refused() -> None:
    line = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    with pytest.raises(Invalid, match="non accepté"):
        parse_geometry(line, {"Point"})


def test_unknown_member_is_refused() -> None:
    with pytest.raises(Invalid, match="champs inconnus"):
        parse_geometry({"type": "Point", "coordinates": [0, 0], "evil": 1})


def test_deeply_nested_collection_is_refused_before_geos() -> None:
    node: dict[str, object] = {"type": "Point", "coordinates": [0, 0]}
    for _ in range(800):  # deep enough to have crashed GEOS at ~50,000; refused at depth 8
        node = {"type": "GeometryCollection", "geometries": [node]}
    with pytest.raises(Invalid, match="trop imbriquée"):
        parse_geometry(node)


def test_vertex_limit() -> None:
    ring = [[i * 1e-5, 0.0] for i in range(2000)] + [[0.0, 1e-3], [0.0, 0.0]]
    with pytest.raises(Invalid, match="trop grande"):
        parse_geometry({"type": "Polygon", "coordinates": [ring]}, max_vertices=1000)


def test_nan_inside_polygon_is_refused() -> None:
    poly = {"type": "Polygon", "coordinates": [[[0, 0], [1, math.nan], [1, 0], [0, 0]]]}
    with pytest.raises(Invalid, match="fini"):
        parse_geometry(poly)
