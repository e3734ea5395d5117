"""Where an observation is: the GPS (accuracy shown, warning above 50 m), a tap on the map, or a
stop of the walk — checked on what the server stores."""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest
from playwright.sync_api import expect

from tests.browser import save_screenshot
from tests.marche.steps import join, wait_synced


def _save(page: Any) -> None:
    page.get_by_label("Voir et être vue", exact=True).tap()
    page.get_by_label("2 — plutôt satisfaisant", exact=True).tap()
    page.get_by_role("button", name="Enregistrer", exact=True).tap()
    expect(page.locator(".flash")).to_contain_text("Observation enregistrée")


@pytest.mark.browser
def test_gps_warning_map_tap_and_stop(
    phone: Any,
    walk: dict[str, Any],
    here: tuple[float, float],
    conn: psycopg.Connection[Any],
) -> None:
    page = phone
    join(page, walk["invite_code"], "Inès")

    # a poor fix (in a courtyard): the accuracy is shown with a warning, in words
    lon, lat = here
    page.context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 120})
    page.get_by_role("link", name="Nouvelle observation").tap()
    expect(page.locator("#gps-status")).to_contain_text(
        "Position imprécise (± 120 m) : attendez un peu, ou touchez la carte, ou choisissez un arrêt"
    )
    save_screenshot(page, "marche-gps-warning")

    # so she taps the map instead
    page.get_by_label("Sur la carte").tap()
    expect(page.locator("#capture-map")).to_be_visible()
    page.locator("#capture-map").tap(position={"x": 120, "y": 150})
    status = page.locator("#map-status")
    expect(status).to_contain_text("Point placé")
    tapped = re.search(r"\((-?\d+\.\d+), (-?\d+\.\d+)\)", status.inner_text())
    assert tapped is not None
    _save(page)

    # and for the next one she picks the second stop of the walk
    page.get_by_role("link", name="Nouvelle observation").tap()
    page.get_by_label("À un arrêt").tap()
    page.get_by_label("Arrêt", exact=True).select_option(label="n°2 — Arrêt de tram")
    _save(page)
    wait_synced(page, 2)

    rows = conn.execute(
        "SELECT ST_X(v.geom), ST_Y(v.geom), s.position, ST_Equals(v.geom, s.geom) "
        "FROM observation_versions v LEFT JOIN walk_stops s ON s.id = v.stop_id "
        "ORDER BY v.stop_id NULLS FIRST"
    ).fetchall()
    assert len(rows) == 2
    x, y, position, _ = rows[0]
    assert position is None
    assert abs(y - float(tapped.group(1))) < 1e-5 and abs(x - float(tapped.group(2))) < 1e-5
    assert abs(x - lon) > 1e-5 or abs(y - lat) > 1e-5  # not the imprecise GPS fix
    assert rows[1][2:] == (2, True)
    assert page.log.external == [] and page.log.errors == []
