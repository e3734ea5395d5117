"""Territories as data (issue 20): several territories in one database — the Métropole and the
cities it compares itself with — each its communes, envelope, QPV generation(s), hosts,
help-line file and contacts, written by ``cartegalite territory add`` from a file.

Two inputs, both files a city already has:

* a **TOML** description (``id``, ``name``, ``hosts``, ``qpv_generations``, ``helplines``,
  ``[[contacts]]``, and ``communes`` — the path of a file of communes, or a list of
  ``{insee, name}`` with an explicit ``envelope = [minx, miny, maxx, maxy]``);
* a **file of communes** alone (GeoJSON, shapefile, GeoPackage, in any CRS) in one of the
  official layouts: IGN ADMIN EXPRESS (``INSEE_COM``, ``NOM`` or ``NOM_COM``) or
  geo.api.gouv.fr (``code``, ``nom``).

The envelope is the union of the communes' polygons. A row without code, name or polygon is
refused with its reason; nothing is written unless the whole file is good.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import shapely
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from geo.errors import Invalid, NotFound

_ID = re.compile(r"^[a-z0-9-]{2,60}$")
_INSEE = re.compile(r"^([0-9]{5}|2[AB][0-9]{3})$")
_HOST = re.compile(r"^[a-z0-9.-]+(:[0-9]+)?$")
CODE_FIELDS = ("INSEE_COM", "insee_com", "code", "CODE_INSEE", "code_insee", "INSEE")
NAME_FIELDS = ("NOM", "NOM_COM", "nom", "name", "NOM_M", "libelle")


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    geom: BaseGeometry | None = None


@dataclass(frozen=True)
class TerritorySpec:
    id: str
    name: str
    communes: tuple[Commune, ...]
    envelope: BaseGeometry
    qpv_generations: tuple[int, ...] = (2015,)
    hosts: tuple[str, ...] = ()
    helplines_file: str | None = None
    contacts: tuple[dict[str, str], ...] = ()
    source: str = ""


@dataclass
class Problems:
    reasons: list[str] = field(default_factory=list)

    def add(self, where: str, why: str) -> None:
        self.reasons.append(f"{where} : {why}")

    def raise_if_any(self, label: str) -> None:
        if self.reasons:
            shown = "\n".join(f"- {r}" for r in self.reasons[:20])
            more = f"\n… et {len(self.reasons) - 20} autres" if len(self.reasons) > 20 else ""
            raise Invalid(f"{label} refusé, rien n'est écrit :\n{shown}{more}")


def _multi(geom: BaseGeometry) -> MultiPolygon:
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon)]
    return MultiPolygon(parts)


def read_communes(path: Path) -> tuple[Commune, ...]:
    """Communes of a vector file in an official layout, reprojected to EPSG:4326."""
    import geopandas as gpd

    from geo.crs import ensure_crs

    if not path.is_file():
        raise Invalid(f"fichier de communes introuvable : {path}")
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio reports unreadable files with its own errors
        raise Invalid(f"{path.name} : fichier illisible ({type(exc).__name__})") from exc
    if frame.empty:
        raise Invalid(f"{path.name} : aucune commune dans le fichier")
    if frame.crs is None:
        raise Invalid(f"{path.name} : le fichier ne déclare pas de système de coordonnées")
    frame = ensure_crs(frame)
    code_field = next((f for f in CODE_FIELDS if f in frame.columns), None)
    name_field = next((f for f in NAME_FIELDS if f in frame.columns), None)
    if code_field is None or name_field is None:
        raise Invalid(
            f"{path.name} : champs attendus {CODE_FIELDS[0]} et {NAME_FIELDS[0]} (ADMIN EXPRESS) "
            f"ou code et nom (geo.api.gouv.fr) ; trouvés : {', '.join(map(str, frame.columns))}"
        )
    problems = Problems()
    out: list[Commune] = []
    seen: set[str] = set()
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        code = str(getattr(row, code_field) or "").strip()
        name = str(getattr(row, name_field) or "").strip()
        geom = row.geometry
        where = f"entité {i} ({code or '?'})"
        if not _INSEE.match(code):
            problems.add(where, f"code INSEE invalide : {code!r}")
            continue
        if not name:
            problems.add(where, "nom absent")
            continue
        if code in seen:
            problems.add(where, "commune en double")
            continue
        if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.add(where, "polygone absent")
            continue
        if not geom.is_valid:
            problems.add(where, f"polygone invalide ({shapely.is_valid_reason(geom)})")
            continue
        seen.add(code)
        out.append(Commune(code, name, _multi(geom)))
    problems.raise_if_any(path.name)
    return tuple(out)


def spec_from_communes(
    path: Path, territory_id: str, name: str, hosts: Iterable[str] = ()
) -> TerritorySpec:
    """A territory made of every commune of a file."""
    communes = read_communes(path)
    return _checked(
        TerritorySpec(
            id=territory_id,
            name=name,
            communes=communes,
            envelope=_union(communes),
            hosts=tuple(hosts),
            source=path.name,
        )
    )


def spec_from_toml(path: Path) -> TerritorySpec:
    """A territory described by a TOML file (paths in it are relative to the file)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise Invalid(f"{path.name} : TOML illisible ({exc})") from exc
    unknown = set(data) - {
        "id",
        "name",
        "communes",
        "envelope",
        "qpv_generations",
        "hosts",
        "helplines",
        "contacts",
    }
    if unknown:
        raise Invalid(f"{path.name} : clés inconnues : {', '.join(sorted(unknown))}")
    raw_communes = data.get("communes")
    if isinstance(raw_communes, str):
        communes = read_communes(path.parent / raw_communes)
        envelope = _union(communes)
    elif isinstance(raw_communes, list) and raw_communes:
        communes = tuple(
            Commune(str(c.get("insee", "")), str(c.get("name", ""))) for c in raw_communes
        )
        bounds = data.get("envelope")
        if not (isinstance(bounds, list) and len(bounds) == 4):
            raise Invalid(
                f"{path.name} : envelope = [minx, miny, maxx, maxy] attendu "
                '(ou communes = "fichier des communes")'
            )
        envelope = box(*[float(v) for v in bounds])
    else:
        raise Invalid(f"{path.name} : communes attendu (fichier des communes ou liste)")
    helplines = data.get("helplines")
    return _checked(
        TerritorySpec(
            id=str(data.get("id", "")),
            name=str(data.get("name", "")),
            communes=communes,
            envelope=envelope,
            qpv_generations=tuple(int(g) for g in data.get("qpv_generations", [2015])),
            hosts=tuple(str(h) for h in data.get("hosts", [])),
            helplines_file=str((path.parent / helplines).resolve()) if helplines else None,
            contacts=tuple(
                {str(k): str(v) for k, v in c.items()} for c in data.get("contacts", [])
            ),
            source=path.name,
        )
    )


