"""The QPV map page served by the app, in real headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import save_screenshot

pytestmark = pytest.mark.browser


def test_qpv_map_loads_with_local_assets_only(page: Any) -> None:
    page.goto(page.base_url + "/cartes/qpv")
    page.wait_for_function("() => typeof L !== 'undefined'")
    polygons = page.evaluate(
        """() => { let n = 0; const seen = new Set();
        for (const k of Object.keys(window)) {
          const v = window[k];
          if (v && v instanceof L.Map) { v.eachLayer(l => { if (l instanceof L.Polygon && !seen.has(l)) { seen.add(l); n++; } }); }
        } return n; }"""
    )
    assert polygons == 15  # the 15 QPV of Nantes Métropole (territory of the instance)
    assert page.locator("table#cg-table tbody tr").count() == 15
    assert page.get_by_role("region", name="Légende").is_visible()
    assert page.log.external == []
    assert page.log.errors == []
    save_screenshot(page, "qpv-map")
