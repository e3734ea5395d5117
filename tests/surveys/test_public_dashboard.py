"""What the anonymous QPV dashboard may say: only observations that moderation published and
that are older than the public delay, only walks that took place. A fresh, pending report
must leave every public figure unchanged — not even a suppressed cell may betray it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.surveys.conftest import Headers, Staff, gusp_obs, walk_obs

MALAKOFF = "QP044013"
DASHBOARD = f"/api/qpv/{MALAKOFF}/dashboard"


def _post(client: TestClient, body: dict[str, Any], headers: Headers) -> str:
    resp = client.post("/api/observations", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


def _act(client: TestClient, obs_id: str, action: str, headers: Headers) -> None:
    resp = client.post(
        f"/api/observations/{obs_id}/transitions", json={"action": action}, headers=headers
    )
    assert resp.status_code == 201, resp.text


def _categories(body: dict[str, Any]) -> set[str]:
    years = [v for k, v in body["issues"].items() if k.isdigit()]
    return {c["category"] for y in years for c in y["by_category"]}


def test_a_fresh_pending_harassment_report_changes_nothing_public(
    client: TestClient,
    staff: Staff,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
) -> None:
    before = client.get(DASHBOARD).json()
    lon, lat = point_in(MALAKOFF, 30, 10)
    harassment = _post(
        client,
        walk_obs(
            walk["id"], lon, lat, hours_ago=1 / 60, theme="usages", items=["harcelement_vecu"]
        ),
        participant,
    )
    _act(client, harassment, "ouvrir", staff.facilitator)  # opened as an issue, still pending
    report = _post(client, gusp_obs(lon, lat, category="tag_haineux"), staff.planner)
    # the team sees both at once (the check can fail: the reports are really there)
    seen = client.get(DASHBOARD, headers=staff.planner).json()
    assert {"usages", "tag_haineux"} <= _categories(seen)
    after = client.get(DASHBOARD).json()
    assert after["audience"] == "public"
    assert _categories(after) == set()
    assert after["issues"]["open_now"] == 0
    assert after == before  # before/after one submission: nothing to subtract
    # published but younger than the public delay: still nothing public
    _act(client, harassment, "publier", staff.moderator)
    _act(client, report, "publier", staff.moderator)
    assert client.get(DASHBOARD).json() == before


def test_published_reports_past_the_delay_are_counted(
    client: TestClient,
    staff: Staff,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
) -> None:
    lon, lat = point_in(MALAKOFF, 30, 10)
    ids = []
    for i in range(5):  # k = 5: enough to be published
        old = gusp_obs(lon, lat, category="depot_sauvage")
        old["observed_at"] = (datetime.now(UTC) - timedelta(days=10, hours=i)).isoformat()
        ids.append(_post(client, old, staff.planner))
    before = client.get(DASHBOARD).json()
    assert "depot_sauvage" not in _categories(before)  # pending: not yet
    for obs_id in ids:
        _act(client, obs_id, "publier", staff.moderator)
    after = client.get(DASHBOARD).json()
    assert "depot_sauvage" in _categories(after)
    assert after["issues"]["open_now"] == 5


def test_a_planned_walk_is_not_public(
    client: TestClient,
    staff: Staff,
    walk: dict[str, Any],
    point_in: Callable[..., tuple[float, float]],
) -> None:
    before = client.get(DASHBOARD).json()
    assert before["absences"]["last_walk"] is None  # the fixture's walk was never held
    a = point_in(MALAKOFF)
    planned = client.post(
        "/api/walks",
        json={
            "title": "Marche non mixte à venir",
            "date": (datetime.now(UTC) + timedelta(days=12)).date().isoformat(),
            "time_slot": "nuit",
            "qpv_codes": [MALAKOFF],
            "women_only": True,
            "organiser": "Centre socioculturel Malakoff",
            "group_size": 8,
            "stops": [{"name": "Passerelle", "location": {"type": "Point", "coordinates": a}}],
        },
        headers=staff.facilitator,
    )
    assert planned.status_code == 201, planned.text
    assert client.get(DASHBOARD).json() == before
    # once the walk of 20 days ago has taken place, it is public (the check can fail)
    done = client.post(
        f"/api/walks/{walk['id']}/transitions",
        json={"action": "realiser"},
        headers=staff.facilitator,
    )
    assert done.status_code == 200, done.text
    after = client.get(DASHBOARD).json()
    assert after["absences"]["last_walk"] == walk["date"]
    assert after["walks"]["last_walk"] == walk["date"]
