"""The dashboard sections built from the surveys rows of one QPV (pure: rows in, dicts out):
observations, follow-up issues, the action plan, walks and night stops.

``k`` is the smallest count published (1 for staff: nothing suppressed). Years are calendar
years in Europe/Paris; « previous » is the year before.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from planning.models import NIGHT_SLOTS, PARIS, SLOT_LABELS, SLOTS
from planning.suppress import mean, part, suppress, total
from surveys import states
from surveys.grid import grid

RESOLVED = "resolu"
"""The follow-up state that counts as a resolution (``rejete`` closes without resolving)."""
DONE = "realisee"
"""The action state that counts as done (``abandonnee`` closes without doing)."""


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
        "feeling_night": {str(y): _feeling_night(per_year[y], k) for y in per_year},
        "by_month": _by_month(per_year, k),
    }


def _feeling(rows: list[dict[str, Any]], k: int) -> dict[str, Any]:
    n = sum(r["n_feeling"] for r in rows)
    return {"count": total(n, k), "mean": mean(sum(r["feeling_sum"] for r in rows), n, k)}


def _feeling_night(rows: list[dict[str, Any]], k: int) -> dict[str, Any]:
    """The night slots together: a part of the feeling-by-slot table (published only when it
    reveals none of that table's hidden cells)."""
    n = {s: sum(r["n_feeling"] for r in rows if r["slot"] == s) for s in SLOTS}
    count = part(n, suppress(n, k), NIGHT_SLOTS)
    night = [r for r in rows if r["slot"] in NIGHT_SLOTS]
    if count is None or 0 < count < k:
        return {"count": None, "mean": None}
    return {"count": count, "mean": mean(sum(r["feeling_sum"] for r in night), count, k)}


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
    sides = {
        side: part(cells, shown, [(c, side) for c in categories]) for side in ("open", "closed")
    }
    return {
        "reported": total(len(reported), k),
        "open": sides["open"] if sides["open"] is None or not 0 < sides["open"] < k else None,
        "closed": (
            sides["closed"] if sides["closed"] is None or not 0 < sides["closed"] < k else None
        ),
        "by_category": [
            {
                "category": c,
                "label": grid().label_of(c),
                "open": shown[(c, "open")],
                "closed": shown[(c, "closed")],
            }
            for c in categories
            # a category none of whose counts may be published is not named at all: listing
            # it with hidden cells would say "at least one report of this kind"
            if shown[(c, "open")] is not None or shown[(c, "closed")] is not None
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
    """Walks that took place in the year and in the previous one, and the last one ever
    (walks still planned count nowhere; staff see them in the list)."""
    machine = states.walk()
    held = [r for r in rows if r["took_place"]]
    count = Counter(r["walk_date"].year for r in held)
    last = max((r["walk_date"] for r in held), default=None)
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
