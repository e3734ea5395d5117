"""Validate and normalise one actor record, field by field, before anything is written.

Every problem of a record is collected (not only the first) and raised together as
:class:`~actors.errors.InvalidRecord`, so an import reports the whole row and skips it: a row is
never half-written. Phones become E.164 (``phonenumbers``), e-mails are checked for syntax only
(``email-validator``, no DNS), URLs must be absolute http(s), opening hours must parse as
OpenStreetMap syntax (``opening-hours-py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from actors import hours, vocab
from actors.errors import InvalidRecord
from actors.models import LIST_FIELDS, HoursOrigin, Status, Visibility
from geo.crs import in_france
from geo.errors import Invalid
from geo.shapes import check_lon_lat

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_POSTCODE = re.compile(r"^\d{5}$")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
_TYPE = re.compile(r"^[a-z0-9_]{2,60}$")
_DATE_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

TEXT_LIMITS = {
    "nom": 300,
    "description": 5000,
    "adresse": 300,
    "complement_adresse": 300,
    "commune": 150,
    "hours_text": 2000,
    "closure_message": 500,
    "source": 300,
    "source_id": 200,
    "source_date": 100,
    "source_file": 300,
    "source_note": 1000,
}
MULTILINE = {"description", "hours_text", "source_note", "closure_message"}

VOCABULARY_FIELDS: dict[str, Callable[[], vocab.Vocabulary]] = {
    "grounds": vocab.grounds,
    "domains": vocab.domains,
    "publics": vocab.publics,
    "networks": vocab.networks,
    "languages": vocab.languages,
    "accessibility": vocab.accessibility,
    "modes_accueil": vocab.modes_accueil,
}
MAX_LIST = 60


def text(name: str, value: Any) -> str | None:
    """Strip, collapse spaces (single-line fields), refuse control characters, bound length."""
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise Invalid(f"{name} : texte attendu")
    out = unicodedata.normalize("NFC", str(value)).strip()
    out = re.sub(r"\r\n?", "\n", out) if name in MULTILINE else re.sub(r"\s+", " ", out)
    if _CONTROL.search(out):
        raise Invalid(f"{name} : caractères de contrôle interdits")
    limit = TEXT_LIMITS.get(name, 300)
    if len(out) > limit:
        raise Invalid(f"{name} : trop long ({len(out)} caractères, maximum {limit})")
    return out or None


def phone(value: Any) -> str | None:
    """E.164 (``+33240419596``) from a French or international number; Invalid otherwise."""
    raw = text("telephone", value)
    if raw is None:
        return None
    try:
        number = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException as exc:
        raise Invalid(f"telephone invalide : {raw!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise Invalid(f"telephone invalide : {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(value: Any) -> str | None:
    """The address normalised by ``email-validator`` (syntax only, no DNS lookup)."""
    raw = text("courriel", value)
    if raw is None:
        return None
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise Invalid(f"courriel invalide : {raw!r}") from exc


def url(name: str, value: Any) -> str | None:
    """An absolute http(s) URL with a dotted host and no spaces."""
    raw = text(name, value)
    if raw is None:
        return None
    parts = urlsplit(raw)
    host = parts.hostname or ""
    if (
        parts.scheme not in ("http", "https")
        or "." not in host
        or " " in raw
        or len(raw) > 500
        or not re.fullmatch(r"[a-z0-9.-]+", host)
    ):
        raise Invalid(f"{name} invalide (adresse web http(s) attendue) : {raw!r}")
    return raw


def codes(name: str, value: Any) -> list[str]:
    """A list of codes (a list, or a string separated by ``,`` ``;`` ``|``), checked."""
    if value is None or value == "":
        return []
    items = re.split(r"[,;|]", value) if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise Invalid(f"{name} : liste attendue")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise Invalid(f"{name} : codes textuels attendus")
        code = item.strip()
        if code and code not in out:
            out.append(code)
    if len(out) > MAX_LIST:
        raise Invalid(f"{name} : trop de valeurs (maximum {MAX_LIST})")
    if name in VOCABULARY_FIELDS:
        VOCABULARY_FIELDS[name]().check(out)
    elif any(not _SLUG.match(c) for c in out):
        bad = next(c for c in out if not _SLUG.match(c))
        raise Invalid(f"{name} : code invalide {bad!r} (minuscules, chiffres et tirets)")
    return out


def day(name: str, value: Any) -> date | None:
    """An ISO date (``AAAA-MM-JJ``)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise Invalid(f"{name} : date invalide (AAAA-MM-JJ attendu) : {value!r}") from exc


