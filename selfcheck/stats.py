"""Statistics of the anonymous testimonies and of a group session: counts only, each count
shown only when it reaches the threshold (smaller counts never leave the database or are
folded into « autres réponses »), never a single testimony."""

from __future__ import annotations

from typing import Any

import psycopg

from actors import vocab
from selfcheck import repo
from selfcheck.models import Config, GroupSession
from selfcheck.rules import Ruleset

PUBLIC_BREAKDOWNS: tuple[tuple[str, ...], ...] = (
    ("place",),
    ("ground",),
    ("domain",),
    ("year",),
    ("place", "ground"),
    ("place", "domain"),
)
STAFF_BREAKDOWNS: tuple[tuple[str, ...], ...] = (
    *PUBLIC_BREAKDOWNS,
    ("age_band",),
    ("month",),
    ("place", "age_band"),
    ("place", "year"),
    ("ground", "domain"),
)
METHOD = (
    "Témoignages anonymes laissés volontairement à la fin du questionnaire « Est-ce une "
    "discrimination ? ». Chaque témoignage ne contient que les motifs, le domaine, le quartier "
    "(QPV) ou la commune, le mois et la tranche d'âge : aucun nom, aucun texte libre, aucune "
    "adresse. Un nombre n'est publié que s'il atteint {k} ; les nombres plus petits ne sont "
    "pas montrés. Un témoignage qui cite plusieurs motifs compte une fois pour chacun. Ce sont "
    "des récits de ressenti, pas des faits établis par une enquête ou un juge."
)


def testimonies(
    conn: psycopg.Connection[Any], config: Config, ruleset: Ruleset, staff: bool
) -> dict[str, Any]:
    """Counts per place, ground, domain, year (and for staff: age band, month and crossings),
    only those ≥ ``config.min_count``; labels in French."""
    k = config.min_count
    names = repo.place_names(conn, config.territory)
    total = repo.total_testimonies(conn, config.territory)
    out: dict[str, Any] = {
        "min_count": k,
        "total": total if total >= k else None,
        "method": METHOD.format(k=k),
        "rules_version": ruleset.version,
        "breakdowns": {},
    }
    for keys in STAFF_BREAKDOWNS if staff else PUBLIC_BREAKDOWNS:
        rows = repo.breakdown(conn, keys, k, config.territory)
        out["breakdowns"]["_".join(keys)] = [_labelled(row, names, ruleset) for row in rows]
    return out


def _labelled(row: dict[str, Any], names: dict[str, str], ruleset: Ruleset) -> dict[str, Any]:
    out = dict(row)
    if "place" in row:
        out["place_name"] = names.get(row["place"], row["place"])
    if "ground" in row:
        out["ground_label"] = vocab.grounds().get(row["ground"]).label if row["ground"] else None
    if "domain" in row:
        out["domain_label"] = vocab.domains().get(row["domain"]).label if row["domain"] else None
    if "age_band" in row:
        band = row["age_band"]
        out["age_band_label"] = ruleset.age_band(band).everyday if band else None
    return out


GROUP_QUESTIONS = {
    "situation": "Ce qui s'est passé",
    "reason": "À cause de quoi, selon les participant·es",
    "domain": "Où",
    "outcome": "Ce que dit la loi",
    "wish": "Ce qu'ils et elles aimeraient",
}


def group(
    conn: psycopg.Connection[Any], session: GroupSession, config: Config, ruleset: Ruleset
) -> dict[str, Any]:
    """A session's answers counted per question, for the facilitator. Nothing is shown before
    ``group_min_count`` participants answered; a count under it is folded into « autres
    réponses » (which answers are in it is not said)."""
    threshold = config.group_min_count
    shown = session.answers >= threshold
    counts = repo.group_counts(conn, session.id) if shown else {}
    questions = []
    for key, title in GROUP_QUESTIONS.items():
        rows = counts.get(key, {})
        kept = sorted(
            ((code, n) for code, n in rows.items() if n >= threshold),
            key=lambda x: (-x[1], x[0] or ""),
        )
        hidden = sum(n for n in rows.values() if n < threshold)
        questions.append(
            {
                "key": key,
                "title": title,
                "rows": [
                    {"code": code, "label": _group_label(key, code, ruleset), "n": n}
                    for code, n in kept
                ],
                "others": hidden > 0,
            }
        )
    return {
        "answers": session.answers,
        "min_count": threshold,
        "shown": shown,
        "questions": questions,
    }


def _group_label(key: str, code: str | None, ruleset: Ruleset) -> str:
    if code is None:
        return "Je ne sais pas"
    if key == "situation":
        return ruleset.situation(code).everyday
    if key == "reason":
        return ruleset.reason(code).everyday
    if key == "domain":
        return ruleset.place(code).everyday
    if key == "outcome":
        return ruleset.outcomes[code].title
    return ruleset.wish(code).everyday
