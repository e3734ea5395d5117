"""Every map page in real headless Chromium: zero console errors, no request leaving the app,
the expected number of features / markers / cells in the Leaflet layers (read through the
page's JavaScript), a screenshot; and the done-when story of issue 6."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.browser import run_axe, save_screenshot
from tests.cartes.conftest import LAYERS_JS, layer_count
from tests.cartes.scenario import Scenario

pytestmark = pytest.mark.browser

ALL_LATLNGS_JS = """() => {
  const out = [];
  const seen = new Set();
  const visit = (layer) => {
    if (seen.has(layer)) return; seen.add(layer);
    if (layer.getLatLng) { const p = layer.getLatLng(); out.push([p.lat, p.lng]); }
    if (layer.getLatLngs) { const flat = (a) => a.forEach(x => Array.isArray(x) ? flat(x) : out.push([x.lat, x.lng])); flat(layer.getLatLngs()); }
    if (layer._latlngs && !layer.getLatLngs) layer._latlngs.forEach(x => out.push([x[0], x[1]]));
    if (layer.eachLayer) layer.eachLayer(visit);
  };
  for (const key of Object.keys(window)) {
    const v = window[key];
    if (v && v instanceof L.Map) v.eachLayer(visit);
    if (/^layer_control_.*_layers$/.test(key)) Object.values(v.overlays).forEach(visit);
  }
  return out;
}"""


def open_map(page: Any, path: str) -> dict[str, int]:
    page.goto(page.base_url + path)
    page.wait_for_function(
        "() => typeof L !== 'undefined' && document.querySelector('.leaflet-control-layers')"
    )
    return dict(page.evaluate(LAYERS_JS))


def clean(page: Any) -> None:
    assert page.log.errors == [], page.log.errors
    assert page.log.external == [], page.log.external


def test_done_when_bellevue_at_night(staff_page: Any, story: Scenario) -> None:
    """A planner opens the safety map for Bellevue at night and sees where women felt unsafe,
    next to the support actors and the open GUSP issues; the public map shows the same picture
    without exposing anyone."""
    page = staff_page
    layers = open_map(page, "/cartes/securite?qpv=QP044005&creneau=nuit&non_mixte=true")
    assert layer_count(layers, "Observations — nuit") == story.night_bellevue
    assert layer_count(layers, "Observations — jour") == 0
    assert layer_count(layers, "Signalements ouverts") == story.open_bellevue
    actors = layer_count(layers, "Lieux d'aide")
    assert actors > 0 and actors == page.locator("table#cg-actors tbody tr").count()
    lon, lat = story.dark_spot
    hottest = page.evaluate(
        """([lat, lon]) => {
          let map = null, heat = null;
          for (const k of Object.keys(window)) {
            const v = window[k];
            if (v instanceof L.Map) map = v;
            if (v && v._latlngs && v.setLatLngs) heat = v;
          }
          let best = null, total = 0;
          heat._latlngs.forEach(p => { total += p[2]; if (!best || p[2] > best[2]) best = p; });
          return {total, metres: map.distance(L.latLng(best[0], best[1]), L.latLng(lat, lon)),
                  inView: map.getBounds().contains(L.latLng(lat, lon)),
                  shown: map.hasLayer(heat)};
        }""",
        [lat, lon],
    )
    assert hottest["total"] == story.low_feeling_night  # every « pas / peu en sécurité »
    assert hottest["metres"] < 40 and hottest["inView"] and hottest["shown"]
    # the issues are marked « ! » (open) and named in words
    titles = page.evaluate(
        "() => [...document.querySelectorAll('.leaflet-marker-icon[title^=\"Signalement ouvert\"]')].length"
    )
    assert titles == story.open_bellevue
    assert page.get_by_role("region", name="Légende").is_visible()
    clean(page)
    save_screenshot(page, "cartes-securite-bellevue-nuit")

    page.context.set_extra_http_headers({})  # a resident, anonymous
    layers = open_map(page, "/cartes/publique")
    assert layer_count(layers, "Observations agrégées") == 1  # six in one cell, the rest < k
    covers = page.evaluate(
        """([lat, lon]) => {
          const overlays = Object.entries(window).find(([k]) => /^layer_control_.*_layers$/.test(k))[1].overlays;
          const cells = Object.entries(overlays).find(([n]) => n.startsWith("Observations agrégées"))[1];
          return cells.getLayers().some(l => l.getBounds().contains(L.latLng(lat, lon)));
        }""",
        [lat, lon],
    )
    assert covers
    stored = {(round(o_lat, 6), round(o_lon, 6)) for _i, o_lon, o_lat in story.observations}
    drawn = {(round(a, 6), round(b, 6)) for a, b in page.evaluate(ALL_LATLNGS_JS)}
    assert drawn and not (drawn & stored)
    assert "Passage sombre" not in page.content() and "Aïcha" not in page.content()
    assert layer_count(layers, "Lieux d'aide") > 0
    clean(page)
    save_screenshot(page, "cartes-publique")


def test_safety_map_whole_territory(staff_page: Any) -> None:
    layers = open_map(staff_page, "/cartes/securite")
    assert layer_count(layers, "Observations — jour") == 3
    assert layer_count(layers, "Observations — soirée") == 2
    assert layer_count(layers, "Observations — nuit") == 9
    assert layer_count(layers, "Signalements clos") == 1
    assert layer_count(layers, "Parcours des marches") == 3
    assert layer_count(layers, "Arrêts des marches") == 8
    assert layer_count(layers, "Quartiers prioritaires") == 15
    assert staff_page.locator("table#cg-observations tbody tr").count() == 14
    problems = run_axe(staff_page)
    assert problems == [], [
        (
            v["id"],
            [n["html"][:120] + " " + n.get("failureSummary", "")[:200] for n in v["nodes"][:4]],
        )
        for v in problems
    ]
    clean(staff_page)
    save_screenshot(staff_page, "cartes-securite")


def test_actors_and_exhibitions_maps(page: Any, conn: psycopg.Connection[Any]) -> None:
    layers = open_map(page, "/cartes/acteurs")
    assert layer_count(layers, "Lieux d'aide") == page.locator("table#cg-table tbody tr").count()
    assert page.locator('a[href^="tel:"]').count() == 0  # popups are built when opened
    clean(page)
    save_screenshot(page, "cartes-acteurs")
    layers = open_map(page, "/cartes/expositions")
    schools = sum(
        n for name, n in layers.items() if "tablissements" in name or "Prioritaires" in name
    )
    row = conn.execute("SELECT count(*) FROM school").fetchone()
    assert row is not None and schools == row[0]
    clean(page)
    save_screenshot(page, "cartes-expositions")


def test_walk_map_side_by_side(staff_page: Any, story: Scenario) -> None:
    layers = open_map(staff_page, f"/cartes/marches/{story.walks['night']}")
    maps = staff_page.evaluate("() => Object.values(window).filter(v => v instanceof L.Map).length")
    assert maps == 2
    assert layers.get("Observations (9)") == 9 and layers.get("Observations (3)") == 3
    assert staff_page.locator("table#cg-observations-2 tbody tr").count() == 3
    clean(staff_page)
    save_screenshot(staff_page, "cartes-marche-appariee")