def date_from_label(label: str | None) -> date | None:
    """The date a source label starts with (``2019-11`` → 2019-11-01), or None."""
    if not label:
        return None
    match = _DATE_PREFIX.match(label.strip())
    if not match:
        return None
    year, month, dd = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return date(int(year), int(month), int(dd))
    except ValueError:
        return None


def position(lon: Any, lat: Any) -> tuple[float, float]:
    """A WGS84 position in France (catches swapped or projected coordinates)."""
    if isinstance(lon, str):
        lon = _number("longitude", lon)
    if isinstance(lat, str):
        lat = _number("latitude", lat)
    check_lon_lat(lon, lat)
    if not in_france(lon, lat, lon, lat):
        swapped = " (latitude et longitude inversées ?)" if in_france(lat, lon, lat, lon) else ""
        raise Invalid(f"position hors de France : [{lon}, {lat}]{swapped}")
    return float(lon), float(lat)


def _number(name: str, raw: str) -> float:
    try:
        return float(raw.strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except ValueError as exc:
        raise Invalid(f"{name} : nombre attendu (reçu : {raw!r})") from exc


def _one(field: str, value: Any) -> Any:
    if field in LIST_FIELDS:
        return codes(field, value)
    simple: dict[str, Callable[[Any], Any]] = {
        "telephone": phone,
        "courriel": email,
        "site_web": lambda v: url("site_web", v),
        "accessibilite_lieu": lambda v: url("accessibilite_lieu", v),
        "horaires_accueil": lambda v: None if v in (None, "") else hours.check(str(v)),
        "code_postal": lambda v: _pattern("code_postal", v, _POSTCODE, "5 chiffres"),
        "code_insee": lambda v: _pattern("code_insee", v, _INSEE, "code commune INSEE"),
        "actor_type": lambda v: _pattern("actor_type", v, _TYPE, "minuscules et _"),
        "frais": lambda v: None if v in (None, "") else vocab.frais().get(str(v).strip()).code,
        "status": lambda v: _enum("status", v, Status),
        "visibility": lambda v: _enum("visibility", v, Visibility),
        "hours_origin": lambda v: _enum("hours_origin", v, HoursOrigin) if v else None,
        "source_id_derived": bool,
    }
    if field in simple:
        return simple[field](value)
    if field in ("date_maj", "closed_from", "closed_until", "last_verified_on"):
        return day(field, value)
    return text(field, value)


def _pattern(name: str, value: Any, pattern: re.Pattern[str], what: str) -> str | None:
    raw = text(name, value)
    if raw is None:
        return None
    if not pattern.match(raw):
        raise Invalid(f"{name} invalide ({what}) : {raw!r}")
    return raw


def _enum(name: str, value: Any, kind: Any) -> str:
    try:
        return str(kind(str(value).strip()))
    except ValueError as exc:
        allowed = ", ".join(m.value for m in kind)
        raise Invalid(f"{name} inconnu : {value!r} (valeurs possibles : {allowed})") from exc


ESSENTIAL = ("nom", "source", "source_id")
"""Fields without which a row cannot become an actor (with its position)."""


def record(
    raw: Mapping[str, Any], require_name: bool = True, lenient: bool = False
) -> dict[str, Any]:
    """Validate every field of ``raw`` (column names, plus ``lon``/``lat``).

    Returns the normalised record; raises :class:`InvalidRecord` listing every bad field.
    With ``lenient`` (imports), a malformed field other than the name, the source and the
    position is left out of the record and named in ``import_issues`` instead (« champ :
    raison »), so one bad phone number does not cost the whole place.
    """
    reasons: list[str] = []
    issues: list[str] = []
    out: dict[str, Any] = {}
    for field, value in raw.items():
        if field in ("lon", "lat", "import_issues"):
            continue
        try:
            out[field] = _one(field, value)
        except Invalid as exc:
            if lenient and field not in ESSENTIAL:
                named = exc.message.startswith(field)
                issues.append(exc.message if named else f"{field} : {exc.message}")
            else:
                reasons.append(exc.message)
    if "lon" in raw or "lat" in raw:
        try:
            out["lon"], out["lat"] = position(raw.get("lon"), raw.get("lat"))
        except Invalid as exc:
            reasons.append(exc.message)
    if require_name and not out.get("nom"):
        reasons.append("nom : obligatoire")
    reasons += _closure_reasons(out)
    if reasons:
        raise InvalidRecord(reasons)
    if lenient:
        out["import_issues"] = [*raw.get("import_issues", ()), *issues]
    return out


def _closure_reasons(out: Mapping[str, Any]) -> list[str]:
    start, end = out.get("closed_from"), out.get("closed_until")
    if start and end and end < start:
        return ["closed_until : la fin de fermeture précède son début"]
    return []
