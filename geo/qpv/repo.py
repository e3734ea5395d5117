"""SQL of the QPV table: upsert an import, count, look a point up, serve GeoJSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from geo.features import FeatureSource
from geo.qpv.communes import match_communes
from geo.qpv.read import QpvFile


@dataclass(frozen=True)
class ImportSummary:
    generation: int
    inserted: int
    updated: int
    removed: int
    unfilled: tuple[str, ...] = ()
    """What the file lacked and could not be filled (French, one line per QPV and field)."""

    @property
    def total(self) -> int:
        return self.inserted + self.updated


def upsert(conn: psycopg.Connection[Any], qpv: QpvFile, replace_all: bool = False) -> ImportSummary:
    """Insert or replace the QPV of ``qpv`` (keyed on code + generation).

    Runs inside the caller's transaction; never commits. With ``replace_all`` the stored QPV of
    the same generation that are absent from the file are deleted. A file without INSEE codes
    (the official 2015 delivery names its communes) gets them from the commune names against
    the communes of the stored territories; population and INSEE codes already known for the
    same code are kept when the file has none; what stays unknown is listed in ``unfilled``.
    """
    inserted = updated = 0
    communes = _commune_names(conn)
    unfilled: list[str] = []
    for row in qpv.frame.itertuples(index=False):
        insee = list(row.insee_codes)
        if not insee and list(row.communes):
            insee, unknown = match_communes(list(row.communes), communes)
            if unknown:
                unfilled.append(
                    f"{row.code} : commune(s) sans code INSEE connu : {', '.join(unknown)}"
                )
        rec = conn.execute(
            """
            INSERT INTO qpv (code, generation, name, communes, insee_codes, population,
                             population_year, approximate, source, geom)
            VALUES (%s, %s, %s, %s, %s, %s, %s, false, %s, %s)
            ON CONFLICT (code, generation) DO UPDATE SET
                name = EXCLUDED.name, communes = EXCLUDED.communes,
                insee_codes = CASE WHEN cardinality(EXCLUDED.insee_codes) > 0
                                   THEN EXCLUDED.insee_codes ELSE qpv.insee_codes END,
                population = COALESCE(EXCLUDED.population, qpv.population),
                population_year = CASE WHEN EXCLUDED.population IS NOT NULL
                                       THEN EXCLUDED.population_year ELSE qpv.population_year END,
                approximate = false,
                source = EXCLUDED.source, geom = EXCLUDED.geom, imported_at = now()
            RETURNING (xmax = 0) AS inserted, population IS NULL, cardinality(insee_codes) = 0
            """,
            (
                row.code,
                row.generation,
                row.name,
                list(row.communes),
                insee,
                row.population,
                row.population_year,
                qpv.known_as or qpv.source,
                row.geometry,
            ),
        ).fetchone()
        if rec and rec[0]:
            inserted += 1
        else:
            updated += 1
        if rec and rec[1]:
            unfilled.append(f"{row.code} : population inconnue (absente du fichier)")
        if rec and rec[2] and not any(u.startswith(f"{row.code} : commune") for u in unfilled):
            unfilled.append(f"{row.code} : aucun code INSEE (ni dans le fichier ni déduit)")
    removed = 0
    if replace_all:
        cur = conn.execute(
            "DELETE FROM qpv WHERE generation = %s AND NOT (code = ANY(%s))",
            (qpv.generation, list(qpv.frame["code"])),
        )
        removed = cur.rowcount
    return ImportSummary(qpv.generation, inserted, updated, removed, tuple(unfilled))


def _commune_names(conn: psycopg.Connection[Any]) -> dict[str, str]:
    """Name → INSEE code of the communes of every stored territory."""
    rows = conn.execute("SELECT name, insee_code FROM territory_commune").fetchall()
    return {str(name): str(code) for name, code in rows}


def count(conn: psycopg.Connection[Any], generation: int | None = None) -> int:
    """Number of stored QPV (of one generation when given)."""
    row = conn.execute(
        "SELECT count(*) FROM qpv WHERE %(g)s::smallint IS NULL OR generation = %(g)s",
        {"g": generation},
    ).fetchone()
    return int(row[0]) if row else 0


def generations(conn: psycopg.Connection[Any]) -> list[int]:
    """Generations present in the database."""
    rows = conn.execute("SELECT DISTINCT generation FROM qpv ORDER BY 1").fetchall()
    return [int(r[0]) for r in rows]


def lookup(
    conn: psycopg.Connection[Any], lon: float, lat: float, generation: int
) -> dict[str, Any]:
    """Which QPV contains the point, else the nearest one with its distance in metres.

    Returns ``{"qpv": {...} | None, "nearest": {... "distance_m"} | None}``.
    """
    cur = conn.cursor(row_factory=dict_row)
    inside = cur.execute(
        """
        SELECT code, name, generation, approximate
        FROM qpv
        WHERE generation = %(g)s
          AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
        ORDER BY code
        LIMIT 1
        """,
        {"g": generation, "lon": lon, "lat": lat},
    ).fetchone()
    if inside:
        return {"qpv": inside, "nearest": None}
    nearest = cur.execute(
        """
        WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS pt)
        SELECT code, name, generation, approximate,
               round(ST_Distance(q.geom::geography, p.pt::geography))::integer AS distance_m
        FROM qpv q, p
        WHERE generation = %(g)s
        ORDER BY q.geom_l93 <-> ST_Transform(p.pt, 2154)
        LIMIT 1
        """,
        {"g": generation, "lon": lon, "lat": lat},
    ).fetchone()
    return {"qpv": None, "nearest": nearest}


_FEATURE_SQL = """
    json_build_object(
        'type', 'Feature',
        'id', code,
        'geometry', ST_AsGeoJSON(geom, 6)::json,
        'properties', json_build_object(
            'code', code, 'name', name, 'generation', generation,
            'communes', communes, 'insee_codes', insee_codes,
            'population', population, 'population_year', population_year,
            'approximate', approximate, 'source', source))
