"""Exports of a feature collection for the tools planners use: CSV that uMap reads (UTF-8,
comma, header, ``lat``/``lon`` columns, plus the full geometry as WKT for QGIS) and GeoPackage
(written with pyogrio). GeoJSON is served as built by PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import shape

from geo.csvout import csv_text


def to_csv(fc: dict[str, Any], columns: Sequence[str]) -> str:
    """CSV text: ``id``, the ``columns`` properties, ``lon``, ``lat`` (a point on the feature:
    the point itself, or a point inside a polygon) and ``wkt`` (the whole geometry, CRS84)."""
    rows = []
    for feature in fc["features"]:
        props = feature.get("properties") or {}
        geom = shape(feature["geometry"]) if feature.get("geometry") else None
        point = geom.representative_point() if geom is not None else None
        rows.append(
            [
                feature.get("id"),
                *(_cell(props.get(c)) for c in columns),
                Decimal(f"{point.x:.6f}") if point is not None else "",
                Decimal(f"{point.y:.6f}") if point is not None else "",
                shapely.to_wkt(geom, rounding_precision=6) if geom is not None else "",
            ]
        )
    return csv_text(["id", *columns, "lon", "lat", "wkt"], rows, lineterminator="\n")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def to_gpkg(
    fc: dict[str, Any], columns: Sequence[str], layer: str, path: Path, geometry_type: str
) -> None:
    """Write the features to a new GeoPackage at ``path`` (one layer, EPSG:4326).

    Parameters
    ----------
    fc : dict
        GeoJSON FeatureCollection (CRS84).
    columns : sequence of str
        Property names, in order (an ``id`` column holds each feature's id).
    layer : str
        Layer name (the collection id).
    geometry_type : str
        GeoJSON geometry type of the collection (``Geometry`` when mixed).
    """
    rows = [
        {"id": f.get("id"), **{c: (f.get("properties") or {}).get(c) for c in columns}}
        for f in fc["features"]
    ]
    geoms = [shape(f["geometry"]) if f.get("geometry") else None for f in fc["features"]]
    frame = gpd.GeoDataFrame(
        rows or {"id": [], **{c: [] for c in columns}},
        geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"),
    )
    kind = "Unknown" if geometry_type == "Geometry" else geometry_type
    pyogrio.write_dataframe(
        frame, path, layer=layer, driver="GPKG", geometry_type=kind, promote_to_multi=False
    )
