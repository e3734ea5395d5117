"""Parse and validate geometries that come from outside (HTTP bodies, files).

Everything is checked *before* GEOS sees it: nesting depth, vertex count, finite numbers and
coordinate ranges. GEOS has been seen to crash the whole process on a GeometryCollection nested
~50,000 deep, and casting out-of-range coordinates to ``geography`` silently wraps them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from geo.errors import Invalid

MAX_DEPTH = 8
"""Maximum nesting of lists/objects in one GeoJSON geometry (a MultiPolygon needs 4)."""

MAX_VERTICES = 100_000
"""Maximum number of positions in one input geometry."""

GEOMETRY_TYPES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)


def check_lon_lat(lon: float, lat: float) -> None:
    """Raise :class:`Invalid` unless ``lon``/``lat`` are finite WGS84 degrees in range.

    Parameters
    ----------
    lon, lat : float
        Longitude and latitude in degrees (GeoJSON order).
    """
    for name, value in (("longitude", lon), ("latitude", lat)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"{name} doit être un nombre (reçu : {value!r})")
        if not math.isfinite(value):
            raise Invalid(f"{name} doit être un nombre fini (reçu : {value})")
    if not -180.0 <= lon <= 180.0:
        raise Invalid(f"longitude hors limites [-180, 180] : {lon}")
    if not -90.0 <= lat <= 90.0:
        hint = " (latitude et longitude inversées ?)" if -90.0 <= lon <= 90.0 else ""
        raise Invalid(f"latitude hors limites [-90, 90] : {lat}{hint}")


def parse_geometry(
    data: Any,
    allowed: Iterable[str] = GEOMETRY_TYPES,
    max_vertices: int = MAX_VERTICES,
) -> BaseGeometry:
    """Turn a GeoJSON geometry object into a valid shapely geometry.

    Parameters
    ----------
    data : dict
        A GeoJSON geometry (``{"type": ..., "coordinates": ...}``), already decoded from JSON.
    allowed : iterable of str
        Geometry types accepted here (e.g. ``{"Point"}``).
    max_vertices : int
        Upper bound on the number of positions.

    Returns
    -------
    shapely geometry
        Valid, non-empty, 2D.

    Raises
    ------
    Invalid
        With a French message naming what is wrong (type, depth, non-finite number, range,
        self-intersection…).
    """
    allowed = frozenset(allowed)
    _check_depth(data, 0)
    gtype = _geometry_type(data, allowed)
    counter = [0]
    coords = _normalise(data, gtype, counter, max_vertices)
    geom = shapely.geometry.shape({"type": gtype, **coords})
    if geom.is_empty:
        raise Invalid("géométrie vide")
    if not geom.is_valid:
        raise Invalid(f"géométrie invalide : {_french_validity(explain_validity(geom))}")
    return geom


def _check_depth(node: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Invalid(f"géométrie trop imbriquée (profondeur maximale {MAX_DEPTH})")
    if isinstance(node, dict):
        for value in node.values():
            _check_depth(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, (list, dict)):
                _check_depth(value, depth + 1)


def _geometry_type(data: Any, allowed: frozenset[str]) -> str:
    if not isinstance(data, dict):
        raise Invalid("la géométrie doit être un objet GeoJSON")
    gtype = data.get("type")
    if gtype not in GEOMETRY_TYPES:
        raise Invalid(f"type de géométrie inconnu : {gtype!r}")
    if gtype not in allowed:
        raise Invalid(f"type de géométrie {gtype} non accepté ici (attendu : {_names(allowed)})")
    extra = set(data) - {"type", "coordinates", "geometries", "bbox", "crs"}
    if extra:
        raise Invalid(f"champs inconnus dans la géométrie : {', '.join(sorted(extra))}")
    return str(gtype)


def _normalise(data: dict[str, Any], gtype: str, counter: list[int], limit: int) -> dict[str, Any]:
    if gtype == "GeometryCollection":
        parts = data.get("geometries")
        if not isinstance(parts, list):
            raise Invalid("GeometryCollection sans liste « geometries »")
        out = []
        for part in parts:
            ptype = _geometry_type(part, GEOMETRY_TYPES - {"GeometryCollection"})
            out.append({"type": ptype, **_normalise(part, ptype, counter, limit)})
        return {"geometries": out}
    depth = {
        "Point": 0,
        "MultiPoint": 1,
        "LineString": 1,
        "MultiLineString": 2,
        "Polygon": 2,
        "MultiPolygon": 3,
    }[gtype]
    if "coordinates" not in data:
        raise Invalid(f"{gtype} sans « coordinates »")
    coords = _positions(data["coordinates"], depth, counter, limit)
    _check_shape(gtype, coords)
    return {"coordinates": coords}


def _positions(node: Any, depth: int, counter: list[int], limit: int) -> Any:
    if depth == 0:
        return _position(node, counter, limit)
    if not isinstance(node, list):
        raise Invalid("coordonnées mal formées (liste attendue)")
    return [_positions(child, depth - 1, counter, limit) for child in node]


def _position(node: Any, counter: list[int], limit: int) -> tuple[float, float]:
    if not isinstance(node, list) or len(node) not in (2, 3):
        raise Invalid("une position doit être [longitude, latitude]")
    counter[0] += 1
    if counter[0] > limit:
        raise Invalid(f"géométrie trop grande (plus de {limit} sommets)")
    lon, lat = node[0], node[1]
    check_lon_lat(lon, lat)
    return (float(lon), float(lat))


def _check_shape(gtype: str, coords: Any) -> None:
    rings: Sequence[Any] = []
    if gtype == "LineString" and len(coords) < 2:
        raise Invalid("une ligne doit avoir au moins 2 positions")
    if gtype == "MultiLineString" and any(len(line) < 2 for line in coords):
        raise Invalid("une ligne doit avoir au moins 2 positions")
    if gtype == "Polygon":
        rings = coords
    elif gtype == "MultiPolygon":
        rings = [ring for poly in coords for ring in poly]
    for ring in rings:
        if len(ring) < 4:
            raise Invalid("un anneau de polygone doit avoir au moins 4 positions")
        if ring[0] != ring[-1]:
            raise Invalid("un anneau de polygone doit être fermé (première = dernière position)")


_VALIDITY_FR = {
    "Self-intersection": "auto-intersection",
    "Ring Self-intersection": "anneau auto-intersecté",
    "Too few points": "trop peu de points",
    "Hole lies outside shell": "trou hors du contour",
    "Interior is disconnected": "intérieur déconnecté",
    "Nested shells": "contours imbriqués",
    "Duplicate Rings": "anneaux dupliqués",
    "Invalid Coordinate": "coordonnée invalide",
}


def _french_validity(reason: str) -> str:
    for english, french in _VALIDITY_FR.items():
        if reason.startswith(english):
            return french + reason[len(english) :]
    return reason


def _names(types: Iterable[str]) -> str:
    return ", ".join(sorted(types))


def validity_reason(geom: BaseGeometry) -> str | None:
    """French reason why ``geom`` is invalid, or ``None`` when it is valid."""
    if geom is None or geom.is_empty:
        return "géométrie vide"
    if geom.is_valid:
        return None
    return _french_validity(explain_validity(geom))
