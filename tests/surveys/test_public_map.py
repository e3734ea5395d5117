"""The public map page in real headless Chromium (``/cartes/observations`` now redirects to
``/cartes/publique``, which adds the QPV and the support actors): cells only, table
alternative, local assets, no console error, no serious accessibility violation; and the pure
builder escapes its input."""

from __future__ import annotations

from typing import Any

import pytest

from app.map_pages import render_map_page
from maps.surveys import count_colour
from maps.surveys import public_observations_map as build_public_observations_map
from surveys import demo
from surveys.models import SurveyConfig
from tests.browser import run_axe, save_screenshot


def public_observations_map(*args: Any, **kwargs: Any) -> str:
    """The page of ``maps`` builder ``public_observations_map``, rendered as the app does."""
    return render_map_page(build_public_observations_map(*args, **kwargs))


@pytest.mark.browser
def test_public_map_shows_cells_and_a_table(page: Any, conn: Any) -> None:
    demo.generate(conn, SurveyConfig())
    page.goto(page.base_url + "/cartes/observations?demo=true")
    page.wait_for_function("() => typeof L !== 'undefined'")
    assert page.url.endswith("/cartes/publique?demo=true")
    polygons = page.evaluate(
        """() => { for (const k of Object.keys(window)) {
          if (!/^layer_control_.*_layers$/.test(k)) continue;
          for (const [name, layer] of Object.entries(window[k].overlays)) {
            if (name.startsWith("Observations agrégées")) return layer.getLayers().length; } }
        return -1; }"""
    )
    rows = page.locator("table#cg-cells tbody tr").count()
    assert rows > 0 and polygons == rows
    assert "données de démonstration" in page.locator("h1").inner_text()
    assert "200 m" in page.locator("header").inner_text()
    assert page.get_by_role("region", name="Légende").is_visible()
    assert "Passage sombre" not in page.content() and "Awa" not in page.content()
    assert page.log.external == [] and page.log.errors == []
    assert run_axe(page) == []
    save_screenshot(page, "public-observations-map")


def test_builder_escapes_and_colours_by_count() -> None:
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[-1.52, 47.21], [-1.51, 47.21], [-1.51, 47.22], [-1.52, 47.21]]
                    ],
                },
                "properties": {
                    "cell": "200m-1-2",
                    "kind": "marche",
                    "theme": "x",
                    "theme_label": "<script>alert(1)</script>",
                    "count": 12,
                    "first_month": "2026-01",
                    "last_month": "2026-02",
                },
            }
        ],
    }
    page = public_observations_map(fc, "Méthode <b>", None)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Méthode &lt;b&gt;" in page
    assert count_colour(12) == count_colour(19) != count_colour(20)
