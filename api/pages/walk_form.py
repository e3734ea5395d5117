"""The back office's walk form (no route here): form fields as data, the submitted values read
back, and the same validation as ``POST /api/walks`` (:class:`api.schemas_surveys.WalkCreate`)
with each French message placed next to its field."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from api.errors import french_error
from api.pages.staff_page import form_text
from api.schemas_surveys import WalkCreate
from surveys.models import TimeSlot, WalkInput
from ui.fields import Checkbox, Control, Select, TextArea, TextInput

SLOT_LABELS = {TimeSlot.JOUR: "jour", TimeSlot.SOIREE: "soirée", TimeSlot.NUIT: "nuit"}
STOP_HINT = (
    "Un arrêt par ligne : « nom ; latitude ; longitude » en degrés "
    "(ex. « Place Mendès-France ; 47.2062 ; -1.6150 »). Sur la carte, un clic ajoute une ligne."
)
ROUTE_HINT = (
    "Un point par ligne : « latitude ; longitude », dans l'ordre de la marche. Sur la carte, "
    "choisissez « un point du parcours » puis cliquez."
)
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")


@dataclass
class WalkFormValues:
    """What the person typed (kept after an error)."""

    title: str = ""
    day: str = ""
    time_slot: str = ""
    qpv: str = ""
    women_only: bool = False
    organiser: str = ""
    group_size: str = ""
    paired: str = ""
    stops: str = ""
    route: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def read(form: Any) -> WalkFormValues:
    """The submitted values, as typed."""
    return WalkFormValues(
        title=form_text(form, "title", 300),
        day=form_text(form, "date", 20),
        time_slot=form_text(form, "time_slot", 20),
        qpv=form_text(form, "qpv", 20),
        women_only=form_text(form, "women_only", 10) == "true",
        organiser=form_text(form, "organiser", 300),
        group_size=form_text(form, "group_size", 10),
        paired=form_text(form, "paired", 40),
        stops=form_text(form, "stops", 20_000),
        route=form_text(form, "route", 100_000),
    )


def from_walk(w: dict[str, Any]) -> WalkFormValues:
    """The form filled with a walk as ``surveys.service.walks.get_walk`` returns it."""
    stops = "\n".join(
        f"{s['name']} ; {lat:.6f} ; {lon:.6f}"
        for s in w.get("stops") or []
        for lon, lat in [s["location"]["coordinates"][:2]]
    )
    route = "\n".join(
        f"{lat:.6f} ; {lon:.6f}" for lon, lat, *_ in (w.get("route") or {}).get("coordinates", [])
    )
    codes = w.get("qpv_codes") or []
    return WalkFormValues(
        title=str(w["title"]),
        day=str(w["date"]),
        time_slot=str(w["time_slot"]),
        qpv=codes[0] if codes else "",
        women_only=bool(w.get("women_only")),
        organiser=str(w.get("organiser") or ""),
        group_size=str(w.get("group_size") or ""),
        paired=str(w.get("paired_walk_id") or ""),
        stops=stops,
        route=route,
    )


def parse_route(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The route of the textarea (« latitude ; longitude » per line) as a GeoJSON LineString."""
    points: list[list[float]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 2 or not all(_NUMBER.match(p) for p in parts):
            return (
                None,
                f"ligne {number} : attendu « latitude ; longitude » (ex. « 47.2062 ; -1.6150 »)",
            )
        lat, lon = (float(p.replace(",", ".")) for p in parts)
        if abs(lat) > 90 or abs(lon) > 180:
            return None, f"ligne {number} : latitude entre -90 et 90, longitude entre -180 et 180"
        if abs(lon) > abs(lat) and abs(lon) <= 90:
            return None, f"ligne {number} : latitude et longitude semblent inversées"
        points.append([lon, lat])
    if not points:
        return None, None
    if len(points) < 2:
        return None, "un parcours a au moins deux points"
    return {"type": "LineString", "coordinates": points}, None


def parse_stops(text: str) -> tuple[list[dict[str, Any]], str | None]:
    """The stops of the textarea as API stops; an error names the first bad line."""
    stops: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 3 or not parts[0] or not all(_NUMBER.match(p) for p in parts[1:]):
            return [], (
                f"ligne {number} : attendu « nom ; latitude ; longitude » "
                "(ex. « Place Mendès-France ; 47.2062 ; -1.6150 »)"
            )
        lat, lon = (float(p.replace(",", ".")) for p in parts[1:])
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            return [], f"ligne {number} : latitude entre -90 et 90, longitude entre -180 et 180"
        if abs(lon) > abs(lat) and abs(lon) <= 90:
            return [], (
                f"ligne {number} : latitude et longitude semblent inversées "
                "(à Nantes, la latitude vaut environ 47 et la longitude environ -1,5)"
            )
        stops.append({"name": parts[0], "location": {"type": "Point", "coordinates": [lon, lat]}})
    return stops, None


_FIELD_OF = {
    "title": "title",
    "date": "date",
    "time_slot": "time_slot",
    "qpv_codes": "qpv",
    "women_only": "women_only",
    "organiser": "organiser",
    "group_size": "group_size",
    "paired_walk_id": "paired",
    "stops": "stops",
    "route": "route",
}


def validate(values: WalkFormValues) -> WalkInput | None:
    """The walk to create, or None with ``values.errors`` filled (field name → French text)."""
    errors: dict[str, str] = {}
    if not values.title:
        errors["title"] = "donnez un titre à la marche"
    if not values.day:
        errors["date"] = "indiquez la date de la marche"
    size: int | None = None
    if values.group_size:
        if values.group_size.isdigit():
            size = int(values.group_size)
        else:
            errors["group_size"] = "nombre entier attendu (ex. 12)"
    stops, stop_error = parse_stops(values.stops)
    if stop_error:
        errors["stops"] = stop_error
    route, route_error = parse_route(values.route)
    if route_error:
        errors["route"] = route_error
    paired: str | None = None
    if values.paired:
        try:
            paired = str(uuid.UUID(values.paired))
        except ValueError:
            errors["paired"] = "marche appariée inconnue"
    body = {
        "title": values.title,
        "date": values.day,
        "time_slot": values.time_slot,
        "qpv_codes": [values.qpv] if values.qpv else [],
        "women_only": values.women_only,
        "organiser": values.organiser or None,
        "group_size": size,
        "paired_walk_id": paired,
        "stops": stops,
        "route": route,
    }
    try:
        created = WalkCreate.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            name = _FIELD_OF.get(str(loc[0]) if loc else "", "title")
            errors.setdefault(name, french_error(dict(err))["message"])
        created = None
    values.errors = errors
    if errors or created is None:
        return None
    return created.to_input()


def service_error(message: str) -> dict[str, str]:
    """A refusal of the walk service placed on the field it is about (stops and places, else
    the title, at the top of the form)."""
    return {"stops" if "arrêt" in message or "position" in message else "title": message}


def fields(
    values: WalkFormValues,
    qpv_options: list[tuple[str, str]],
    walk_options: list[tuple[str, str]],
) -> list[Control]:
    """The form's fields, filled with ``values``."""
    return [
        TextInput("title", "Titre de la marche", values.title, "f-title", required=True),
        TextInput("date", "Date", values.day, "f-date", type="date", required=True),
        Select(
            "time_slot",
            "Créneau",
            tuple((s.value, SLOT_LABELS[s]) for s in TimeSlot),
            values.time_slot or TimeSlot.JOUR.value,
            "f-time_slot",
        ),
        Select("qpv", "Quartier prioritaire", (("", "aucun"), *qpv_options), values.qpv, "f-qpv"),
        Checkbox("women_only", "Marche en non-mixité (femmes)", values.women_only, "f-women_only"),
        TextInput("organiser", "Structure organisatrice", values.organiser, "f-organiser"),
        TextInput(
            "group_size", "Taille du groupe", values.group_size, "f-group_size", type="number"
        ),
        Select(
            "paired",
            "Marche appariée (même parcours, autre créneau)",
            (("", "aucune"), *walk_options),
            values.paired,
            "f-paired",
        ),
        TextArea("stops", "Arrêts du parcours", values.stops, "f-stops", rows=6, hint=STOP_HINT),
        TextArea(
            "route",
            "Tracé du parcours (facultatif)",
            values.route,
            "f-route",
            rows=4,
            hint=ROUTE_HINT,
        ),
    ]
