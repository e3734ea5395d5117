"""« Sports et femmes » on a QPV's dashboard (issue 20): the sports facilities attached to the
QPV (census Data ES, in or near it) and the share of women among the people counted there —
per place and for the QPV, by time slot, and quarter by quarter.

The rule of the other public tables: a cell is published only when it gathers at least k
counting sessions (``public_min_count``); below, it says « moins de k séances ». A share is
women / (women + men) of the grid's count item (children are counted, not in the share)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import psycopg

from sports import repo as facilities
from surveys.presence import SLOT_LABELS, item
from surveys.repo import presence as counts_repo

ALL_PLACES = "Tous les lieux du quartier"


def _cell(sessions: list[dict[str, Any]], k: int) -> dict[str, Any]:
    spec = item()
    n = len(sessions)
    if n < k:
        return {"sessions": None, "share": None, "people": None}
    num = sum(int(s["counts"].get(spec.share_of, 0)) for s in sessions)
    den = sum(int(s["counts"].get(code, 0)) for s in sessions for code in spec.share_among)
    people = sum(int(v) for s in sessions for v in s["counts"].values())
    return {
        "sessions": n,
        "share": round(100 * num / den) if den else None,
        "people": people,
    }


def _by_slot(sessions: Iterable[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for s in sessions:
        out[(s["daypart"], s["week"])].append(s)
    return out


def section(
    conn: psycopg.Connection[Any], code: str, generation: int, k: int, staff: bool = False
) -> dict[str, Any]:
    """The section's data: facilities, and the shares (suppressed below k sessions). Walk
    stops are named for staff only (walks and their stops are not public): for everyone
    else their sessions count in the whole QPV's row, never in a row of their own."""
    sessions = counts_repo.sessions_of_qpv(conn, code, generation)
    places: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for s in sessions:
        if not staff and s["place"].startswith("arret:"):
            continue
        places[s["place"]].append(s)
        names[s["place"]] = s["place_name"]
    slots = list(SLOT_LABELS)
    rows = []
    for place in sorted(places, key=lambda p: names[p]):
        by = _by_slot(places[place])
        rows.append(
            {
                "place": names[place],
                "slots": [_cell(by.get(slot, []), k) for slot in slots],
                "all": _cell(places[place], k),
            }
        )
    by_all = _by_slot(sessions)
    rows.append(
        {
            "place": ALL_PLACES,
            "slots": [_cell(by_all.get(slot, []), k) for slot in slots],
            "all": _cell(sessions, k),
        }
    )
    quarters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in sessions:
        quarters[s["quarter"]].append(s)
    return {
        "facilities": [
            {
                "id": f["id"],
                "name": f["name"],
                "kind": f["kind"],
                "inside": f["qpv_distance_m"] == 0,
                "distance_m": f["qpv_distance_m"],
                "free_access": f["free_access"],
                "source": f["source"],
                "source_date": f["source_date"].isoformat(),
            }
            for f in facilities.of_qpv(conn, code)
        ],
        "slots": [SLOT_LABELS[s] for s in slots],
        "shares": rows,
        "quarters": [{"quarter": q, **_cell(quarters[q], k)} for q in sorted(quarters)],
        "min_sessions": k,
        "minutes": item().minutes,
    }