"""


IN_TERRITORY = """(%(terr)s::text IS NULL
    OR NOT EXISTS (SELECT 1 FROM territory WHERE source IS NOT NULL)
    OR territory_sees(%(terr)s, ST_PointOnSurface(geom)))"""
"""A QPV belongs to the territory holding a point of its surface (never a neighbour's QPV
that merely touches the envelope); see the SQL function ``territory_sees``."""


def feature_collection(
    conn: psycopg.Connection[Any],
    generation: int,
    bbox: tuple[float, float, float, float] | None = None,
    territory_id: str | None = None,
) -> str:
    """GeoJSON FeatureCollection of one generation (of one territory), built in SQL."""
    row = conn.execute(
        f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(json_agg({_FEATURE_SQL} ORDER BY code), '[]'::json))::text
        FROM qpv
        WHERE generation = %(g)s
          AND (%(bbox)s::float8[] IS NULL OR geom && ST_MakeEnvelope(
                (%(bbox)s::float8[])[1], (%(bbox)s::float8[])[2],
                (%(bbox)s::float8[])[3], (%(bbox)s::float8[])[4], 4326))
          AND {IN_TERRITORY}
        """,
        {"g": generation, "bbox": list(bbox) if bbox else None, "terr": territory_id},
    ).fetchone()
    return str(row[0]) if row else '{"type":"FeatureCollection","features":[]}'


def feature(
    conn: psycopg.Connection[Any],
    code: str,
    generation: int | None,
    territory_id: str | None = None,
) -> str | None:
    """One QPV as a GeoJSON Feature (text); the newest generation when not given."""
    row = conn.execute(
        f"""
        SELECT {_FEATURE_SQL}::text FROM qpv
        WHERE code = %(c)s AND (%(g)s::smallint IS NULL OR generation = %(g)s)
          AND {IN_TERRITORY}
        ORDER BY generation DESC LIMIT 1
        """,
        {"c": code, "g": generation, "terr": territory_id},
    ).fetchone()
    return str(row[0]) if row else None


def carry_contours(
    conn: psycopg.Connection[Any], pairs: list[tuple[str, str, str]], source: str
) -> int:
    """Store 2024 QPV whose official perimeter is unavailable, using the 2015 contour of the
    same number, flagged ``approximate``. ``pairs`` holds ``(code_2024, name_2024, code_2015)``.

    Never overwrites a non-approximate (official) 2024 perimeter. Returns the rows written.
    """
    written = 0
    for code24, name24, code15 in pairs:
        cur = conn.execute(
            """
            INSERT INTO qpv (code, generation, name, communes, insee_codes, population,
                             population_year, approximate, source, geom)
            SELECT %(c24)s, 2024, %(n24)s, communes, insee_codes, NULL, NULL, true, %(src)s, geom
            FROM qpv WHERE code = %(c15)s AND generation = 2015
            ON CONFLICT (code, generation) DO UPDATE SET
                name = EXCLUDED.name, geom = EXCLUDED.geom, source = EXCLUDED.source,
                communes = EXCLUDED.communes, insee_codes = EXCLUDED.insee_codes,
                imported_at = now()
            WHERE qpv.approximate
            """,
            {"c24": code24, "n24": name24, "c15": code15, "src": source},
        )
        written += cur.rowcount
    return written


def feature_source(generation: int) -> FeatureSource:
    """The QPV of one generation as an OGC API – Features collection."""
    return FeatureSource(
        id=f"qpv-{generation}",
        title=f"Quartiers prioritaires de la politique de la ville (QPV {generation})",
        description=(
            "Périmètres officiels des QPV (ANCT, Licence Ouverte 2.0)"
            + (
                "; contours 2015 reportés quand le périmètre 2024 officiel manque"
                if generation == 2024
                else ""
            )
        ),
        table="qpv",
        id_column="code",
        where=f"generation = {int(generation)}",
        geometry_type="MultiPolygon",
        properties=(
            ("code", "code"),
            ("name", "name"),
            ("generation", "generation"),
            ("communes", "array_to_string(communes, ', ')"),
            ("insee_codes", "array_to_string(insee_codes, ', ')"),
            ("population", "population"),
            ("approximate", "approximate"),
            ("source", "source"),
        ),
    )
