"""Read school files into :class:`~exhibitions.models.School` records (no database here).

Two layouts are understood, whatever the container:

* the national « Annuaire de l'éducation » (``fr-en-annuaire-education``, data.education.gouv.fr):
  ``identifiant_de_l_etablissement``, ``nom_etablissement``, ``type_etablissement``,
  ``statut_public_prive``, ``adresse_1``, ``code_postal``, ``code_commune``, ``nom_commune``,
  ``appartenance_education_prioritaire``, ``nombre_d_eleves``, ``etat``, ``latitude``,
  ``longitude`` (or ``position``), in any case (the CSV "labels" export capitalises them);
* the project's shared collèges (``../shared/data/schools``): ``uai``, ``nom``/``nom_recent``,
  ``secteur``, ``section_segpa``, ``adresse``, ``insee_com``, ``education_prioritaire``, ``ips``,
  ``effectif``… and a Point geometry.

Containers: CSV (``;`` as published, or ``,``; UTF-8 or Windows-1252), GeoJSON, and the JSON
exports of the portal (a list of flat records, the older ``{"fields", "geometry"}`` records, or
an API answer with ``results``). Every record that cannot be used is kept in ``skipped`` with a
French reason; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from exhibitions.models import Level, Priority, School, Sector
from exhibitions.uai import normalise_uai
from geo.errors import Invalid
from geo.shapes import check_lon_lat

ANNUAIRE = "annuaire"
SIMPLE = "simple"

# Candidate keys (lower case), most specific first.
KEYS: dict[str, tuple[str, ...]] = {
    "uai": ("identifiant_de_l_etablissement", "uai", "numero_uai", "code_uai"),
    "name": ("nom_recent", "nom_etablissement", "nom", "appellation_officielle"),
    "type": ("type_etablissement", "type", "niveau"),
    "sector": ("statut_public_prive", "secteur", "secteur_public_prive_libe"),
    "address": ("adresse_1", "adresse"),
    "address2": ("adresse_2",),
    "postal_code": ("code_postal", "code_postal_uai"),
    "commune": ("nom_commune", "commune", "libelle_commune"),
    "insee": ("code_commune", "insee_com", "code_insee"),
    "priority": ("appartenance_education_prioritaire", "education_prioritaire", "ep"),
    "segpa_section": ("section_segpa",),
    "nature": ("libelle_nature",),
    "ips": ("ips", "ips_moyen"),
    "ips_year": ("ips_annee",),
    "enrolment": ("nombre_d_eleves", "effectif"),
    "enrolment_year": ("effectif_annee",),
    "state": ("etat",),
    "lon": ("longitude", "lon"),
    "lat": ("latitude", "lat"),
    "position": ("position", "geo_point_2d", "coordonnees"),
}
TYPES = {"ecole": Level.ECOLE, "college": Level.COLLEGE, "lycee": Level.LYCEE}
_SEGPA = re.compile(r"^section d.enseignement g[ée]n[ée]ral et professionnel adapt[ée]", re.I)


@dataclass(frozen=True)
class Skipped:
    """A record that was not imported, and why (French)."""

    line: int
    uai: str | None
    name: str | None
    reason: str


@dataclass
class ReadResult:
    source: str
    sha256: str
    layout: str
    rows: int
    records: list[School] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ep_matched: int = 0


def read_schools(
    path: Path | str,
    default_level: Level = Level.COLLEGE,
    education_prioritaire: Path | str | None = None,
) -> ReadResult:
    """Read a school file (CSV, GeoJSON or JSON) into validated records.

    Parameters
    ----------
    path : Path or str
        The file.
    default_level : Level
        Level of records that do not state their type (the shared collèges file).
    education_prioritaire : Path or str, optional
        A CSV (``uai``, ``ep``, ``ips``) whose REP / REP+ / hors EP status and IPS override those
        of the file, joined on UAI.

    Raises
    ------
    Invalid
        When the file cannot be read or has no UAI column.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Invalid(f"fichier illisible : {path} ({exc.strerror})") from exc
    rows = list(_rows(path, data))
    if not rows:
        raise Invalid(f"aucun établissement dans {path.name}")
    keys = {k for _line, row, _pos in rows[:50] for k in row}
    if not any(k in keys for k in KEYS["uai"]):
        raise Invalid(
            f"{path.name} : colonne UAI introuvable (identifiant_de_l_etablissement, uai)"
        )
    layout = ANNUAIRE if "identifiant_de_l_etablissement" in keys else SIMPLE
    result = ReadResult(str(path), hashlib.sha256(data).hexdigest(), layout, len(rows))
    seen: set[str] = set()
    for line, row, position in rows:
        try:
            school = _school(row, position, layout, default_level, f"{path.name}")
        except Invalid as exc:
            result.skipped.append(Skipped(line, _text(row, "uai"), _text(row, "name"), exc.message))
            continue
        if school.uai in seen:
            result.skipped.append(Skipped(line, school.uai, school.name, "UAI en double"))
            continue
        seen.add(school.uai)
        result.records.append(school)
    if education_prioritaire is not None:
        _join_ep(result, Path(education_prioritaire))
    return result


