"""Coverage per QPV against an independent GeoPandas computation, and the effect of one showing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from app.settings import Settings, SettingsError
from exhibitions import service
from exhibitions.coverage import TABLE_HEADERS
from exhibitions.models import SchoolYear
from tests.exhibitions import oracle
from tests.exhibitions.conftest import BELLEVUE, DEBUSSY

URL = "/api/exhibitions/coverage?school_year=2025-2026&generation=2015"


def test_debussy_is_a_qpv_college_of_bellevue(client: TestClient) -> None:
    cov = client.get(URL).json()
    bellevue = next(q for q in cov["qpv"] if q["code"] == BELLEVUE)
    assert bellevue["name"] == "Bellevue"
    assert DEBUSSY in bellevue["schools"]
    debussy = next(s for s in cov["schools"] if s["uai"] == DEBUSSY)
    assert {"code": BELLEVUE, "distance_m": 0} in debussy["qpv"]  # inside the quartier
    assert debussy["priority"] == "rep_plus"


def test_schools_near_each_qpv_match_an_independent_computation(
    client: TestClient, shared_data: Path
) -> None:
    expected = oracle.near_qpv(shared_data, 500)
    cov = client.get(URL).json()
    assert cov["distance_m"] == 500
    assert {q["code"]: set(q["schools"]) for q in cov["qpv"]} == {
        code: set(found) for code, found in expected.items()
    }
    for school in cov["schools"]:
        for near in school["qpv"]:
            assert near["distance_m"] == pytest.approx(expected[near["code"]][school["uai"]], abs=1)


def test_priority_schools_not_reached_are_ordered_by_enrolment(
    client: TestClient, shared_data: Path
) -> None:
    cov = client.get(URL).json()
    expected = oracle.priority_schools(shared_data, 500)
    listed = [s["uai"] for s in cov["not_reached"]]
    assert set(listed) == expected and len(listed) == len(expected)
    sizes = oracle.enrolment(shared_data)
    known = [n for u in listed if (n := sizes[u]) is not None]
    assert known == sorted(known, reverse=True)
    assert all(sizes[u] is None for u in listed[len(known) :])  # unknown enrolment last


def test_one_showing_changes_exactly_that_line(
    client: TestClient,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
) -> None:
    before = client.get(URL).json()
    csv_before = client.get(URL.replace("coverage", "coverage.csv")).text.splitlines()
    expo = make_exhibition(themes=["racisme", "handicap"])
    resp = client.post(
        f"/api/exhibitions/{expo['id']}/showings",
        json={
            "copy_number": 1,
            "uai": DEBUSSY,
            "start_date": "2026-01-12",
            "end_date": "2026-01-23",
            "classes": 5,
            "pupils": 120,
        },
        headers=admin_headers,
    )
    assert resp.status_code == 201, resp.text
    after = client.get(URL).json()
    csv_after = client.get(URL.replace("coverage", "coverage.csv")).text.splitlines()

    changed = [b["uai"] for b, a in zip(before["schools"], after["schools"], strict=True) if a != b]
    assert changed == [DEBUSSY]
    debussy = next(s for s in after["schools"] if s["uai"] == DEBUSSY)
    assert debussy["school_year"]["pupils"] == 120 and debussy["window"]["pupils"] == 120
    assert [t["code"] for t in debussy["school_year"]["themes"]] == [
        "origine",
        "handicap",
        "pretendue_race",
    ]
    near = {q["code"] for q in debussy["qpv"]}
    changed_qpv = {b["code"] for b, a in zip(before["qpv"], after["qpv"], strict=True) if a != b}
    assert changed_qpv == near
    bellevue = next(q for q in after["qpv"] if q["code"] == BELLEVUE)
    old = next(q for q in before["qpv"] if q["code"] == BELLEVUE)
    assert (bellevue["pupils"], bellevue["schools_reached"]) == (
        old["pupils"] + 120,
        old["schools_reached"] + 1,
    )
    assert [s["uai"] for s in after["not_reached"]] == [
        s["uai"] for s in before["not_reached"] if s["uai"] != DEBUSSY
    ]
    # CSV: only the line(s) of Debussy differ (one per QPV it is near).
    assert len(csv_before) == len(csv_after)
    diff = [(b, a) for b, a in zip(csv_before, csv_after, strict=True) if a != b]
    assert len(diff) == len(near) and all(DEBUSSY in a for _b, a in diff)


def test_school_year_and_three_year_window(
    conn: psycopg.Connection[Any],
    client: TestClient,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
) -> None:
    expo = make_exhibition(copies=1)
    for start, end in [
        ("2022-05-02", "2022-05-13"),
        ("2023-09-04", "2023-09-15"),
        ("2026-09-07", "2026-09-18"),
    ]:
        resp = client.post(
            f"/api/exhibitions/{expo['id']}/showings",
            json={"uai": DEBUSSY, "start_date": start, "end_date": end, "pupils": 50},
            headers=admin_headers,
        )
        assert resp.status_code == 201, resp.text
    cov = service.coverage(conn, "nantes-metropole", 2015, SchoolYear(2025), 500)
    debussy = next(s for s in cov.schools if s.uai == DEBUSSY)
    assert (debussy.year.showings, debussy.window.showings, debussy.window.pupils) == (0, 1, 50)
    assert str(debussy.window.last_showing) == "2023-09-04"
    assert DEBUSSY in {s.uai for s in cov.not_reached}
    assert client.get(URL).json()["window_school_years"] == ["2023-2024", "2024-2025", "2025-2026"]


def test_distance_setting_changes_what_is_near(
    conn: psycopg.Connection[Any], shared_data: Path
) -> None:
    inside_only = service.coverage(conn, "nantes-metropole", 2015, SchoolYear(2025), 0)
    expected = oracle.near_qpv(shared_data, 0)
    assert {q.code: {s.uai for s in q.schools} for q in inside_only.qpv} == {
        code: set(found) for code, found in expected.items()
    }
    wide = service.coverage(conn, "nantes-metropole", 2015, SchoolYear(2025), 1000)
    assert sum(len(q.schools) for q in wide.qpv) > sum(len(q.schools) for q in inside_only.qpv)


def test_csv_export_parses_back(client: TestClient) -> None:
    resp = client.get(URL.replace("coverage", "coverage.csv"))
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/csv; charset=utf-8"
    assert "couverture-expositions-2025-2026-qpv2015.csv" in resp.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8"))))
    assert tuple(rows[0].keys()) == TABLE_HEADERS
    cov = client.get(URL).json()
    lines = sum(max(1, len(s["qpv"])) for s in cov["schools"])
    assert len(rows) == lines
    debussy = next(r for r in rows if r["uai"] == DEBUSSY and r["code_qpv"] == BELLEVUE)
    assert debussy["etablissement"] == "Collège Claude Debussy"
    assert debussy["education_prioritaire"] == "REP+"
    assert (debussy["distance_m"], debussy["atteint_annee"], debussy["eleves_annee"]) == (
        "0",
        "non",
        "0",
    )


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2025-2027", "année scolaire invalide : '2025-2027'"),
        ("2025", "année scolaire invalide"),
        ("1990-1991", "année scolaire hors limites"),
    ],
)
def test_bad_school_year_is_422(client: TestClient, year: str, message: str) -> None:
    resp = client.get(f"/api/exhibitions/coverage?school_year={year}")
    assert resp.status_code == 422
    assert message in resp.json()["detail"]
    assert client.get("/api/exhibitions/coverage?generation=2019").status_code == 422


def test_without_qpv_of_a_generation_priority_is_rep_only(
    client: TestClient, shared_data: Path
) -> None:
    cov = client.get("/api/exhibitions/coverage?school_year=2025-2026&generation=2024").json()
    assert cov["qpv"] == []  # the template holds the 2015 generation only
    rep = {u for u, ep in oracle.rep_status(shared_data).items() if ep in ("REP", "REP+")}
    assert {s["uai"] for s in cov["not_reached"]} == rep & set(oracle.enrolment(shared_data))


def test_distance_comes_from_the_settings(settings: Settings, shared_data: Path) -> None:
    assert (
        Settings.from_env(
            {"CARTEGALITE_EXHIBITIONS_QPV_DISTANCE_M": "250"}
        ).exhibitions_qpv_distance_m
        == 250
    )
    assert Settings.from_env({}).exhibitions_qpv_distance_m == 500
    with pytest.raises(SettingsError, match="between 0 and 5000"):
        Settings.from_env({"CARTEGALITE_EXHIBITIONS_QPV_DISTANCE_M": "-1"})
    with TestClient(create_app(settings.with_(exhibitions_qpv_distance_m=250))) as client:
        cov = client.get(URL).json()
        page = client.get("/expositions/couverture?school_year=2025-2026&generation=2024")
    assert cov["distance_m"] == 250
    assert {q["code"]: set(q["schools"]) for q in cov["qpv"]} == {
        code: set(found) for code, found in oracle.near_qpv(shared_data, 250).items()
    }
    assert page.status_code == 200 and "QPV 2024" in page.text
