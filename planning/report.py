"""The walk report (kit de restitution) and its one-year *bilan*: what the walkers saw and
rated, stop by stop and theme by theme, by day and by night when the walk is paired, their
préconisations and the action plan that followed — only moderated (published) content.

The report is a plain dict; ``api.pages.planning`` turns it into printable HTML (and the CLI
into PDF).
"""

from __future__ import annotations

import base64
import io
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import psycopg
from PIL import Image

from accounts.models import Principal
from geo.errors import InvariantError
from planning import policy as planning_policy
from planning.models import PARIS, REWALK_DISTANCE_M, SLOT_LABELS, PlanningConfig
from planning.repo import report as repo
from planning.sections import DONE, RESOLVED
from surveys import policy, states
from surveys.grid import grid
from surveys.repo import walks as walks_repo
from surveys.service import walks as walks_service

MAX_PHOTOS = 24
THUMB_PX = 720


class Version(StrEnum):
    RESTITUTION = "restitution"
    BILAN = "bilan"

    @property
    def label(self) -> str:
        return {"restitution": "Restitution", "bilan": "Bilan à un an"}[self.value]


def walk_report(
    conn: psycopg.Connection[Any],
    principal: Principal | None,
    walk_id: uuid.UUID,
    config: PlanningConfig,
    version: Version = Version.RESTITUTION,
) -> dict[str, Any]:
    """Everything the printable report of a walk shows (see the module docstring).

    Raises :class:`geo.errors.NotFound` when the walk is unknown or not visible,
    :class:`geo.errors.Unauthenticated` / :class:`geo.errors.Forbidden` for callers who are not
    staff allowed to read it.
    """
    with conn.transaction():
        ref = planning_policy.check_report(
            principal, walks_repo.get_ref(conn, walk_id), bilan=version is Version.BILAN
        )
        if principal is None:
            raise InvariantError("expected principal is not None")
        walk = walks_service.get_walk(conn, principal, ref.id)
        pair_id = walks_repo.paired_walk_id(conn, ref.id)
        pair_ref = walks_repo.get_ref(conn, pair_id) if pair_id else None
        pair = (
            walks_service.get_walk(conn, principal, pair_ref.id)
            if pair_ref is not None and policy.can_read_walk(principal, pair_ref)
            else None
        )
        shown = list(states.moderation().states_in("visible"))
        ids = [ref.id] + ([uuid.UUID(str(pair["id"]))] if pair else [])
        rows = repo.theme_stop_ratings(conn, ids, shown)
        body = {
            "version": version.value,
            "version_label": version.label,
            "generated_on": datetime.now(PARIS).date().isoformat(),
            "walk": _walk(walk),
            "paired": _walk(pair) if pair else None,
            "qpv": repo.qpv_outlines(conn, list(walk["qpv_codes"]), config.generation),
            "moderation": repo.moderation_counts(conn, ref.id),
            "themes": _themes([r for r in rows if r["walk_id"] == ref.id]),
            "stops": _stops([r for r in rows if r["walk_id"] == ref.id]),
            "comparison": _comparison(rows, ref.id) if pair else None,
            "observations": _observations(
                repo.observations(conn, ref.id, shown, policy.view(principal))
            ),
            "photos": _photos(repo.photos(conn, ref.id, shown, MAX_PHOTOS)),
            "actions": _actions(repo.actions(conn, [ref.id], DONE)),
            "issues": _issues(
                repo.issues(conn, ref.id, list(states.followup().states_in("untracked")), RESOLVED)
            ),
            "bilan": None,
            "text": walk.get("bilan_text" if version is Version.BILAN else "restitution_text"),
        }
        if version is Version.BILAN:
            body["bilan"] = _bilan(
                body, repo.walked_again(conn, ref.id, states.walk().initial, REWALK_DISTANCE_M)
            )
    return body


def _walk(walk: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "title",
        "date",
        "time_slot",
        "qpv_codes",
        "organiser",
        "group_size",
        "women_only",
        "route",
        "stops",
        "status",
        "status_label",
        "participants_count",
        "observations_count",
        "facilitator",
        "demo",
    )
    out = {k: walk.get(k) for k in keys}
    out["id"] = str(out["id"])
    out["slot_label"] = SLOT_LABELS.get(str(walk["time_slot"]), walk["time_slot"])
    return out


def _mean(total: int, n: int) -> float | None:
    return round(total / n, 2) if n else None


def _themes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for r in rows:
        if r["theme"] is None:
            continue
        a = acc[r["theme"]]
        for i, key in enumerate(
            ("n", "n_rating", "rating_sum", "n_feeling", "feeling_sum", "works_well")
        ):
            a[i] += r[key]
    return [
        {
            "theme": t,
            "label": grid().label_of(t),
            "observations": acc[t][0],
            "rating_mean": _mean(acc[t][2], acc[t][1]),
            "feeling_mean": _mean(acc[t][4], acc[t][3]),
            "works_well": acc[t][5],
        }
        for t in grid().themes
        if t in acc
    ]


