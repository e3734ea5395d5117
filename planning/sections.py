"""Assembly of the dashboard sections from the rows read for one QPV (pure: rows in, dicts out).

``k`` is the smallest count published (1 for staff: nothing suppressed). Years are calendar
years in Europe/Paris; « previous » is the year before.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from actors import vocab
from exhibitions.models import Coverage, Level, Priority
from planning.models import NIGHT_SLOTS, PARIS, SLOT_LABELS, SLOTS
from planning.suppress import mean, suppress, total
from surveys import states
from surveys.grid import grid

RESOLVED = "resolu"
"""The follow-up state that counts as a resolution (``rejete`` closes without resolving)."""
DONE = "realisee"
"""The action state that counts as done (``abandonnee`` closes without doing)."""


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


def _local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


# --- observations ------------------------------------------------------------------------------


def observations(rows: list[dict[str, Any]], year: int, k: int) -> dict[str, Any]:
    """Walk observations by theme × time slot, feeling of safety by slot and by month."""
    themes = list(grid().themes) + sorted({r["theme"] for r in rows} - set(grid().themes))
    per_year = {y: [r for r in rows if r["month"].startswith(f"{y}-")] for y in (year, year - 1)}
    cells: dict[tuple[str, str], int] = {(t, s): 0 for t in themes for s in SLOTS}
    for r in per_year[year]:
        cells[(r["theme"], r["slot"])] += r["n"]
    shown = suppress(cells, k)
    return {
        "total": {str(y): total(sum(r["n"] for r in per_year[y]), k) for y in per_year},
        "by_theme_slot": [
            {
                "theme": t,
                "theme_label": grid().label_of(t),
                "slot": s,
                "slot_label": SLOT_LABELS.get(s, s),
                "count": shown[(t, s)],
            }
            for t, s in cells
        ],
        "feeling_by_slot": {str(y): _feeling_by_slot(per_year[y], k) for y in per_year},
        "feeling": {str(y): _feeling(per_year[y], k) for y in per_year},
        "feeling_night": {
            str(y): _feeling([r for r in per_year[y] if r["slot"] in NIGHT_SLOTS], k)
            for y in per_year
        },
        "by_month": _by_month(per_year, k),
    }


def _feeling(rows: list[dict[str, Any]], k: int) -> dict[str, Any]:
    n = sum(r["n_feeling"] for r in rows)
    return {"count": total(n, k), "mean": mean(sum(r["feeling_sum"] for r in rows), n, k)}


def _feeling_by_slot(rows: list[dict[str, Any]], k: int) -> list[dict[str, Any]]:
    n = {s: sum(r["n_feeling"] for r in rows if r["slot"] == s) for s in SLOTS}
    sums = {s: sum(r["feeling_sum"] for r in rows if r["slot"] == s) for s in SLOTS}
    shown = suppress(n, k)
    return [
        {
            "slot": s,
            "label": SLOT_LABELS[s],
            "count": shown[s],
            "mean": mean(sums[s], n[s], k) if shown[s] is not None else None,
        }
        for s in SLOTS
    ]


def _by_month(per_year: dict[int, list[dict[str, Any]]], k: int) -> list[dict[str, Any]]:
    out = []
    for y in sorted(per_year):
        months = [f"{y}-{m:02d}" for m in range(1, 13)]
        n = {m: sum(r["n"] for r in per_year[y] if r["month"] == m) for m in months}
        nf = {m: sum(r["n_feeling"] for r in per_year[y] if r["month"] == m) for m in months}
        fs = {m: sum(r["feeling_sum"] for r in per_year[y] if r["month"] == m) for m in months}
        shown = suppress(n, k)
        for m in months:
            out.append(
                {
                    "month": m,
                    "count": shown[m],
                    "mean_feeling": mean(fs[m], nf[m], k) if shown[m] is not None else None,
                }
            )
    return out


# --- follow-up issues -------------------------------------------------------------------------


def issues(rows: list[dict[str, Any]], year: int, k: int, staff: bool) -> dict[str, Any]:
    """Issues reported in the year (open / closed now, by category), median days to resolve the
    issues resolved in the year, and (staff) the open issues, oldest first."""
    machine = states.followup()
    is_open = {s: machine.in_category(s, "open") for s in machine.codes}
    out: dict[str, Any] = {}
    for y in (year, year - 1):
        out[str(y)] = _issue_year(rows, y, k, is_open)
    still_open = [r for r in rows if is_open.get(r["followup"], False)]
    out["open_now"] = total(len(still_open), k)
    if staff:
        out["open_items"] = [
            {
                "id": str(r["id"]),
                "category": r["category"],
                "label": grid().label_of(r["category"]),
                "state": machine.state(r["followup"]).label,
                "responsible_body": r["responsible_body"],
                "opened_on": _local(r["opened_at"]).date().isoformat(),
                "age_days": (datetime.now(PARIS) - r["opened_at"]).days,
            }
            for r in still_open
        ]
    return out


def _issue_year(
    rows: list[dict[str, Any]], y: int, k: int, is_open: dict[str, bool]
) -> dict[str, Any]:
    reported = [r for r in rows if _local(r["opened_at"]).year == y]
    categories = sorted({r["category"] for r in reported})
    cells = {
        (c, side): sum(
            1
            for r in reported
            if r["category"] == c and is_open.get(r["followup"], False) == (side == "open")
        )
        for c in categories
        for side in ("open", "closed")
    }
    shown = suppress(cells, k)
    resolved = [
        (r["resolved_at"] - r["opened_at"]).total_seconds() / 86400
        for r in rows
        if r["resolved_at"] is not None and _local(r["resolved_at"]).year == y
    ]
    open_n = sum(1 for r in reported if is_open.get(r["followup"], False))
    closed = suppress({"open": open_n, "closed": len(reported) - open_n}, k)
    return {
        "reported": total(len(reported), k),
        "open": closed["open"],
        "closed": closed["closed"],
        "by_category": [
            {
                "category": c,
                "label": grid().label_of(c),
                "open": shown[(c, "open")],
                "closed": shown[(c, "closed")],
            }
            for c in categories
        ],
        "resolved": total(len(resolved), k),
        "median_days_to_resolve": (
            round(statistics.median(resolved), 1) if resolved and len(resolved) >= k else None
        ),
    }


# --- action plan -------------------------------------------------------------------------------


def actions(rows: list[dict[str, Any]], year: int, staff: bool) -> dict[str, Any]:
    """Actions answering observations of the QPV, by status and by owner (institutions: no
    suppression), done in the year and the year before; the list for staff."""
    machine = states.action()
    by_status = Counter(r["status"] for r in rows)
    by_owner: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_owner[r["owner_org"]][r["status"]] += 1
    done = Counter(_local(r["done_at"]).year for r in rows if r["done_at"] is not None)
    out: dict[str, Any] = {
        "total": len(rows),
        "by_status": [
            {"status": s, "label": machine.state(s).label, "count": by_status.get(s, 0)}
            for s in machine.codes
        ],
        "by_owner": [
            {
                "owner": owner,
                "total": sum(counts.values()),
                "open": sum(n for s, n in counts.items() if machine.in_category(s, "open")),
                "done": counts.get(DONE, 0),
                "by_status": {s: counts.get(s, 0) for s in machine.codes},
            }
            for owner, counts in sorted(by_owner.items())
        ],
        "done": {str(y): done.get(y, 0) for y in (year, year - 1)},
    }
    if staff:
        today = datetime.now(PARIS).date()
        out["list"] = [
            {
                "id": str(r["id"]),
                "title": r["title"],
                "owner": r["owner_org"],
                "status": r["status"],
                "label": machine.state(r["status"]).label,
                "due_date": r["due_date"].isoformat() if r["due_date"] else None,
                "done_on": _local(r["done_at"]).date().isoformat() if r["done_at"] else None,
                "overdue": bool(
                    r["due_date"]
                    and r["due_date"] < today
                    and machine.in_category(r["status"], "open")
                ),
            }
            for r in sorted(rows, key=lambda r: (r["due_date"] or date.max, r["title"]))
        ]
    return out


# --- walks, night stops ------------------------------------------------------------------------


def walks(rows: list[dict[str, Any]], year: int, staff: bool) -> dict[str, Any]:
    """Walks of the year and of the previous one; the last walk ever."""
    machine = states.walk()
    count = Counter(r["walk_date"].year for r in rows)
    last = max((r["walk_date"] for r in rows), default=None)
    out: dict[str, Any] = {
        "current": count.get(year, 0),
        "previous": count.get(year - 1, 0),
        "last_walk": last.isoformat() if last else None,
    }
    if staff:
        out["list"] = [
            {
                "id": str(r["id"]),
                "title": r["title"],
                "date": r["walk_date"].isoformat(),
                "time_slot": r["time_slot"],
                "slot_label": SLOT_LABELS.get(r["time_slot"], r["time_slot"]),
                "status": machine.state(r["status"]).label,
                "paired_walk_id": str(r["paired_walk_id"]) if r["paired_walk_id"] else None,
            }
            for r in rows
            if r["walk_date"].year in (year, year - 1)
        ]
    return out


def night_stops(rows: list[dict[str, Any]], staff: bool) -> dict[str, Any]:
    """Night stops never walked again (the count is public: places, not people)."""
    out: dict[str, Any] = {"count": len(rows)}
    if staff:
        out["list"] = [
            {
                "stop": r["name"],
                "position": r["position"],
                "walk_id": str(r["walk_id"]),
                "walk": r["title"],
                "date": r["walk_date"].isoformat(),
                "slot_label": SLOT_LABELS.get(r["time_slot"], r["time_slot"]),
            }
            for r in rows
        ]
    return out


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