def _union(communes: tuple[Commune, ...]) -> BaseGeometry:
    return shapely.union_all([c.geom for c in communes if c.geom is not None])


def _checked(spec: TerritorySpec) -> TerritorySpec:
    problems = Problems()
    if not _ID.match(spec.id):
        problems.add("id", f"minuscules, chiffres et tirets attendus : {spec.id!r}")
    if not spec.name.strip():
        problems.add("name", "obligatoire")
    for c in spec.communes:
        if not _INSEE.match(c.insee) or not c.name:
            problems.add("communes", f"code INSEE et nom attendus : {c.insee!r} {c.name!r}")
    if not set(spec.qpv_generations) <= {2015, 2024} or not spec.qpv_generations:
        problems.add("qpv_generations", f"2015 et/ou 2024 attendu : {spec.qpv_generations}")
    for host in spec.hosts:
        if not _HOST.match(host):
            problems.add("hosts", f"nom d'hôte invalide : {host!r}")
    minx, miny, maxx, maxy = spec.envelope.bounds
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        problems.add("envelope", f"emprise hors des coordonnées WGS84 : {spec.envelope.bounds}")
    if spec.helplines_file and not Path(spec.helplines_file).is_file():
        problems.add("helplines", f"fichier introuvable : {spec.helplines_file}")
    problems.raise_if_any(f"territoire {spec.id!r}")
    return spec


