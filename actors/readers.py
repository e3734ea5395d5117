"""Read actor files into raw rows with canonical field names (nothing validated yet).

Three formats: GeoJSON (our harmonised file and our own export), CSV (``;`` or ``,``, lat/lon
columns, decimal comma tolerated, UTF-8 or Windows-1252) and data·inclusion JSON (a list of
structures, a list of services, or ``{"structures": […], "services": […]}``, services merged
into their structure).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actors import vocab
from geo.errors import Invalid, TooLarge
from geo.shapes import parse_geometry

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000

ALIASES = {
    "insee_com": "code_insee",
    "code_commune": "code_insee",
    "lib_com": "commune",
    "ville": "commune",
    "cp": "code_postal",
    "note": "source_note",
    "tel": "telephone",
    "phone": "telephone",
    "email": "courriel",
    "mail": "courriel",
    "web": "site_web",
    "site": "site_web",
    "url": "site_web",
    "type": "actor_type",
    "name": "nom",
    "horaires_accueil_osm": "horaires_accueil",
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "x": "lon",
    "y": "lat",
    "date_maj_source": "date_maj",
    "presentation_detail": "description",
}
"""Other names met for our fields (lower-cased keys)."""

IGNORED = {"insee_com_derived", "nantes_metropole", "duplicate_ids", "distance_m"}
"""Keys of the harmonised file that are not actor fields."""


@dataclass
class RawRow:
    """One input row: 1-based position in the file and its fields under canonical names."""

    row: int
    data: dict[str, Any]


@dataclass
class RawFile:
    path: str
    format: str
    rows: list[RawRow]
    notes: list[str] = field(default_factory=list)
    default_source: str | None = None


def read(path: str | Path) -> RawFile:
    """Read ``path`` (format from its content: GeoJSON, data·inclusion JSON or CSV)."""
    file = Path(path)
    if not file.is_file():
        raise Invalid(f"fichier introuvable : {file}")
    if file.stat().st_size > MAX_BYTES:
        raise TooLarge(f"fichier trop volumineux (plus de {MAX_BYTES // 1024 // 1024} Mio)")
    raw = file.read_bytes()
    head = raw.lstrip()[:1]
    if head in (b"{", b"["):
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Invalid(f"JSON illisible : {exc}") from exc
        if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
            return _geojson(str(file), doc)
        return _data_inclusion(str(file), doc)
    return _csv(str(file), _decode(raw))


def canonical(key: str) -> str:
    name = key.strip().lower()
    return ALIASES.get(name, name)


def _limit(count: int) -> None:
    if count > MAX_ROWS:
        raise TooLarge(f"trop de lignes (plus de {MAX_ROWS})")


# --- GeoJSON ------------------------------------------------------------------------------


def _geojson(path: str, doc: dict[str, Any]) -> RawFile:
    features = doc.get("features")
    if not isinstance(features, list):
        raise Invalid("GeoJSON sans liste « features »")
    _limit(len(features))
    meta: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
    rows = []
    for number, feature in enumerate(features, start=1):
        rows.append(RawRow(number, _feature(feature)))
    notes = [f"métadonnées du fichier : {str(meta.get('note'))[:200]}"] if meta.get("note") else []
    return RawFile(path, "geojson", rows, notes, meta.get("source"))


def _feature(feature: Any) -> dict[str, Any]:
    if not isinstance(feature, dict):
        return {"_error": "objet Feature attendu"}
    props: dict[str, Any] = (
        feature["properties"] if isinstance(feature.get("properties"), dict) else {}
    )
    data: dict[str, Any] = {}
    for key, value in props.items():
        name = canonical(key)
        if name not in IGNORED:
            data[name] = value
    _id_as_source_id(data)
    try:
        point = parse_geometry(feature.get("geometry"), allowed={"Point"})
        data["lon"], data["lat"] = point.x, point.y
    except Invalid as exc:
        data["_error"] = f"géométrie : {exc.message}"
    return data


def _id_as_source_id(data: dict[str, Any]) -> None:
    """``id`` is the source's id unless the row has a ``source_id`` field, even empty (then
    ``id`` is not the source's: the running number of the harmonised file, not stable across
    its rebuilds, or a database id in our own export)."""
    value = data.pop("id", None)
    if "source_id" not in data and value not in (None, ""):
        data["source_id"] = value


# --- CSV ----------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _csv(path: str, content: str) -> RawFile:
    sample = content[:4096]
    first = sample.splitlines()[0] if sample else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(content), delimiter=delimiter)
    if not reader.fieldnames:
        raise Invalid("CSV vide ou sans ligne d'en-tête")
    columns = {canonical(c) for c in reader.fieldnames if c}
    if not {"lon", "lat"} <= columns:
        raise Invalid(
            "CSV sans colonnes de position : « latitude » et « longitude » (ou « lat »/« lon ») "
            f"attendues ; colonnes lues : {', '.join(reader.fieldnames)}"
        )
    rows = []
    for number, line in enumerate(reader, start=2):  # line 1 is the header
        _limit(number)
        data = {canonical(k): _cell(v) for k, v in line.items() if k}
        _id_as_source_id(data)
        if None in line:
            data["_error"] = "ligne avec plus de valeurs que de colonnes"
        rows.append(RawRow(number, data))
    return RawFile(path, f"csv ({delimiter!r})", rows)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# --- data·inclusion JSON --------------------------------------------------------------------

_DI_PUBLICS = {t.data_inclusion: t.code for t in vocab.publics().terms if t.data_inclusion}


def _data_inclusion(path: str, doc: Any) -> RawFile:
    structures, services = _split(doc)
    _limit(len(structures) + len(services))
    by_structure: dict[str, list[dict[str, Any]]] = {}
    for service in services:
        by_structure.setdefault(str(service.get("structure_id")), []).append(service)
    notes: list[str] = []
    rows = []
    items: Iterator[dict[str, Any]] = iter(structures) if structures else iter(services)
    for number, item in enumerate(items, start=1):
        attached = by_structure.get(str(item.get("id")), []) if structures else [item]
        rows.append(RawRow(number, _di_row(item, attached, notes)))
    return RawFile(path, "data·inclusion", rows, notes)


def _split(doc: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if isinstance(doc, dict):
        structures, services = doc.get("structures") or [], doc.get("services") or []
    elif isinstance(doc, list):
        is_service = bool(doc) and isinstance(doc[0], dict) and "structure_id" in doc[0]
        structures, services = ([], doc) if is_service else (doc, [])
    else:
        raise Invalid("JSON data·inclusion attendu (liste ou {structures, services})")
    if not all(isinstance(x, dict) for x in [*structures, *services]):
        raise Invalid("JSON data·inclusion : chaque structure ou service doit être un objet")
    return structures, services


_DI_DIRECT = (
    "nom",
    "description",
    "adresse",
    "complement_adresse",
    "code_postal",
    "commune",
    "code_insee",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "reseaux_porteurs",
    "date_maj",
    "source",
)
_DI_SERVICE = ("thematiques", "modes_accueil", "horaires_accueil", "telephone", "courriel")


def _di_row(
    item: dict[str, Any], services: list[dict[str, Any]], notes: list[str]
) -> dict[str, Any]:
    data: dict[str, Any] = {k: item.get(k) for k in _DI_DIRECT if item.get(k) not in (None, "")}
    data["source_id"] = item.get("id")
    data["lon"], data["lat"] = item.get("longitude"), item.get("latitude")
    if not data.get("description") and item.get("presentation_resume"):
        data["description"] = item.get("presentation_resume")
    if data.get("date_maj"):
        data["source_date"] = str(data["date_maj"])
    for service in services:
        for key in _DI_SERVICE:
            if service.get(key) and not data.get(key):
                data[key] = service[key]
        _merge_publics(data, service.get("publics") or [], notes)
        frais = service.get("frais")
        if frais and "frais" not in data:
            data["frais"] = frais[0] if isinstance(frais, list) else frais
        for key, value in service.items():
            if key.startswith("cartegalite_") and value not in (None, "", []):
                data[key.removeprefix("cartegalite_")] = value
    return data


def _merge_publics(data: dict[str, Any], publics: list[Any], notes: list[str]) -> None:
    mine = list(data.get("publics") or [])
    for code in publics:
        ours = _DI_PUBLICS.get(str(code))
        if ours is None:
            message = f"public data·inclusion sans équivalent, ignoré : {code}"
            if message not in notes:
                notes.append(message)
        elif ours not in mine:
            mine.append(ours)
    if mine:
        data["publics"] = mine
