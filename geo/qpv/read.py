"""Read the State's QPV files (shapefile, GeoPackage, GeoJSON, zip archives, URLs) into one
normalised GeoDataFrame: ``code, generation, name, communes, insee_codes, population,
population_year, geometry`` in EPSG:4326, MultiPolygons only, every geometry valid."""

from __future__ import annotations

import re
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from geo.crs import ensure_crs, in_france
from geo.errors import Invalid
from geo.qpv.manifest import Manifest, load_manifest, sha256_file
from geo.shapes import validity_reason

VECTOR_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".fgb")
MAX_DOWNLOAD_BYTES = 500 * 1024 * 1024
COLUMNS = [
    "code",
    "generation",
    "name",
    "communes",
    "insee_codes",
    "population",
    "population_year",
    "geometry",
]

Progress = Callable[[str, int, int], None]


class ImportProblems(Invalid):
    """The file cannot be imported; ``problems`` lists every reason (one per feature)."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass
class QpvFile:
    """A QPV file read and normalised, ready to be stored."""

    frame: gpd.GeoDataFrame
    generation: int
    source: str
    sha256: str
    known_as: str | None = None
    repaired: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frame)


def read_qpv(
    source: str | Path,
    generation: int | None = None,
    manifest: Manifest | None = None,
    crs: int | None = None,
    repair: bool = False,
    progress: Progress | None = None,
) -> QpvFile:
    """Read and validate a QPV file.

    Parameters
    ----------
    source : str or Path
        A local file (shapefile, GeoPackage, GeoJSON…), a zip archive holding one, or an
        ``http(s)://`` URL to download.
    generation : {2015, 2024}, optional
        Forced generation; detected from the codes (``QP…`` = 2015, ``QN…`` = 2024) otherwise.
    manifest : Manifest, optional
        Field mappings and known sources; the project manifest by default.
    crs : int, optional
        EPSG code to assume when the file declares none.
    repair : bool
        Repair invalid polygons with ``make_valid`` (reported) instead of refusing the file.
    progress : callable, optional
        ``progress(step, done, total)`` callback.

    Raises
    ------
    Invalid
        Unknown format, empty file, missing fields, unknown generation.
    ImportProblems
        One or more features are unacceptable; the message lists them.
    """
    manifest = manifest or load_manifest()
    if generation is not None and generation not in manifest.generations:
        raise Invalid(
            f"génération inconnue : {generation} (attendu : "
            f"{', '.join(str(g) for g in sorted(manifest.generations))})"
        )
    with tempfile.TemporaryDirectory(prefix="qpv-") as tmp:
        path, label = _materialise(str(source), Path(tmp), manifest, generation)
        digest = sha256_file(path) if path.is_file() else ""
        known = manifest.known_extract(path) if path.is_file() else None
        raw = _read_vector(path, manifest, generation)
    if raw.empty:
        raise Invalid(f"{label} : aucune entité dans le fichier")
    if raw.crs is None and crs is None:
        raise Invalid(
            f"{label} : le fichier ne déclare pas de système de coordonnées (option --crs)"
        )
    raw = ensure_crs(raw, default=crs)
    frame, gen, repaired = _normalise(raw, manifest, generation, repair, progress)
    return QpvFile(
        frame=frame,
        generation=gen,
        source=label,
        sha256=digest,
        known_as=str(known["file"]) if known else None,
        repaired=repaired,
    )


def _materialise(
    source: str, tmp: Path, manifest: Manifest, generation: int | None
) -> tuple[Path, str]:
    """Download and/or unzip ``source``; return the vector file to read and a label."""
    label = source
    if re.match(r"^https?://", source):
        path = _download(source, tmp)
    else:
        path = Path(source)
        if not path.exists():
            raise Invalid(f"fichier introuvable : {source}")
    if path.is_file() and zipfile.is_zipfile(path):
        path = _unzip(path, tmp / "unzipped", manifest, generation)
    return path, label


def _download(url: str, tmp: Path) -> Path:
    target = tmp / "download"
    try:
        with urllib.request.urlopen(url, timeout=60) as resp, open(target, "wb") as out:  # noqa: S310 - http(s) only, checked above
            name = Path(resp.geturl().split("?")[0]).name or "download"
            size = 0
            while block := resp.read(1 << 20):
                size += len(block)
                if size > MAX_DOWNLOAD_BYTES:
                    raise Invalid(f"téléchargement trop volumineux (> {MAX_DOWNLOAD_BYTES} octets)")
                out.write(block)
    except OSError as exc:
        raise Invalid(f"téléchargement impossible : {url} ({exc})") from exc
    final = tmp / name
    target.rename(final)
    return final


def _unzip(path: Path, dest: Path, manifest: Manifest, generation: int | None) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.namelist() if m.lower().endswith(VECTOR_SUFFIXES)]
        wanted = [
            g.archive_member
            for y, g in manifest.generations.items()
            if g.archive_member and (generation is None or y == generation)
        ]
        chosen = next((m for m in members if m in wanted), None)
        if chosen is None and len(members) == 1:
            chosen = members[0]
        if chosen is None:
            raise Invalid(
                f"archive {path.name} : impossible de choisir le fichier à lire parmi "
                f"{', '.join(members) or 'aucun fichier vectoriel'}"
            )
        for member in archive.namelist():
            target = (dest / member).resolve()
            if not str(target).startswith(str(dest.resolve())):
                raise Invalid(f"archive {path.name} : chemin interdit {member!r}")
        archive.extractall(dest)
    return dest / chosen


def _read_vector(path: Path, manifest: Manifest, generation: int | None) -> gpd.GeoDataFrame:
    kwargs: dict[str, Any] = {}
    if path.suffix.lower() == ".shp" and not path.with_suffix(".cpg").exists():
        gen = manifest.generations.get(generation or 2015)
        kwargs["encoding"] = gen.encoding if gen else "cp1252"
    try:
        frame = pyogrio.read_dataframe(path, **kwargs)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise Invalid(f"{path.name} : format de fichier non reconnu ({_first_line(exc)})") from exc
    if not isinstance(frame, gpd.GeoDataFrame) or (frame.geometry.isna().all() and len(frame)):
        raise Invalid(f"{path.name} : le fichier ne contient pas de géométries")
    return frame


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _column(frame: pd.DataFrame, candidates: list[str]) -> str | None:
    lower = {c.lower(): c for c in frame.columns}
    for name in candidates:
        if name.lower() in lower:
            return str(lower[name.lower()])
    return None


def _normalise(
    raw: gpd.GeoDataFrame,
    manifest: Manifest,
    generation: int | None,
    repair: bool,
    progress: Progress | None,
) -> tuple[gpd.GeoDataFrame, int, list[str]]:
    all_code_fields = [f for g in manifest.generations.values() for f in g.fields["code"]]
    code_col = _column(raw, all_code_fields)
    if code_col is None:
        raise Invalid(
            "champ du code QPV introuvable (attendu l'un de : "
            f"{', '.join(dict.fromkeys(all_code_fields))})"
        )
    codes = [str(c).strip().upper() if c is not None else "" for c in raw[code_col]]
    gen_year = generation or manifest.detect([c for c in codes if c])
    if gen_year is None:
        raise Invalid(
            "génération non reconnue d'après les codes (QP… = 2015, QN… = 2024) : "
            "précisez --generation"
        )
    gen = manifest.generations[gen_year]
    cols = {key: _column(raw, names) for key, names in gen.fields.items()}
    if cols.get("name") is None:
        raise Invalid(
            f"champ du nom QPV introuvable (attendu l'un de : {', '.join(gen.fields['name'])})"
        )
    problems: list[str] = []
    repaired: list[str] = []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    total = len(raw)
    for i, (code, (_, rec)) in enumerate(zip(codes, raw.iterrows(), strict=True)):
        where = f"entité {i + 1} ({code or 'sans code'})"
        if not gen.code_pattern.match(code):
            problems.append(f"{where} : code {code!r} invalide pour la génération {gen_year}")
            continue
        if code in seen:
            problems.append(f"{where} : code en double dans le fichier")
            continue
        seen.add(code)
        name = _text(rec[cols["name"]]) if cols["name"] else ""
        if not name:
            problems.append(f"{where} : nom manquant")
            continue
        geom, why, fixed = _polygonal(rec.geometry, repair)
        if why:
            problems.append(f"{where} : {why}")
            continue
        if fixed:
            repaired.append(code)
        if not in_france(*geom.bounds):
            problems.append(
                f"{where} : coordonnées hors de France après reprojection {geom.bounds}"
            )
            continue
        rows.append(
            {
                "code": code,
                "generation": gen_year,
                "name": name,
                "communes": _split(rec.get(cols["communes"])) if cols.get("communes") else [],
                "insee_codes": _split(rec.get(cols["insee_codes"]))
                if cols.get("insee_codes")
                else [],
                "population": _int(rec.get(cols["population"])) if cols.get("population") else None,
                "population_year": gen.population_year,
                "geometry": geom,
            }
        )
        if progress:
            progress("validation", i + 1, total)
    if problems:
        raise ImportProblems(
            f"{len(problems)} entité(s) refusée(s), rien n'a été importé :\n- "
            + "\n- ".join(problems),
            problems,
        )
    return (
        gpd.GeoDataFrame(rows, columns=COLUMNS, geometry="geometry", crs=4326),
        gen_year,
        repaired,
    )


def _polygonal(geom: BaseGeometry | None, repair: bool) -> tuple[MultiPolygon, str | None, bool]:
    """(multipolygon, reason it is refused or None, whether it was repaired)."""
    empty = MultiPolygon()
    if geom is None or geom.is_empty:
        return empty, "géométrie absente", False
    if not isinstance(geom, (Polygon, MultiPolygon)):
        return empty, f"géométrie de type {geom.geom_type} (polygone attendu)", False
    geom = shapely.force_2d(geom)
    reason = validity_reason(geom)
    if reason is None:
        return (geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])), None, False
    if not repair:
        return empty, f"polygone invalide : {reason}", False
    fixed = shapely.make_valid(geom)
    parts = [g for g in getattr(fixed, "geoms", [fixed]) if isinstance(g, (Polygon, MultiPolygon))]
    polys = [p for g in parts for p in getattr(g, "geoms", [g])]
    if not polys:
        return empty, f"polygone invalide et irréparable : {reason}", False
    return MultiPolygon(polys), None, True


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def _split(value: Any) -> list[str]:
    text = _text(value)
    return [part.strip() for part in re.split(r"[,;/]", text) if part.strip()] if text else []


def _int(value: Any) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def read_2024_codes(path: Path) -> list[tuple[str, str, str]]:
    """Read the list of 2024 codes with the 2015 code of the same number
    (``code_qp_2024, lib_qp_2024, code_qp_2015_meme_numero`` columns)."""
    import csv

    if not path.exists():
        raise Invalid(f"fichier introuvable : {path}")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        needed = {"code_qp_2024", "lib_qp_2024", "code_qp_2015_meme_numero"}
        if not reader.fieldnames or not needed <= set(reader.fieldnames):
            raise Invalid(f"{path.name} : colonnes attendues {', '.join(sorted(needed))}")
        rows = []
        for line in reader:
            code24 = line["code_qp_2024"].strip().upper()
            if not re.match(r"^QN[0-9]{5}[A-Z]$", code24):
                raise Invalid(f"{path.name} : code 2024 invalide {code24!r}")
            rows.append(
                (code24, line["lib_qp_2024"].strip(), line["code_qp_2015_meme_numero"].strip())
            )
    return rows