def save(conn: psycopg.Connection[Any], spec: TerritorySpec) -> None:
    """Create or replace a territory with its communes and hosts (one transaction)."""
    envelope = _multi(spec.envelope.buffer(0) if not spec.envelope.is_valid else spec.envelope)
    with conn.transaction():
        taken = conn.execute(
            "SELECT host, territory_id FROM territory_host WHERE host = ANY(%s) "
            "AND territory_id <> %s",
            (list(spec.hosts), spec.id),
        ).fetchall()
        if taken:
            raise Invalid(
                f"hôte déjà servi par un autre territoire : {taken[0][0]} ({taken[0][1]})"
            )
        conn.execute(
            """
            INSERT INTO territory (id, name, geom, qpv_generations, helplines_file, contacts,
                                   source)
            VALUES (%(id)s, %(name)s, ST_GeomFromWKB(%(geom)s, 4326), %(gens)s, %(help)s,
                    %(contacts)s::jsonb, %(source)s)
            ON CONFLICT (id) DO UPDATE SET
                name = EXCLUDED.name, geom = EXCLUDED.geom,
                qpv_generations = EXCLUDED.qpv_generations,
                helplines_file = EXCLUDED.helplines_file, contacts = EXCLUDED.contacts,
                source = EXCLUDED.source
            """,
            {
                "id": spec.id,
                "name": spec.name,
                "geom": envelope.wkb,
                "gens": list(spec.qpv_generations),
                "help": spec.helplines_file,
                "contacts": json.dumps(list(spec.contacts), ensure_ascii=False),
                "source": spec.source,
            },
        )
        conn.execute("DELETE FROM territory_commune WHERE territory_id = %s", (spec.id,))
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO territory_commune (territory_id, insee_code, name, geom) "
                "VALUES (%s, %s, %s, ST_GeomFromWKB(%s, 4326))",
                [
                    (spec.id, c.insee, c.name, _multi(c.geom).wkb if c.geom else None)
                    for c in spec.communes
                ],
            )
        conn.execute("DELETE FROM territory_host WHERE territory_id = %s", (spec.id,))
        for host in spec.hosts:
            conn.execute(
                "INSERT INTO territory_host (host, territory_id) VALUES (%s, %s)",
                (host, spec.id),
            )


@dataclass(frozen=True)
class TerritoryRow:
    id: str
    name: str
    communes: int
    qpv: int
    hosts: tuple[str, ...]
    qpv_generations: tuple[int, ...]
    bounds: tuple[float, float, float, float]
    helplines_file: str | None
    contacts: tuple[dict[str, str], ...]
    source: str | None


_ROWS = """
SELECT t.id, t.name,
       (SELECT count(*) FROM territory_commune c WHERE c.territory_id = t.id),
       (SELECT count(*) FROM qpv q WHERE q.generation = ANY(t.qpv_generations)
          AND ST_Intersects(ST_PointOnSurface(q.geom), t.geom)),
       ARRAY(SELECT h.host FROM territory_host h WHERE h.territory_id = t.id ORDER BY h.host),
       t.qpv_generations, ST_XMin(t.geom), ST_YMin(t.geom), ST_XMax(t.geom), ST_YMax(t.geom),
       t.helplines_file, t.contacts, t.source
FROM territory t
"""


def _row(r: Any) -> TerritoryRow:
    return TerritoryRow(
        r[0],
        r[1],
        int(r[2]),
        int(r[3]),
        tuple(r[4]),
        tuple(int(g) for g in r[5]),
        (float(r[6]), float(r[7]), float(r[8]), float(r[9])),
        r[10],
        tuple(r[11]),
        r[12],
    )


def all_territories(conn: psycopg.Connection[Any]) -> list[TerritoryRow]:
    return [_row(r) for r in conn.execute(_ROWS + " ORDER BY t.id").fetchall()]


def one(conn: psycopg.Connection[Any], territory_id: str) -> TerritoryRow:
    row = conn.execute(_ROWS + " WHERE t.id = %s", (territory_id,)).fetchone()
    if row is None:
        raise NotFound(f"territoire inconnu : {territory_id}")
    return _row(row)


def communes_of(conn: psycopg.Connection[Any], territory_id: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT insee_code, name FROM territory_commune WHERE territory_id = %s ORDER BY name",
            (territory_id,),
        ).fetchall()
    ]


def hosts(conn: psycopg.Connection[Any]) -> dict[str, str]:
    """host → territory id."""
    return {r[0]: r[1] for r in conn.execute("SELECT host, territory_id FROM territory_host")}


def ids(conn: psycopg.Connection[Any]) -> set[str]:
    return {r[0] for r in conn.execute("SELECT id FROM territory")}


def helplines_file(conn: psycopg.Connection[Any], territory_id: str) -> str | None:
    row = conn.execute(
        "SELECT helplines_file FROM territory WHERE id = %s", (territory_id,)
    ).fetchone()
    return row[0] if row else None
