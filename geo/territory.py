"""The territory an instance covers (points outside are "hors de la zone couverte")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from geo.errors import Invalid, NotFound
from geo.shapes import check_lon_lat


@dataclass(frozen=True)
class Territory:
    id: str
    name: str
    bounds: tuple[float, float, float, float]


def get(conn: psycopg.Connection[Any], territory_id: str) -> Territory:
    """The territory ``territory_id`` with its bounds (minx, miny, maxx, maxy)."""
    row = conn.execute(
        """
        SELECT id, name, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
        FROM territory WHERE id = %s
        """,
        (territory_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"territoire inconnu : {territory_id}")
    return Territory(row[0], row[1], (row[2], row[3], row[4], row[5]))


def contains(conn: psycopg.Connection[Any], territory_id: str, lon: float, lat: float) -> bool:
    """True when the point lies in the territory."""
    row = conn.execute(
        """
        SELECT ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
        FROM territory WHERE id = %s
        """,
        (lon, lat, territory_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"territoire inconnu : {territory_id}")
    return bool(row[0])


def check_point(conn: psycopg.Connection[Any], territory_id: str, lon: float, lat: float) -> None:
    """Raise :class:`Invalid` unless the point is a valid WGS84 position inside the territory."""
    check_lon_lat(lon, lat)
    if not contains(conn, territory_id, lon, lat):
        hint = ""
        if contains(conn, territory_id, lat, lon) if -90 <= lon <= 90 else False:
            hint = " (latitude et longitude inversées ?)"
        raise Invalid(f"position hors de la zone couverte : [{lon}, {lat}]{hint}")
