"""Reading the national census of sports equipment as the ministère des Sports publishes it
(Data ES, ``equipements.sports.gouv.fr``, dataset ``data-es``, CSV export ``;``-separated):
one row per equipment, ``equip_numero`` its national id, ``equip_nom``/``inst_nom``,
``equip_type_name``/``equip_type_famille``, ``inst_adresse``/``inst_cp``, the commune
(``new_name``/``new_code``, older exports ``com_nom``/``com_code``), the position
(``equip_x`` longitude / ``equip_y`` latitude in WGS84, or ``equip_coordonnees`` « lat, lon »),
``equip_acc_libre`` (free access) and ``equip_maj_date``.

Pure functions: bytes in, rows and refusals (each with its reason) out. Nothing here writes.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from geo.errors import Invalid

EXPORT_URL = (
    "https://equipements.sports.gouv.fr/api/explore/v2.1/catalog/datasets/data-es/exports/csv"
)
"""The official export (add ``?refine=dep_code:44`` for one département)."""
MAX_BYTES = 400 * 1024 * 1024

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("equip_numero", "equipementid", "numero_equipement"),
    "installation_id": ("inst_numero", "installationid"),
    "installation": ("inst_nom", "nom_installation"),
    "name": ("equip_nom", "nom_equipement"),
    "kind": ("equip_type_name", "equip_type_lib", "type_equipement"),
    "family": ("equip_type_famille", "famille_equipement"),
    "address": ("inst_adresse", "adresse"),
    "postcode": ("inst_cp", "code_postal"),
    "commune": ("new_name", "com_nom", "inst_com_nom", "commune"),
    "code_insee": ("new_code", "com_code", "inst_com_code", "code_insee"),
    "lon": ("equip_x", "longitude", "lon"),
    "lat": ("equip_y", "latitude", "lat"),
    "coordinates": ("equip_coordonnees", "coordonnees", "geo_point_2d"),
    "free_access": ("equip_acc_libre", "acces_libre"),
    "updated_on": ("equip_maj_date", "date_maj"),
}
REQUIRED = ("id",)
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_INSEE = re.compile(r"^([0-9]{5}|2[AB][0-9]{3})$")
FRANCE = (-5.5, 41.0, 10.0, 51.5)
"""Metropolitan France (lon/lat); overseas facilities are outside any QPV of this instance
but still accepted when their coordinates are valid WGS84 (checked separately)."""


@dataclass(frozen=True)
class Facility:
    id: str
    name: str
    lon: float
    lat: float
    installation_id: str | None = None
    installation: str | None = None
    kind: str | None = None
    family: str | None = None
    address: str | None = None
    postcode: str | None = None
    commune: str | None = None
    code_insee: str | None = None
    free_access: bool | None = None
    updated_on: date | None = None


@dataclass
class Read:
    facilities: list[Facility] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    """(line number, equip_numero or « ? », reason in French)."""
    columns: dict[str, str] = field(default_factory=dict)
    """Our field → the file's column."""


def read_csv(data: bytes, label: str = "fichier") -> Read:
    """Every row of a Data ES CSV export, or :class:`Invalid` for a file that is not one."""
    if len(data) > MAX_BYTES:
        raise Invalid(f"{label} : fichier trop volumineux ({len(data) // 2**20} Mio)")
    text = _decode(data, label)
    try:
        dialect = csv.Sniffer().sniff(text[:20_000], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lstrip("\ufeff") for h in (reader.fieldnames or [])]
    lowered = {h.lower(): h for h in header}
    columns: dict[str, str] = {}
    for ours, names in ALIASES.items():
        for name in names:
            if name in lowered:
                columns[ours] = lowered[name]
                break
    missing = [f for f in REQUIRED if f not in columns]
    has_position = ("lon" in columns and "lat" in columns) or "coordinates" in columns
    if missing or not has_position or not ("name" in columns or "installation" in columns):
        raise Invalid(
            f"{label} : ce n'est pas un export du recensement des équipements sportifs "
            f"(colonnes attendues : equip_numero, equip_nom ou inst_nom, equip_x et equip_y "
            f"ou equip_coordonnees ; trouvées : {', '.join(header[:15]) or 'aucune'})"
        )
    out = Read(columns=columns)
    seen: set[str] = set()
    for line, raw_row in enumerate(reader, start=2):
        row = {k.strip().lstrip("\ufeff"): (v or "").strip() for k, v in raw_row.items() if k}
        ident = _get(row, columns, "id") or "?"
        try:
            facility = _facility(row, columns)
        except Invalid as exc:
            out.refused.append((line, ident, exc.message))
            continue
        if facility.id in seen:
            out.refused.append((line, ident, "equip_numero en double dans le fichier"))
            continue
        seen.add(facility.id)
        out.facilities.append(facility)
    return out


