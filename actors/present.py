"""What a resident needs to read next to an actor: is it open now (Europe/Paris), is it closed
for a while, what kind of place it is, which fields come from the type rule. Pure functions
over GeoJSON Features as served by the repository."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from actors import hours, rules, vocab
from actors.models import HOURS_ORIGIN_LABELS, HoursOrigin, Status, closed_on


def closure(props: dict[str, Any], today: date) -> dict[str, Any] | None:
    """The temporary or final closure of an actor, with ``current`` (closed today)."""
    status = props.get("status")
    if status == Status.ACTIVE:
        return None
    start = _day(props.get("closed_from"))
    end = _day(props.get("closed_until"))
    current = closed_on(str(status), start, end, today)
    if status == Status.CLOSED:
        label = "fermé définitivement"
    elif current:
        label = "temporairement fermé" + (f" jusqu'au {hours.french_date(end)}" if end else "")
    elif start and start > today:
        label = f"fermeture prévue à partir du {hours.french_date(start)}" + (
            f" jusqu'au {hours.french_date(end)}" if end else ""
        )
    else:
        label = "ouvert à nouveau"
    return {
        "status": status,
        "current": current,
        "message": props.get("closure_message"),
        "from": props.get("closed_from"),
        "until": props.get("closed_until"),
        "label": label,
    }


def opening(props: dict[str, Any], at: datetime) -> dict[str, Any]:
    """Open-now state of an actor at ``at`` (closure first, then the OSM hours)."""
    moment = hours.paris_now(at)
    shut = closure(props, moment.date())
    if shut and shut["current"]:
        return {"state": "closed", "open_now": False, "label": shut["label"], "next_change": None}
    result = hours.opening(
        props.get("horaires_accueil"), moment, has_text=bool(props.get("hours_text"))
    )
    return {
        "state": result.state,
        "open_now": result.open_now,
        "label": result.label,
        "next_change": result.next_change.isoformat() if result.next_change else None,
    }


def enrich(feature: dict[str, Any], at: datetime, book: rules.RuleBook | None = None) -> None:
    """Add ``opening``, ``closure``, ``temporarily_closed``, ``type_label``,
    ``distance_label``, ``telephone_display`` and ``hours_origin_label`` to a Feature's
    properties, in place."""
    props = feature["properties"]
    book = book or rules.default()
    moment = hours.paris_now(at)
    shut = closure(props, moment.date())
    props["closure"] = shut
    props["temporarily_closed"] = bool(
        shut and shut["current"] and props.get("status") == Status.TEMPORARILY_CLOSED
    )
    props["opening"] = opening(props, moment)
    props["type_label"] = book.label(props.get("actor_type"))
    props["distance_label"] = distance_label(props.get("distance_m"))
    props["telephone_display"] = phone_display(props.get("telephone"))
    origin = props.get("hours_origin")
    props["hours_origin_label"] = HOURS_ORIGIN_LABELS.get(HoursOrigin(origin)) if origin else None


def labels(codes: list[str] | None, kind: str) -> list[str]:
    """French labels of vocabulary codes (unknown codes are shown as they are)."""
    vocabulary = {
        "grounds": vocab.grounds,
        "domains": vocab.domains,
        "publics": vocab.publics,
        "networks": vocab.networks,
        "languages": vocab.languages,
        "accessibility": vocab.accessibility,
        "modes_accueil": vocab.modes_accueil,
    }[kind]()
    known = {t.code: t.label for t in vocabulary.terms}
    return [known.get(c, c) for c in codes or []]


def distance_label(metres: float | None) -> str | None:
    """« à 350 m », « à 1,2 km », « à 48 km »."""
    if metres is None:
        return None
    if metres < 1000:
        return f"à {int(round(metres, -1)) or 10} m"
    if metres < 10_000:
        return f"à {metres / 1000:.1f} km".replace(".", ",")
    return f"à {round(metres / 1000)} km"


def phone_display(e164: str | None) -> str | None:
    """``+33240419596`` → ``02 40 41 95 96`` (French numbers); others as they are."""
    if not e164:
        return None
    if e164.startswith("+33") and len(e164) == 12:
        national = "0" + e164[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return e164


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def grounds_summary(codes: list[str] | None) -> str | None:
    """« tous les motifs … » when every ground is handled, else the labels; None if none."""
    if not codes:
        return None
    if set(vocab.grounds().codes) <= set(codes):
        return (
            "tous les motifs de discrimination prévus par la loi "
            "(Code pénal, art. 225-1 et 225-1-1)"
        )
    return ", ".join(labels(codes, "grounds"))


def card(feature: dict[str, Any]) -> dict[str, Any]:
    """What a list item or a detail page shows, from an enriched Feature (plain values; the
    templates escape them)."""
    props = feature["properties"]
    address = " ".join(str(props[k]) for k in ("adresse", "complement_adresse") if props.get(k))
    town = " ".join(str(props[k]) for k in ("code_postal", "commune") if props.get(k))
    derived = set(props.get("derived_fields") or [])
    return {
        "id": props["id"],
        "nom": props["nom"],
        "type_label": props.get("type_label"),
        "distance_label": props.get("distance_label"),
        "opening": props.get("opening") or {},
        "closure": props.get("closure"),
        "address": address,
        "town": town,
        "telephone": props.get("telephone"),
        "telephone_display": props.get("telephone_display"),
        "courriel": props.get("courriel"),
        "site_web": props.get("site_web"),
        "grounds": grounds_summary(props.get("grounds")),
        "domains": labels(props.get("domains"), "domains"),
        "publics": labels(props.get("publics"), "publics"),
        "languages": labels(props.get("languages"), "languages"),
        "accessibility": labels(props.get("accessibility"), "accessibility"),
        "networks": labels(props.get("networks"), "networks"),
        "derived": bool(derived & {"grounds", "domains", "publics"}),
        "horaires_accueil": props.get("horaires_accueil"),
        "hours_text": props.get("hours_text"),
        "hours_origin_label": props.get("hours_origin_label"),
        "description": props.get("description"),
        "source": props.get("source"),
        "source_date": props.get("source_date"),
        "source_note": props.get("source_note"),
        "last_verified_on": props.get("last_verified_on"),
        "visibility": props.get("visibility"),
        "in_qpv": props.get("in_qpv"),
    }
