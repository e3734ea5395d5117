"""The whole dashboard of one QPV: the surveys sections (:mod:`planning.sections`), the support
actors and the schools, what changed since last year and the absences; the overview line."""

from __future__ import annotations

from typing import Any

from actors import vocab
from exhibitions.models import Coverage, Level, Priority
from planning.sections import actions, issues, night_stops, observations, walks


def assemble(
    info: dict[str, Any],
    rows: dict[str, list[dict[str, Any]]],
    coverage: list[Coverage],
    year: int,
    k: int,
    staff: bool,
    actor_distance_m: int,
) -> dict[str, Any]:
    """The whole dashboard of one QPV."""
    obs = observations(rows["observations"], year, k)
    issue = issues(rows["issues"], year, k, staff)
    plan = actions(rows["actions"], year, staff)
    walk = walks(rows["walks"], year, staff)
    actor = actors(rows["actors"], actor_distance_m)
    school = schools(coverage, info["code"])
    night = night_stops(rows["night_stops"], staff)
    return {
        "qpv": _qpv(info),
        "year": year,
        "previous_year": year - 1,
        "audience": "staff" if staff else "public",
        "min_count": k,
        "walks": walk,
        "observations": obs,
        "issues": issue,
        "actions": plan,
        "actors": actor,
        "exhibitions": school,
        "night_stops": night,
        "changes": changes(obs, issue, plan, walk, school),
        "absences": {
            "no_walk_this_year": walk["current"] == 0,
            "last_walk": walk["last_walk"],
            "night_stops_not_rewalked": night["count"],
            "grounds_without_actor": [g["label"] for g in actor["grounds"] if not g["within"]],
            "priority_colleges_not_reached": [s["name"] for s in school["not_reached_colleges"]],
        },
    }


def _qpv(info: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": info["code"],
        "name": info["name"],
        "communes": list(info["communes"]),
        "generation": info["generation"],
        "population": info["population"],
        "population_year": info["population_year"],
        "approximate": info["approximate"],
    }


# --- support actors, exhibitions ---------------------------------------------------------------


def actors(rows: list[dict[str, Any]], distance_m: int) -> dict[str, Any]:
    """Per ground: the nearest active actor handling it and whether it is within reach."""
    grounds = []
    for r in rows:
        nearest = (
            {
                "id": str(r["id"]),
                "name": r["nom"],
                "commune": r["commune"],
                "distance_m": r["distance_m"],
            }
            if r["id"] is not None
            else None
        )
        grounds.append(
            {
                "ground": r["ground"],
                "label": vocab.grounds().get(r["ground"]).label,
                "nearest": nearest,
                "within": nearest is not None and nearest["distance_m"] <= distance_m,
            }
        )
    return {
        "distance_m": distance_m,
        "grounds": grounds,
        "missing": [g["ground"] for g in grounds if not g["within"]],
    }


def schools(coverage: list[Coverage], code: str) -> dict[str, Any]:
    """Schools in or near the QPV, what reached them this school year and the one before."""
    current, previous = coverage
    mine = next((q for q in current.qpv if q.code == code), None)
    before = next((q for q in previous.qpv if q.code == code), None)
    rows = []
    for s in mine.schools if mine else ():
        rows.append(
            {
                "uai": s.uai,
                "name": s.name,
                "commune": s.commune,
                "level": s.level.value,
                "level_label": Level(s.level).label,
                "priority": Priority(s.priority).label if s.priority else "—",
                "distance_m": dict(s.qpv).get(code),
                "reached": s.year.reached,
                "showings": s.year.showings,
                "pupils": s.year.pupils,
            }
        )
    return {
        "school_year": str(current.school_year),
        "previous_school_year": str(previous.school_year),
        "distance_m": current.distance_m,
        "schools": rows,
        "reached": sum(1 for r in rows if r["reached"]),
        "pupils": mine.pupils if mine else 0,
        "pupils_previous": before.pupils if before else 0,
        "not_reached_colleges": [
            {"uai": r["uai"], "name": r["name"], "priority": r["priority"]}
            for r in rows
            if r["level"] == Level.COLLEGE.value and not r["reached"]
        ],
    }


# --- what changed, headline --------------------------------------------------------------------


def changes(
    obs: dict[str, Any],
    issue: dict[str, Any],
    plan: dict[str, Any],
    walk: dict[str, Any],
    school: dict[str, Any],
) -> list[dict[str, Any]]:
    """Indicators of the year next to the previous year's (None where suppressed)."""
    ys = sorted(obs["total"])
    prev, cur = ys[0], ys[1]

    def row(key: str, label: str, before: Any, now: Any) -> dict[str, Any]:
        return {"key": key, "label": label, "previous": before, "current": now}

    return [
        row("walks", "Marches exploratoires", walk["previous"], walk["current"]),
        row("observations", "Observations de marche", obs["total"][prev], obs["total"][cur]),
        row(
            "feeling",
            "Sentiment de sécurité moyen (0 à 3)",
            obs["feeling"][prev]["mean"],
            obs["feeling"][cur]["mean"],
        ),
        row(
            "feeling_night",
            "Sentiment de sécurité moyen après la tombée de la nuit (0 à 3)",
            obs["feeling_night"][prev]["mean"],
            obs["feeling_night"][cur]["mean"],
        ),
        row(
            "issues_reported",
            "Signalements GUSP ouverts dans l'année",
            issue[prev]["reported"],
            issue[cur]["reported"],
        ),
        row(
            "issues_resolved",
            "Signalements résolus dans l'année",
            issue[prev]["resolved"],
            issue[cur]["resolved"],
        ),
        row(
            "median_days",
            "Délai médian de résolution (jours)",
            issue[prev]["median_days_to_resolve"],
            issue[cur]["median_days_to_resolve"],
        ),
        row("actions_done", "Actions réalisées", plan["done"][prev], plan["done"][cur]),
        row(
            "pupils",
            f"Élèves touchés par les expositions (année scolaire {school['school_year']} "
            f"/ {school['previous_school_year']})",
            school["pupils_previous"],
            school["pupils"],
        ),
    ]


def headline(d: dict[str, Any]) -> dict[str, Any]:
    """One line of the overview: the figures and absences of a dashboard."""
    year = str(d["year"])
    return {
        **{k: d["qpv"][k] for k in ("code", "name", "communes", "population")},
        "walks": d["walks"]["current"],
        "observations": d["observations"]["total"][year],
        "feeling": d["observations"]["feeling"][year]["mean"],
        "issues_open_now": d["issues"]["open_now"],
        "pupils": d["exhibitions"]["pupils"],
        "absences": d["absences"],
    }
