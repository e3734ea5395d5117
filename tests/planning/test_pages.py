"""The planning pages as a person sees them: links from the home page, French, accessible,
no console error, nothing loaded from outside, every chart with its table, user text escaped."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.browser import run_axe, save_screenshot
from tests.planning.seed import BELLEVUE, MALAKOFF, Seeded


def test_home_links_and_pages_answer(client: TestClient, planner: dict[str, str]) -> None:
    home = client.get("/").text
    for href in ("/quartiers", "/quartiers/zones-sensibles", "/ogc", "/api/exports/actors.csv"):
        assert f'href="{href}"' in home, href
    for url in (
        "/quartiers",
        f"/quartiers/{BELLEVUE}",
        f"/quartiers/comparer?codes={BELLEVUE}&codes={MALAKOFF}",
    ):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert '<html lang="fr">' in resp.text and "<script" not in resp.text
    assert client.get("/quartiers/zones-sensibles", headers=planner).status_code == 200


def test_user_text_is_escaped(client: TestClient, planner: dict[str, str], seeded: Seeded) -> None:
    evil = '<img src=x onerror="alert(1)">'
    obs = next(o["id"] for o in seeded.observations if o["walk"] == seeded.walks["bv_night"]["id"])
    resp = client.post(
        "/api/actions",
        headers=planner,
        json={"title": evil, "owner_org": evil, "observation_ids": [obs]},
    )
    assert resp.status_code == 201, resp.text
    for url in (f"/quartiers/{BELLEVUE}", f"/marches/{seeded.walks['bv_night']['id']}/rapport"):
        page = client.get(url, headers=planner).text
        assert evil not in page and "&lt;img src=x" in page, url


@pytest.mark.browser
def test_public_dashboard_in_chromium(page: Any) -> None:
    page.goto(f"{page.base_url}/quartiers")
    rows = page.locator("tbody tr")
    assert rows.count() == 15
    page.get_by_role("link", name="Bellevue").first.click()
    page.wait_for_url(re.compile(rf".*/quartiers/{BELLEVUE}.*"))
    assert page.locator("h1").inner_text().startswith("Bellevue")
    for heading in (
        "Ce qui manque",
        "Ce qui a changé depuis",
        "Observations des marches",
        "Plan d'action",
        "Acteurs de l'accompagnement",
        "Expositions",
    ):
        assert page.get_by_role("heading", name=re.compile(heading)).count() >= 1, heading
    charts = page.locator("svg.cg-chart")
    assert charts.count() == 7
    for i in range(charts.count()):  # every chart has an accessible name and a table after it
        assert charts.nth(i).get_attribute("role") == "img"
        assert charts.nth(i).evaluate("s => s.querySelector('title').textContent.length") > 5
        assert charts.nth(i).evaluate("s => !!s.parentElement.querySelector('table')")
    assert "< 5" in page.locator("#observations").inner_text()  # a suppressed cell
    save_screenshot(page, "planning-dashboard-public")
    assert page.log.errors == [] and page.log.external == []
    assert run_axe(page) == []


@pytest.mark.browser
def test_compare_from_the_overview(page: Any) -> None:
    page.goto(f"{page.base_url}/quartiers")
    page.get_by_label("Comparer Bellevue").check()
    page.get_by_label("Comparer Malakoff").first.check()
    page.get_by_role("button", name="Comparer les quartiers cochés").click()
    page.wait_for_url(re.compile(r".*/quartiers/comparer.*"))
    head = page.locator("#comparaison thead").inner_text()
    assert "Bellevue" in head and "Malakoff" in head
    assert page.log.errors == [] and run_axe(page) == []


@pytest.mark.browser
def test_hotspots_page_in_chromium(page: Any, seeded: Seeded) -> None:
    page.context.set_extra_http_headers({"Authorization": f"Bearer {seeded.tokens['planner']}"})
    page.goto(f"{page.base_url}/quartiers/zones-sensibles")
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator('path.leaflet-interactive[stroke="#b71c1c"]').count() == 2
    assert page.locator('path.leaflet-interactive[stroke="#6a1b9a"]').count() == 15  # QPV
    table = page.locator("#cg-hotspots tbody tr")
    assert table.count() == 2 and "Voir et être vue" in table.first.inner_text()
    save_screenshot(page, "planning-hotspots")
    assert page.log.errors == [] and page.log.external == []
