"""Keeping the directory alive: a data-quality score per actor, in the spirit of
data·inclusion's (address, contact, publics, description, hours, freshness decaying after six
months), and the « update campaign »: the actors to re-verify, with what is missing.

Pure functions over :class:`~actors.models.Actor`; the weights are data below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from actors.models import Actor, Status
from geo.csvout import csv_text

WEIGHTS = {
    "adresse": 20,
    "contact": 20,
    "horaires": 15,
    "publics": 10,
    "description": 15,
    "fraicheur": 20,
}
"""Points of each criterion (total 100)."""
FRESH_DAYS = 183
"""Information verified or updated less than six months ago is fresh."""
DECAY_DAYS = 365
"""After six months, freshness falls linearly to zero over one more year."""
MIN_DESCRIPTION = 50
"""data·inclusion asks 50 to 2,000 characters of description."""
DEFAULT_THRESHOLD = 70


@dataclass(frozen=True)
class Quality:
    score: int
    """0–100."""
    parts: dict[str, float]
    """Criterion → fraction obtained (0–1)."""
    missing: tuple[str, ...]
    """What to ask the actor, in French."""
    reference: date | None
    """Last verification, else the source's update date."""
    age_days: int | None

    @property
    def stale(self) -> bool:
        return self.age_days is None or self.age_days > FRESH_DAYS


def freshness(reference: date | None, today: date) -> tuple[float, int | None]:
    """(fraction, age in days): 1 up to six months, then linear decay to 0 a year later."""
    if reference is None:
        return 0.0, None
    age = max(0, (today - reference).days)
    if age <= FRESH_DAYS:
        return 1.0, age
    return max(0.0, 1.0 - (age - FRESH_DAYS) / DECAY_DAYS), age


def score(actor: Actor, today: date) -> Quality:
    """The quality of one actor's information on ``today``."""
    missing: list[str] = []
    address = [actor.adresse, actor.code_postal, actor.commune]
    names = ("adresse", "code postal", "commune")
    missing += [n for n, v in zip(names, address, strict=True) if not v]
    parts = {"adresse": sum(1 for v in address if v) / 3}
    contact = bool(actor.telephone or actor.courriel)
    parts["contact"] = 1.0 if contact else (0.5 if actor.site_web else 0.0)
    if not contact:
        missing.append("téléphone ou courriel")
    parts["horaires"] = 1.0 if actor.horaires_accueil else (0.3 if actor.hours_text else 0.0)
    if not actor.horaires_accueil:
        missing.append(
            "horaires au format structuré (seulement du texte)"
            if actor.hours_text
            else "horaires d'accueil"
        )
    parts["publics"] = 1.0 if actor.publics and "publics" not in actor.derived_fields else 0.5
    if not actor.publics:
        parts["publics"] = 0.0
        missing.append("publics accueillis")
    elif "publics" in actor.derived_fields:
        missing.append("publics à confirmer (déduits du type de structure)")
    length = len(actor.description or "")
    parts["description"] = min(1.0, length / MIN_DESCRIPTION)
    if length < MIN_DESCRIPTION:
        missing.append(f"description ({MIN_DESCRIPTION} caractères au moins)")
    reference = max((d for d in (actor.last_verified_on, actor.date_maj) if d), default=None)
    parts["fraicheur"], age = freshness(reference, today)
    if age is None or age > FRESH_DAYS:
        missing.append("vérification de moins de six mois")
    total = sum(WEIGHTS[k] * v for k, v in parts.items())
    return Quality(round(total), parts, tuple(missing), reference, age)


def campaign(
    actors: Iterable[Actor], today: date, threshold: int = DEFAULT_THRESHOLD
) -> list[dict[str, Any]]:
    """Actors to re-verify (not closed; stale, scored under ``threshold`` or with fields left
    empty at import because malformed), worst first, with the fields to ask for (malformed
    ones first, with why) and how to reach them."""
    out = []
    for actor in actors:
        if actor.status == Status.CLOSED:
            continue
        quality = score(actor, today)
        if not quality.stale and quality.score >= threshold and not actor.import_issues:
            continue
        out.append(
            {
                "id": str(actor.id),
                "nom": actor.nom,
                "commune": actor.commune,
                "code_insee": actor.code_insee,
                "actor_type": actor.actor_type,
                "score": quality.score,
                "missing": [
                    *(f"{issue} (invalide dans la source)" for issue in actor.import_issues),
                    *quality.missing,
                ],
                "reference_date": quality.reference.isoformat() if quality.reference else None,
                "age_days": quality.age_days,
                "last_verified_on": _iso(actor.last_verified_on),
                "source": actor.source,
                "source_date": actor.source_date,
                "telephone": actor.telephone,
                "courriel": actor.courriel,
                "site_web": actor.site_web,
                "status": actor.status,
            }
        )
    out.sort(key=lambda a: (a["score"], a["nom"]))
    return out


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


CAMPAIGN_COLUMNS = (
    "nom",
    "commune",
    "score",
    "missing",
    "reference_date",
    "last_verified_on",
    "telephone",
    "courriel",
    "site_web",
    "source",
    "source_date",
    "id",
)


def campaign_csv(items: list[dict[str, Any]]) -> str:
    """The campaign as CSV (``;``-separated for spreadsheets set to French)."""
    rows = (
        [{**item, "missing": " ; ".join(item["missing"])}.get(k) for k in CAMPAIGN_COLUMNS]
        for item in items
    )
    return csv_text(CAMPAIGN_COLUMNS, rows, delimiter=";")
