"""The per-QPV dashboard against independent computations on the seeded records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from actors import vocab
from api.main import create_app
from app.settings import Settings
from tests.planning import oracle
from tests.planning.seed import BELLEVUE, MALAKOFF, Seeded

Y = datetime.now(oracle.PARIS).year


@pytest.fixture
def bellevue(conn: psycopg.Connection[Any]) -> Any:
    return oracle.qpv_shapes(conn)[BELLEVUE]


def _cells(body: dict[str, Any]) -> dict[tuple[str, str], int | None]:
    return {(c["theme"], c["slot"]): c["count"] for c in body["observations"]["by_theme_slot"]}


def test_staff_observations_match_the_records(
    client: TestClient, seeded: Seeded, planner: dict[str, str], bellevue: Any
) -> None:
    body = client.get(f"/api/qpv/{BELLEVUE}/dashboard", headers=planner).json()
    assert body["audience"] == "staff" and body["min_count"] == 1
    for year in (Y, Y - 1):
        expected = oracle.walk_obs(seeded, bellevue, year, public=False)
        assert body["observations"]["total"][str(year)] == len(expected)
        assert body["observations"]["feeling"][str(year)]["mean"] == oracle.mean_feeling(expected)
        night = [o for o in expected if o["slot"] in ("soiree", "nuit")]
        assert body["observations"]["feeling_night"][str(year)]["mean"] == oracle.mean_feeling(
            night
        )
        by_slot = {s["slot"]: s for s in body["observations"]["feeling_by_slot"][str(year)]}
        for slot in ("jour", "soiree", "nuit"):
            mine = [o for o in expected if o["slot"] == slot]
            assert by_slot[slot]["count"] == len(mine)
            assert by_slot[slot]["mean"] == oracle.mean_feeling(mine)
        months = {m["month"]: m["count"] for m in body["observations"]["by_month"]}
        for m in range(1, 13):
            key = f"{year}-{m:02d}"
            n = sum(1 for o in expected if o["observed_at"].astimezone(oracle.PARIS).month == m)
            assert months[key] == n, key
    counts = oracle.theme_slot_counts(oracle.walk_obs(seeded, bellevue, Y, public=False))
    cells = _cells(body)
    assert len(cells) == 18
    assert {k: v for k, v in cells.items() if v} == dict(counts)


def test_public_version_suppresses_small_cells(
    client: TestClient, seeded: Seeded, planner: dict[str, str], bellevue: Any
) -> None:
    k = Settings().public_min_count
    public = client.get(f"/api/qpv/{BELLEVUE}/dashboard").json()
    staff = client.get(f"/api/qpv/{BELLEVUE}/dashboard", headers=planner).json()
    assert public["audience"] == "public" and public["min_count"] == k
    truth = oracle.theme_slot_counts(oracle.walk_obs(seeded, bellevue, Y, public=True))
    cells = _cells(public)
    small = [key for key, n in truth.items() if 0 < n < k]
    assert small, "the seeded data must hold a small cell"
    for key, shown in cells.items():
        n = truth.get(key, 0)
        assert shown in (None, n), key
        if 0 < n < k:
            assert shown is None, key
    assert sum(1 for v in cells.values() if v is None) >= 2  # never one lone hidden cell
    # the same small cell is there, exact, for staff (who also count pending observations)
    staff_truth = oracle.theme_slot_counts(oracle.walk_obs(seeded, bellevue, Y, public=False))
    assert _cells(staff)[small[0]] == staff_truth[small[0]] > 0
    # no list of people-related detail in the public version
    assert "list" not in public["walks"] and "list" not in public["actions"]
    assert "open_items" not in public["issues"] and "list" not in public["night_stops"]
    by_slot = public["observations"]["feeling_by_slot"][str(Y)]
    for s in by_slot:
        assert s["mean"] is None or (s["count"] is not None and s["count"] >= k)


def test_issues_and_median_resolution(
    client: TestClient, seeded: Seeded, planner: dict[str, str]
) -> None:
    body = client.get(f"/api/qpv/{BELLEVUE}/dashboard", headers=planner).json()
    for year in (Y, Y - 1):
        got, want = body["issues"][str(year)], oracle.issue_year(seeded, year)
        assert got["reported"] == want["reported"]
        assert (got["open"], got["closed"]) == (want["open"], want["closed"])
        assert got["resolved"] == want["resolved"]
        assert got["median_days_to_resolve"] == want["median"]
    open_now = [i for i in seeded.issues if i["state"] in ("nouveau", "transmis")]
    assert body["issues"]["open_now"] == len(open_now)
    assert [i["id"] for i in body["issues"]["open_items"]] == [
        i["id"] for i in sorted(open_now, key=lambda i: i["opened_at"])
    ]


def test_actions_by_status_and_owner(
    client: TestClient, seeded: Seeded, planner: dict[str, str], bellevue: Any
) -> None:
    body = client.get(f"/api/qpv/{BELLEVUE}/dashboard", headers=planner).json()
    in_bv = {o["id"] for o in seeded.observations if oracle.in_qpv(o, bellevue)}
    mine = [a for a in seeded.actions if set(a["observations"]) & in_bv]
    assert body["actions"]["total"] == len(mine) == 3
    by_status = {s["status"]: s["count"] for s in body["actions"]["by_status"]}
    for status in {a["status"] for a in mine}:
        assert by_status[status] == sum(1 for a in mine if a["status"] == status)
    owners = {o["owner"]: o for o in body["actions"]["by_owner"]}
    assert set(owners) == {a["owner"] for a in mine}
    done = [a for a in mine if a["done_at"] is not None]
    assert body["actions"]["done"][str(done[0]["done_at"].year)] >= 1
    overdue = [x["title"] for x in body["actions"]["list"] if x["overdue"]]
    assert overdue == ["Élaguer la haie du square"]


def test_actor_coverage_is_metric_and_configurable(
    settings: Settings, conn: psycopg.Connection[Any], bellevue: Any
) -> None:
    grounds = list(vocab.grounds().codes)
    expected = oracle.nearest_actor_distances(conn, bellevue, grounds, public=True)
    reachable = sorted(d for d in expected.values() if d is not None)
    limit = int(reachable[len(reachable) // 2])  # half the grounds within, half beyond
    with TestClient(create_app(settings.with_(planning_actor_distance_m=limit))) as client:
        body = client.get(f"/api/qpv/{BELLEVUE}/dashboard").json()
    coverage = {g["ground"]: g for g in body["actors"]["grounds"]}
    assert list(coverage) == grounds and body["actors"]["distance_m"] == limit
    for ground, distance in expected.items():
        got = coverage[ground]["nearest"]
        if distance is None:
            assert got is None
        else:
            assert abs(got["distance_m"] - distance) <= 1.0, ground
    missing = [g for g, d in expected.items() if d is None or round(d) > limit]
    assert body["actors"]["missing"] == missing and missing
    labels = [vocab.grounds().get(g).label for g in missing]
    assert body["absences"]["grounds_without_actor"] == labels


def test_exhibitions_and_priority_colleges(
    client: TestClient, seeded: Seeded, conn: psycopg.Connection[Any], bellevue: Any
) -> None:
    body = client.get(f"/api/qpv/{BELLEVUE}/dashboard").json()
    e = body["exhibitions"]
    assert e["school_year"] == seeded.showing["school_year"]
    assert e["pupils"] == seeded.showing["pupils"] and e["reached"] == 1
    area = oracle.l93(bellevue)
    import shapely

    near = {
        name
        for uai, name, level, wkb in conn.execute(
            "SELECT uai, name, level, ST_AsBinary(geom) FROM school"
        )
        if level == "college"
        and area.distance(oracle.l93(shapely.from_wkb(bytes(wkb)))) <= 500
        and uai != seeded.showing["uai"]
    }
    assert set(body["absences"]["priority_colleges_not_reached"]) == near and near


def test_absences_no_walk_and_night_stops(
    client: TestClient, planner: dict[str, str], conn: psycopg.Connection[Any]
) -> None:
    overview = client.get("/api/dashboards/overview", headers=planner).json()
    rows = {q["code"]: q for q in overview["qpv"]}
    walked = {
        code
        for (codes, day) in conn.execute("SELECT qpv_codes, walk_date FROM walks")
        for code in codes
        if day.year == Y
    }
    assert len(rows) == 15  # the QPV of Nantes Métropole
    for code, q in rows.items():
        assert q["absences"]["no_walk_this_year"] == (code not in walked), code
    body = client.get(f"/api/qpv/{BELLEVUE}/dashboard", headers=planner).json()
    expected = oracle.night_stops_not_rewalked(conn, BELLEVUE)
    got = {(s["walk_id"], s["stop"]) for s in body["night_stops"]["list"]}
    assert got == expected and body["absences"]["night_stops_not_rewalked"] == len(expected)
    assert "S3" in {stop for _, stop in expected}  # last year's S3 was not walked again


def test_compare_and_errors(client: TestClient) -> None:
    body = client.get(f"/api/dashboards/compare?codes={BELLEVUE},{MALAKOFF}").json()
    assert [q["qpv"]["code"] for q in body["qpv"]] == [BELLEVUE, MALAKOFF]
    single = client.get(f"/api/qpv/{MALAKOFF}/dashboard").json()
    assert body["qpv"][1]["observations"] == single["observations"]
    assert client.get(f"/api/dashboards/compare?codes={BELLEVUE}").status_code == 422
    unknown = client.get("/api/qpv/QP044999/dashboard")
    assert unknown.status_code == 404 and "QP044999" in unknown.json()["detail"]
    assert client.get("/api/qpv/nope/dashboard").status_code == 422
    assert client.get(f"/api/qpv/{BELLEVUE}/dashboard?year=2014").status_code == 422
    assert client.get(f"/api/qpv/{BELLEVUE}/dashboard?year={Y + 1}").status_code == 422
