"""The directory keeper's screens as data: the fields of an actor's form (with the same
validation as the importer, done by ``actors.service``), the values read back from a form,
and the update campaign as a to-do list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from actors import service, validate, vocab
from actors.errors import InvalidRecord
from geo.errors import Invalid


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"
    """``text``, ``textarea``, ``number``, ``codes`` (checkboxes of a vocabulary), ``select``."""
    hint: str | None = None
    options: tuple[tuple[str, str], ...] = ()


HOURS_HINT = (
    "Format OpenStreetMap : jours Mo Tu We Th Fr Sa Su, heures 09:00-12:00, séparés par « ; » "
    "(ex. « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 »)."
)


def _vocabulary(v: vocab.Vocabulary) -> tuple[tuple[str, str], ...]:
    return tuple((t.code, t.label) for t in v.terms)


def form_fields() -> tuple[FieldSpec, ...]:
    """Every field of the actor's form, in the order a keeper fills them."""
    return (
        FieldSpec("nom", "Nom du lieu"),
        FieldSpec("actor_type", "Type de structure"),
        FieldSpec("description", "Description", "textarea"),
        FieldSpec("adresse", "Adresse"),
        FieldSpec("complement_adresse", "Complément d'adresse"),
        FieldSpec("code_postal", "Code postal"),
        FieldSpec("commune", "Commune"),
        FieldSpec("code_insee", "Code INSEE de la commune"),
        FieldSpec("lat", "Latitude (degrés)", "number", "ex. 47.2184"),
        FieldSpec("lon", "Longitude (degrés)", "number", "ex. -1.5536"),
        FieldSpec("telephone", "Téléphone", hint="ex. 02 40 41 90 00 (converti en +33…)"),
        FieldSpec("courriel", "Courriel"),
        FieldSpec("site_web", "Site web", hint="adresse complète, https://…"),
        FieldSpec("horaires_accueil", "Horaires d'accueil", hint=HOURS_HINT),
        FieldSpec("hours_text", "Horaires en texte libre", "textarea"),
        FieldSpec(
            "grounds",
            "Motifs de discrimination traités",
            "codes",
            options=_vocabulary(vocab.grounds()),
        ),
        FieldSpec("domains", "Domaines", "codes", options=_vocabulary(vocab.domains())),
        FieldSpec("publics", "Publics", "codes", options=_vocabulary(vocab.publics())),
        FieldSpec(
            "status",
            "Ouverture",
            "select",
            options=(
                ("active", "ouvert"),
                ("temporairement_fermee", "fermé temporairement"),
                ("fermee", "fermé définitivement"),
            ),
        ),
        FieldSpec("closure_message", "Message de fermeture"),
        FieldSpec(
            "visibility",
            "Visible par",
            "select",
            options=(("public", "tout le monde"), ("professionnels", "les professionnels")),
        ),
    )


def values_of(props: dict[str, Any], lon: float | None, lat: float | None) -> dict[str, Any]:
    """The form's values from an actor Feature's properties (lists stay lists)."""
    found: dict[str, Any] = {}
    for spec in form_fields():
        value = props.get(spec.name)
        if spec.kind == "codes":
            found[spec.name] = list(value or [])
        else:
            found[spec.name] = "" if value is None else str(value)
    found["lon"] = "" if lon is None else f"{lon:.6f}"
    found["lat"] = "" if lat is None else f"{lat:.6f}"
    return found


def read_form(form: Any) -> dict[str, Any]:
    """The submitted values (text stripped, codes as lists)."""
    found: dict[str, Any] = {}
    for spec in form_fields():
        if spec.kind == "codes":
            found[spec.name] = [str(v) for v in form.getlist(spec.name)]
        else:
            raw = form.get(spec.name)
            found[spec.name] = raw.strip()[:5000] if isinstance(raw, str) else ""
    return found


def patch_of(
    values: dict[str, Any], before: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The changed fields as the service takes them, and errors of the numbers."""
    errors: dict[str, str] = {}
    patch: dict[str, Any] = {}
    for name, value in values.items():
        if before is not None and before.get(name) == value:
            continue
        if name in ("lon", "lat"):
            continue
        if isinstance(value, list):
            patch[name] = value
        else:
            patch[name] = value or None
    moved = before is None or any(values[k] != before.get(k) for k in ("lon", "lat"))
    if moved:
        try:
            patch["lon"] = float(values["lon"].replace(",", "."))
            patch["lat"] = float(values["lat"].replace(",", "."))
        except ValueError:
            errors["lat"] = "latitude et longitude en degrés attendues (ex. 47.2184 et -1.5536)"
    return patch, errors


def field_errors(patch: dict[str, Any]) -> dict[str, str]:
    """Each field checked alone with the importer's rules, so that every message lands on its
    own field (the service checks them again, together)."""
    found: dict[str, str] = {}
    for name, value in patch.items():
        if name in ("lon", "lat"):
            continue
        try:
            validate.record({name: value}, require_name=False)
        except Invalid as exc:
            found[name] = exc.message
    if "lon" in patch:
        try:
            validate.position(patch["lon"], patch["lat"])
        except Invalid as exc:
            found["lat"] = exc.message
    return found


def errors_of(exc: Invalid) -> dict[str, str]:
    """The validation messages placed on their fields (the field a message starts with)."""
    reasons = exc.reasons if isinstance(exc, InvalidRecord) else (exc.message,)
    names = [s.name for s in form_fields()]
    found: dict[str, str] = {}
    for reason in reasons:
        first = reason.split(" ", 1)[0]
        name = first if first in names else ("lat" if "position" in reason else "nom")
        found.setdefault(name, reason)
    return found


@dataclass(frozen=True)
class TodoRow:
    id: str
    name: str
    commune: str
    score: int
    reference: str
    missing: str


def campaign(conn: psycopg.Connection[Any], threshold: int) -> list[TodoRow]:
    """The places to re-verify, worst first."""
    return [
        TodoRow(
            id=str(item["id"]),
            name=str(item["nom"]),
            commune=str(item.get("commune") or "—"),
            score=int(item["score"]),
            reference=str(item.get("reference_date") or "jamais"),
            missing=" ; ".join(item.get("missing") or []) or "—",
        )
        for item in service.campaign(conn, threshold)
    ]


@dataclass(frozen=True)
class DuplicateRow:
    id: int
    name: str
    source: str
    existing_id: str
    existing_name: str
    distance: str
    similarity: str


def duplicates(conn: psycopg.Connection[Any]) -> list[DuplicateRow]:
    """Possible duplicates left by the imports, waiting for a decision."""
    return [
        DuplicateRow(
            id=int(d["id"]),
            name=str(d["nom"]),
            source=f"{d['source']} ({d['source_id']})",
            existing_id=str(d["existing_id"]),
            existing_name=str(d["existing_nom"]),
            distance=f"{float(d['distance_m']):.0f} m",
            similarity=f"{float(d['similarity']) * 100:.0f} %",
        )
        for d in service.duplicates(conn, "a_examiner")
    ]
