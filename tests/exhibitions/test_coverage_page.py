"""The coverage page in real headless Chromium, and the issue's "done when": a coordinator
records this year's showings and sees, on one page and one map, the REP/QPV collèges not yet
reached."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from exhibitions.models import SchoolYear
from tests.browser import run_axe, save_screenshot
from tests.exhibitions import oracle
from tests.exhibitions.conftest import DEBUSSY

pytestmark = pytest.mark.browser

STENDHAL = "0440284V"
SOPHIE_GERMAIN = "0440536U"
LANGEVIN = "0440010X"  # Couëron, hors EP, far from every QPV


def markers(page: Any, css: str) -> list[str]:
    return list(
        page.eval_on_selector_all(f".{css}", "els => els.map(e => e.getAttribute('aria-label'))")
    )


def table_column(page: Any, table: str, column: int) -> list[str]:
    return list(
        page.eval_on_selector_all(
            f"table#{table} tbody tr", f"rows => rows.map(r => r.cells[{column}].textContent)"
        )
    )


def polygons(page: Any) -> int:
    return int(
        page.evaluate(
            """() => { const seen = new Set();
        for (const k of Object.keys(window)) { const v = window[k];
          if (v && v instanceof L.Map) v.eachLayer(l => { if (l instanceof L.Polygon) seen.add(l); }); }
        return seen.size; }"""
        )
    )


def test_coverage_page_renders_rows_and_markers(
    page: Any,
    client: TestClient,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
    shared_data: Path,
) -> None:
    expo = make_exhibition(title="Ma terre est ma couleur <script>alert(1)</script>")
    for uai, start in [(DEBUSSY, "2025-11-03"), (LANGEVIN, "2026-02-02")]:
        resp = client.post(
            f"/api/exhibitions/{expo['id']}/showings",
            headers=admin_headers,
            json={
                "uai": uai,
                "start_date": start,
                "end_date": (date.fromisoformat(start) + timedelta(days=11)).isoformat(),
                "classes": 3,
                "pupils": 75,
            },
        )
        assert resp.status_code == 201, resp.text

    page.goto(page.base_url + "/expositions/couverture?school_year=2025-2026&generation=2015")
    page.wait_for_function("() => typeof L !== 'undefined'")

    priority = oracle.priority_schools(shared_data, 500)
    expected_missed = priority - {DEBUSSY}
    assert set(table_column(page, "cg-not-reached", 0)) == expected_missed
    assert len(markers(page, "cg-missed")) == len(expected_missed)
    assert sorted(markers(page, "cg-reached")) == [
        "Collège Claude Debussy : atteint cette année",
        "Collège Paul Langevin : atteint cette année",
    ]
    assert len(markers(page, "cg-other")) == 76 - len(priority) - 1
    assert polygons(page) == 15
    assert page.locator("table#cg-qpv-table tbody tr").count() == 15
    assert page.locator("table#cg-circulation tbody tr").count() == 2
    assert page.get_by_role("region", name="Légende").is_visible()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Expositions dans les établissements : couverture 2025-2026")
    )
    assert page.get_by_label("Année scolaire (AAAA-AAAA)").input_value() == "2025-2026"
    # The exhibition title is shown as text, never run.
    assert "<script>alert(1)</script>" in page.locator("table#cg-circulation").inner_text()
    assert page.log.external == []
    assert page.log.errors == []
    save_screenshot(page, "exhibitions-coverage")
    assert run_axe(page) == []


def test_coordinator_records_this_years_showings_and_sees_who_is_left(
    page: Any,
    client: TestClient,
    make_user: Callable[[str, str], dict[str, str]],
    shared_data: Path,
) -> None:
    planner = make_user("coordination", "planner")
    coordinator = make_user("coord.expos", "facilitator")
    created = client.post(
        "/api/exhibitions",
        headers=planner,
        json={
            "title": "Ma terre est ma couleur",
            "partner": "MRAP",
            "themes": ["racisme"],
            "age_min": 11,
            "age_max": 15,
            "copies": 2,
        },
    )
    assert created.status_code == 201, created.text
    expo = created.json()

    year = SchoolYear.of(date.today())
    visits = [(DEBUSSY, 1, 0), (STENDHAL, 1, 21), (SOPHIE_GERMAIN, 2, 0)]
    for uai, copy, offset in visits:
        start = year.start + timedelta(days=30 + offset)
        resp = client.post(
            f"/api/exhibitions/{expo['id']}/showings",
            headers=coordinator,
            json={
                "copy_number": copy,
                "uai": uai,
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=11)).isoformat(),
                "classes": 4,
                "pupils": 100,
                "workshop": "atelier débat",
                "intervenant": "bénévole MRAP",
            },
        )
        assert resp.status_code == 201, resp.text

    page.goto(page.base_url + "/expositions/couverture")  # this school year by default
    page.wait_for_function("() => typeof L !== 'undefined'")

    reached = {uai for uai, _c, _o in visits}
    expected = oracle.priority_schools(shared_data, 500) - reached
    table = table_column(page, "cg-not-reached", 0)
    assert set(table) == expected and len(table) == len(expected)
    sizes = oracle.enrolment(shared_data)
    known = [n for u in table if (n := sizes[u]) is not None]
    assert known == sorted(known, reverse=True)
    names = set(table_column(page, "cg-not-reached", 1))
    on_map = {
        label.removesuffix(" : prioritaire, non atteint cette année")
        for label in markers(page, "cg-missed")
    }
    assert on_map == names
    assert len(markers(page, "cg-reached")) == 3
    rep = {u for u, ep in oracle.rep_status(shared_data).items() if ep in ("REP", "REP+")}
    assert rep & set(sizes) <= expected | reached  # every REP/REP+ collège is accounted for
    assert page.log.errors == []
    save_screenshot(page, "exhibitions-done-when")

    csv_text = client.get(page.locator("a[download]").get_attribute("href")).text
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert {r["uai"] for r in rows if r["atteint_annee"] == "oui"} == reached
    assert {r["uai"] for r in rows if r["atteint_annee"] == "non"} == expected