# --- containers --------------------------------------------------------------------------------

Row = tuple[int, dict[str, Any], tuple[float, float] | None]


def _rows(path: Path, data: bytes) -> Iterator[Row]:
    text = _decode(data)
    stripped = text.lstrip()
    if path.suffix.lower() in (".json", ".geojson") or stripped.startswith(("{", "[")):
        yield from _json_rows(path, stripped)
    else:
        yield from _csv_rows(text)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _csv_rows(text: str) -> Iterator[Row]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    for number, row in enumerate(reader, start=2):
        yield number, {_key(k): v for k, v in row.items() if k}, None


def _json_rows(path: Path, text: str) -> Iterator[Row]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(f"{path.name} : JSON invalide (ligne {exc.lineno})") from exc
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        items: list[Any] = doc.get("features") or []
    elif isinstance(doc, dict) and isinstance(doc.get("results"), list):
        items = doc["results"]
    elif isinstance(doc, list):
        items = doc
    else:
        raise Invalid(f"{path.name} : ni GeoJSON ni liste d'établissements")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        props = item.get("properties") or item.get("fields") or item
        geometry = item.get("geometry")
        yield number, {_key(k): v for k, v in props.items()}, _point(geometry)


def _point(geometry: Any) -> tuple[float, float] | None:
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if isinstance(coords, list) and len(coords) >= 2:
            return (coords[0], coords[1])
    return None


def _key(name: str) -> str:
    return name.strip().lower()


# --- one record --------------------------------------------------------------------------------


def _text(row: Mapping[str, Any], what: str) -> str | None:
    for key in KEYS[what]:
        value = row.get(key)
        if value is not None and str(value).strip() != "":
            return str(value).strip()
    return None


def _school(
    row: dict[str, Any],
    position: tuple[float, float] | None,
    layout: str,
    default_level: Level,
    source: str,
) -> School:
    uai = normalise_uai(_text(row, "uai") or "")
    name = _text(row, "name")
    if not name:
        raise Invalid("nom de l'établissement manquant")
    state = (_text(row, "state") or "OUVERT").upper()
    if state not in ("OUVERT", "A OUVRIR"):
        raise Invalid(f"établissement non ouvert (état : {state.lower()})")
    level = _level(_text(row, "type"), default_level)
    sector = _sector(_text(row, "sector"))
    insee = _text(row, "insee")
    if not insee or not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", insee.zfill(5)):
        raise Invalid(f"code commune INSEE manquant ou invalide : {insee!r}")
    lon, lat = _lon_lat(row, position)
    street = ", ".join(p for p in (_text(row, "address"), _text(row, "address2")) if p)
    postal = _text(row, "postal_code")
    return School(
        uai=uai,
        name=name,
        level=level,
        sector=sector,
        insee_code=insee.zfill(5),
        lon=lon,
        lat=lat,
        commune=_text(row, "commune"),
        address=street or None,
        postal_code=postal if postal and re.fullmatch(r"[0-9]{5}", postal) else None,
        priority=_priority(row, layout, sector),
        segpa_section=_is_section(row, name),
        ips=_number(_text(row, "ips"), 20, 250),
        ips_year=_text(row, "ips_year"),
        enrolment=_integer(_text(row, "enrolment"), 0, 10_000),
        enrolment_year=_text(row, "enrolment_year"),
        source=source,
    )


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