def _decode(data: bytes, label: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid(f"{label} : encodage illisible (UTF-8 ou Windows-1252 attendu)")


def _get(row: dict[str, str], columns: dict[str, str], key: str) -> str | None:
    column = columns.get(key)
    value = row.get(column, "") if column else ""
    return value or None


def _facility(row: dict[str, str], columns: dict[str, str]) -> Facility:
    ident = _get(row, columns, "id")
    if not ident or not _ID.match(ident):
        raise Invalid(f"equip_numero absent ou invalide : {ident!r}")
    name = _get(row, columns, "name") or _get(row, columns, "installation")
    if not name:
        raise Invalid("nom absent (equip_nom et inst_nom vides)")
    lon, lat = _position(row, columns)
    code = _get(row, columns, "code_insee")
    if code and not _INSEE.match(code):
        code = None  # a malformed commune code is dropped, the facility kept
    return Facility(
        id=ident,
        name=name[:300],
        lon=lon,
        lat=lat,
        installation_id=_get(row, columns, "installation_id"),
        installation=_get(row, columns, "installation"),
        kind=_get(row, columns, "kind"),
        family=_get(row, columns, "family"),
        address=_get(row, columns, "address"),
        postcode=_get(row, columns, "postcode"),
        commune=_get(row, columns, "commune"),
        code_insee=code,
        free_access=_bool(_get(row, columns, "free_access")),
        updated_on=_day(_get(row, columns, "updated_on")),
    )


def _number(text: str | None, what: str) -> float:
    if text is None:
        raise Invalid(f"{what} absente")
    try:
        value = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except ValueError as exc:
        raise Invalid(f"{what} n'est pas un nombre : {text!r}") from exc
    if not math.isfinite(value):
        raise Invalid(f"{what} n'est pas un nombre fini : {text!r}")
    return value


def _position(row: dict[str, str], columns: dict[str, str]) -> tuple[float, float]:
    if "lon" in columns and _get(row, columns, "lon") and _get(row, columns, "lat"):
        lon = _number(_get(row, columns, "lon"), "longitude (equip_x)")
        lat = _number(_get(row, columns, "lat"), "latitude (equip_y)")
    else:
        pair = _get(row, columns, "coordinates")
        parts = [p for p in re.split(r"[,;\s]+", pair or "") if p]
        if len(parts) != 2:
            raise Invalid(f"coordonnées absentes ou illisibles : {pair!r}")
        lat, lon = _number(parts[0], "latitude"), _number(parts[1], "longitude")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise Invalid(f"coordonnées hors des limites WGS84 : {lon}, {lat}")
    minx, miny, maxx, maxy = FRANCE
    in_france = minx <= lon <= maxx and miny <= lat <= maxy
    if not in_france and minx <= lat <= maxx and miny <= lon <= maxy:
        raise Invalid(f"longitude et latitude inversées ? ({lon}, {lat})")
    if lon == 0 and lat == 0:
        raise Invalid("coordonnées nulles (0, 0)")
    return lon, lat


def _bool(text: str | None) -> bool | None:
    if text is None:
        return None
    folded = text.strip().lower()
    if folded in ("oui", "true", "1", "vrai", "o"):
        return True
    if folded in ("non", "false", "0", "faux", "n"):
        return False
    return None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def as_record(f: Facility) -> dict[str, Any]:
    return {
        "id": f.id,
        "installation_id": f.installation_id,
        "installation": f.installation,
        "name": f.name,
        "kind": f.kind,
        "family": f.family,
        "address": f.address,
        "postcode": f.postcode,
        "commune": f.commune,
        "code_insee": f.code_insee,
        "free_access": f.free_access,
        "updated_on": f.updated_on,
        "lon": f.lon,
        "lat": f.lat,
    }
