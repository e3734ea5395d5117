"""Serve rows of a PostGIS table as GeoJSON features, built in SQL (OGC API – Features core).

A :class:`FeatureSource` names a table (or view), its id and geometry columns and the property
expressions to expose; :func:`items` returns one page as GeoJSON text with ``numberMatched``.
Identifiers and expressions come from code (never from requests); values are parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from geo.errors import InvariantError

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class FeatureSource:
    """A table exposed as a feature collection.

    Parameters
    ----------
    id : str
        Collection id used in URLs.
    title, description : str
        French, shown to users.
    table : str
        Table or view name (optionally ``schema.table``).
    id_column, geom_column : str
        Feature id and ``geometry(…, 4326)`` column.
    properties : tuple of (name, SQL expression)
        What each feature carries; expressions are trusted code constants over the table's columns.
    where : str
        Optional trusted SQL condition always applied (e.g. visibility rules).
    geometry_type : str
        GeoJSON geometry type, for clients that want it up front.
    subquery : str, optional
        Trusted SQL ``SELECT`` used instead of ``table`` (an aggregate, a join, a scope); its
        columns are what ``properties``, ``id_column`` and ``geom_column`` name.
    params : dict
        Values of the subquery's ``%(name)s`` placeholders (names must not start with ``_``:
        the builder's own parameters do).
    """

    id: str
    title: str
    description: str
    table: str
    properties: tuple[tuple[str, str], ...]
    id_column: str = "id"
    geom_column: str = "geom"
    where: str = "true"
    geometry_type: str = "Geometry"
    order_by: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    subquery: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def _table(self) -> sql.Composable:
        if self.subquery is not None:
            return sql.SQL("({}) AS src").format(sql.SQL(self.subquery))
        return sql.Identifier(*self.table.split("."))

    def _props(self) -> sql.Composable:
        parts = []
        for name, expr in self.properties:
            parts.append(sql.SQL("{}, {}").format(sql.Literal(name), sql.SQL(expr)))
        return sql.SQL("json_build_object({})").format(sql.SQL(", ").join(parts))


def _filter(src: FeatureSource, bbox: Bbox | None) -> tuple[sql.Composable, dict[str, Any]]:
    cond = sql.SQL("({})").format(sql.SQL(src.where))
    params: dict[str, Any] = dict(src.params)
    if bbox is not None:
        cond = sql.SQL(
            "{} AND {} && ST_MakeEnvelope(%(_x0)s, %(_y0)s, %(_x1)s, %(_y1)s, 4326)"
        ).format(cond, sql.Identifier(src.geom_column))
        params.update(_x0=bbox[0], _y0=bbox[1], _x1=bbox[2], _y1=bbox[3])
    return cond, params


def items(
    conn: psycopg.Connection[Any],
    src: FeatureSource,
    bbox: Bbox | None,
    limit: int,
    offset: int,
) -> tuple[str, int, int]:
    """One page of features as a GeoJSON FeatureCollection (text), with the number matched and
    the number returned. Features are ordered by id so that pages are stable.

    One pass over the matching rows: their ids are ranked and counted together
    (``count(*) OVER ()``) and only the page's rows are read again to build their JSON; a
    subquery source is computed once (``MATERIALIZED``). The count and the page used to scan
    the matches twice (bench/: 7.3 → 3.5 ms of PostgreSQL per 1.5 km box).
    """
    cond, params = _filter(src, bbox)
    order = sql.SQL(src.order_by) if src.order_by else sql.Identifier(src.id_column)
    source: sql.Composable = sql.SQL("")
    table = src._table()
    if src.subquery is not None:
        source = sql.SQL("src AS MATERIALIZED ({}),").format(sql.SQL(src.subquery))
        table = sql.Identifier("src")
    query = sql.SQL(
        """
        WITH {source} ranked AS (
            SELECT {id} AS fid, count(*) OVER () AS matched
            FROM {table} WHERE {cond}
            ORDER BY {order} LIMIT %(_limit)s OFFSET %(_offset)s
        ), page AS (
            SELECT {id} AS fid, {geom} AS g, {props} AS p, ROW({order}) AS n
            FROM {table} WHERE {id} IN (SELECT fid FROM ranked) AND {cond}
        )
        SELECT
            (SELECT max(matched) FROM ranked),
            (SELECT count(*) FROM page),
            json_build_object(
                'type', 'FeatureCollection',
                'features', coalesce((SELECT json_agg(json_build_object(
                    'type', 'Feature', 'id', fid,
                    'geometry', ST_AsGeoJSON(g, 6)::json,
                    'properties', p) ORDER BY n) FROM page), '[]'::json))::text
        """
    ).format(
        source=source,
        id=sql.Identifier(src.id_column),
        geom=sql.Identifier(src.geom_column),
        props=src._props(),
        table=table,
        cond=cond,
        order=order,
    )
    row = conn.execute(query, {**params, "_limit": limit, "_offset": offset}).fetchone()
    if row is None:
        raise InvariantError("expected row is not None")
    matched = int(row[0]) if row[0] is not None else _count(conn, src, cond, params)
    return str(row[2]), matched, int(row[1])


def _count(
    conn: psycopg.Connection[Any], src: FeatureSource, cond: sql.Composable, params: dict[str, Any]
) -> int:
    """Rows matching ``cond`` (for a page past the last match)."""
    query = sql.SQL("SELECT count(*) FROM {table} WHERE {cond}").format(
        table=src._table(), cond=cond
    )
    row = conn.execute(query, params or None).fetchone()
    return int(row[0]) if row else 0


def item(conn: psycopg.Connection[Any], src: FeatureSource, fid: str) -> str | None:
    """One feature as GeoJSON text, or None."""
    cond, params = _filter(src, None)
    query = sql.SQL(
        """
        SELECT json_build_object('type', 'Feature', 'id', {id},
            'geometry', ST_AsGeoJSON({geom}, 6)::json, 'properties', {props})::text
        FROM {table} WHERE {cond} AND {id}::text = %(_fid)s
        """
    ).format(
        id=sql.Identifier(src.id_column),
        geom=sql.Identifier(src.geom_column),
        props=src._props(),
        table=src._table(),
        cond=cond,
    )
    row = conn.execute(query, {**params, "_fid": fid}).fetchone()
    return str(row[0]) if row else None


def extent(conn: psycopg.Connection[Any], src: FeatureSource) -> Bbox | None:
    """Bounding box of the collection (None when empty)."""
    cond, params = _filter(src, None)
    query = sql.SQL(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
        "FROM (SELECT ST_Extent({geom}) AS e FROM {table} WHERE {cond}) s"
    ).format(geom=sql.Identifier(src.geom_column), table=src._table(), cond=cond)
    row = conn.execute(query, params or None).fetchone()
    if row is None or row[0] is None:
        return None
    return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))