def _level(value: str | None, default: Level) -> Level:
    if value is None:
        return default
    level = TYPES.get(_ascii(value))
    if level is None:
        raise Invalid(f"type d'établissement non pris en charge : {value}")
    return level


def _sector(value: str | None) -> Sector:
    plain = _ascii(value or "")
    if plain == "public":
        return Sector.PUBLIC
    if plain in ("prive", "privee"):
        return Sector.PRIVE
    raise Invalid(f"statut public/privé inconnu : {value!r}")


def _priority(row: Mapping[str, Any], layout: str, sector: Sector) -> Priority | None:
    raw = _text(row, "priority")
    if raw is None:
        # In the annuaire an empty cell means "hors éducation prioritaire" (public schools).
        return Priority.HORS_EP if layout == ANNUAIRE and sector is Sector.PUBLIC else None
    plain = raw.upper().replace(" ", "")
    if plain.startswith("REP+"):
        return Priority.REP_PLUS
    if plain.startswith("REP"):
        return Priority.REP
    if plain in ("HORSEP", "HORS_EP", "NON"):
        return Priority.HORS_EP
    raise Invalid(f"éducation prioritaire inconnue : {raw!r} (REP, REP+ ou hors EP)")


def _is_section(row: Mapping[str, Any], name: str) -> bool:
    flag = row.get("section_segpa")
    if isinstance(flag, bool):
        return flag
    if isinstance(flag, str) and flag.strip().lower() in ("true", "1", "oui"):
        return True
    nature = _text(row, "nature") or ""
    return bool(_SEGPA.match(name) or "SEGPA" in nature.upper())


def _lon_lat(row: Mapping[str, Any], position: tuple[float, float] | None) -> tuple[float, float]:
    lon: Any = _text(row, "lon")
    lat: Any = _text(row, "lat")
    if lon is None or lat is None:
        pos = next((row[k] for k in KEYS["position"] if row.get(k)), None)
        if isinstance(pos, dict):
            lon, lat = pos.get("lon"), pos.get("lat")
        elif isinstance(pos, str) and "," in pos:  # the CSV export: "47.21, -1.55" (lat, lon)
            lat, lon = (p.strip() for p in pos.split(",", 1))
        elif position is not None:
            lon, lat = position
    if lon is None or lat is None:
        raise Invalid("coordonnées manquantes")
    try:
        x, y = float(str(lon).replace(",", ".")), float(str(lat).replace(",", "."))
    except ValueError as exc:
        raise Invalid(f"coordonnées invalides : {lon!r}, {lat!r}") from exc
    check_lon_lat(x, y)
    return (x, y)


def _number(value: str | None, low: float, high: float) -> float | None:
    try:
        number = float(value.replace(",", ".")) if value else None
    except ValueError:
        return None
    return number if number is not None and low <= number <= high else None


def _integer(value: str | None, low: int, high: int) -> int | None:
    number = _number(value, low, high)
    return int(number) if number is not None and number == int(number) else None


# --- éducation prioritaire join ------------------------------------------------------------------


def _join_ep(result: ReadResult, path: Path) -> None:
    """Override priority and IPS from an EP list (``uai``, ``ep``, ``ips``) joined on UAI."""
    try:
        rows = list(_csv_rows(_decode(path.read_bytes())))
    except OSError as exc:
        raise Invalid(f"fichier illisible : {path} ({exc.strerror})") from exc
    status: dict[str, tuple[Priority | None, float | None]] = {}
    for _line, row, _pos in rows:
        uai = _text(row, "uai")
        if not uai:
            continue
        ep = _priority({"ep": row.get("ep") or "hors EP"}, SIMPLE, Sector.PUBLIC)
        status[uai.upper()] = (ep, _number(_text(row, "ips") or row.get("valeur"), 20, 250))
    for i, school in enumerate(result.records):
        if school.uai in status:
            ep, ips = status[school.uai]
            result.records[i] = replace(school, priority=ep, ips=ips if ips else school.ips)
            result.ep_matched += 1