def _stops(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_stop: dict[int, dict[str, Any]] = {}
    for r in rows:
        stop = by_stop.setdefault(
            r["position"],
            {
                "position": r["position"],
                "name": r["name"],
                "observations": 0,
                "n_rating": 0,
                "rating_sum": 0,
                "n_feeling": 0,
                "feeling_sum": 0,
                "works_well": 0,
                "themes": {},
            },
        )
        for key in ("n_rating", "rating_sum", "n_feeling", "feeling_sum", "works_well"):
            stop[key] += r[key]
        stop["observations"] += r["n"]
        if r["theme"] is not None:
            stop["themes"][r["theme"]] = _mean(r["rating_sum"], r["n_rating"])
    return [
        {
            "position": s["position"],
            "name": s["name"],
            "observations": s["observations"],
            "rating_mean": _mean(s["rating_sum"], s["n_rating"]),
            "feeling_mean": _mean(s["feeling_sum"], s["n_feeling"]),
            "works_well": s["works_well"],
            "rating_by_theme": s["themes"],
        }
        for s in (by_stop[p] for p in sorted(by_stop))
    ]


def _comparison(rows: list[dict[str, Any]], walk_id: uuid.UUID) -> list[dict[str, Any]]:
    mine = {s["position"]: s for s in _stops([r for r in rows if r["walk_id"] == walk_id])}
    other = {s["position"]: s for s in _stops([r for r in rows if r["walk_id"] != walk_id])}
    return [
        {
            "position": p,
            "name": (mine.get(p) or other[p])["name"],
            "walk": mine.get(p),
            "paired": other.get(p),
        }
        for p in sorted(set(mine) | set(other))
    ]


def _observations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r["id"]),
            "position": r["position"],
            "stop_group": r["position"] or 0,  # 0: away from the planned stops (sortable)
            "stop": r["stop"],
            "theme": r["theme"],
            "theme_label": grid().label_of(r["theme"]),
            "items": [_item_label(r["theme"], i) for i in r["items"]],
            "rating": r["rating"],
            "feeling": r["feeling"],
            "works_well": r["works_well"],
            "comment": r["comment"],
            "proposal": r["proposal"],
        }
        for r in rows
    ]


def _item_label(theme: str, item: str) -> str:
    for entry in grid().principle(theme).items:
        if entry.code == item:
            return entry.label
    return item


def _photos(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r["id"]),
            "observation_id": str(r["observation_id"]),
            "position": r["position"],
            "stop": r["stop"],
            "theme_label": grid().label_of(r["theme"]) if r["theme"] else None,
            "data_uri": "data:image/jpeg;base64,"
            + base64.b64encode(thumbnail(bytes(r["content"]))).decode("ascii"),
        }
        for r in rows
    ]


def thumbnail(jpeg: bytes, size: int = THUMB_PX) -> bytes:
    """A smaller JPEG of a stored (already re-encoded, metadata-free) photo, for print."""
    with Image.open(io.BytesIO(jpeg)) as source:
        img = source.convert("RGB")
    img.thumbnail((size, size))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def _actions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    machine = states.action()
    today = datetime.now(PARIS).date()
    return [
        {
            "id": str(r["id"]),
            "title": r["title"],
            "description": r["description"],
            "owner": r["owner_org"],
            "status": r["status"],
            "status_label": machine.state(r["status"]).label,
            "open": machine.in_category(r["status"], "open"),
            "due_date": r["due_date"].isoformat() if r["due_date"] else None,
            "done_on": r["done_at"].astimezone(PARIS).date().isoformat() if r["done_at"] else None,
            "overdue": bool(
                r["due_date"] and r["due_date"] < today and machine.in_category(r["status"], "open")
            ),
            "observations": r["observations"],
        }
        for r in rows
    ]


def _issues(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    machine = states.followup()
    return [
        {
            "id": str(r["id"]),
            "label": grid().label_of(r["category"]),
            "state": machine.state(r["followup"]).label,
            "open": machine.in_category(r["followup"], "open"),
            "responsible_body": r["responsible_body"],
            "stop": r["stop"],
            "resolved_on": (
                r["resolved_at"].astimezone(PARIS).date().isoformat() if r["resolved_at"] else None
            ),
        }
        for r in rows
    ]


def _bilan(body: dict[str, Any], again: list[dict[str, Any]]) -> dict[str, Any]:
    walk_date = date.fromisoformat(str(body["walk"]["date"]))
    acts = body["actions"]
    return {
        "one_year_on": (walk_date + timedelta(days=365)).isoformat(),
        "actions_total": len(acts),
        "actions_done": sum(1 for a in acts if a["status"] == DONE),
        "actions_open": sum(1 for a in acts if a["open"]),
        "actions_overdue": sum(1 for a in acts if a["overdue"]),
        "actions_abandoned": sum(1 for a in acts if not a["open"] and a["status"] != DONE),
        "issues_resolved": sum(1 for i in body["issues"] if i["resolved_on"]),
        "issues_open": sum(1 for i in body["issues"] if i["open"]),
        "stops": [
            {
                "position": r["position"],
                "name": r["name"],
                "walked_again": r["walks"],
                "last_date": r["last_date"].isoformat() if r["last_date"] else None,
                "slots": [SLOT_LABELS.get(s, s) for s in (r["slots"] or [])],
            }
            for r in again
        ],
    }
