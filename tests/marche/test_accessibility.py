"""Accessibility of the field app in real Chromium: axe-core (no serious or critical violation)
on the join, walk, capture and list views, in light and dark schemes; a capture made with the
keyboard alone (validation errors announced, focus sent to what is missing); text at 200 %
without horizontal scrolling."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from playwright.sync_api import expect

from tests.browser import run_axe, save_screenshot
from tests.marche.steps import capture, join, wait_synced
from tests.surveys.images import phone_jpeg


def _tab_until(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus with Tab")


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def _axe(page: Any) -> list[str]:
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in run_axe(page)]


@pytest.mark.browser
def test_axe_keyboard_and_large_text(
    phone: Any, walk: dict[str, Any], conn: psycopg.Connection[Any]
) -> None:
    page = phone
    page.goto(page.base_url + "/marche?code=" + walk["invite_code"])
    expect(page.get_by_label("Code d'invitation")).to_have_value(walk["invite_code"])  # QR link
    assert _axe(page) == []

    join(page, walk["invite_code"], "Zoé")
    assert _axe(page) == []
    page.emulate_media(color_scheme="dark")
    assert _axe(page) == []  # contrast holds in the dark scheme too
    save_screenshot(page, "marche-walk-dark")
    page.emulate_media(color_scheme="light")

    # keyboard only: open the form, try to save empty, then fill it
    _tab_until(page, "#new-obs")
    page.keyboard.press("Enter")
    expect(page.locator("#v-capture")).to_be_visible()
    expect(page.locator("#gps-status")).to_contain_text("± 8 m")
    _tab_until(page, "#save")
    page.keyboard.press("Enter")
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Choisissez un thème.")
    expect(errors).to_contain_text("Choisissez une appréciation (0 à 3).")
    assert page.evaluate("() => document.activeElement.name") == "theme"
    assert _axe(page) == []  # with the error summary shown

    page.keyboard.press("ArrowDown")  # second principle: « Voir et être vue »
    expect(page.get_by_label("Voir et être vue", exact=True)).to_be_checked()
    _tab_until(page, "input[name=rating]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("2 — plutôt satisfaisant", exact=True)).to_be_checked()
    _tab_until(page, "input[name=item]")
    page.keyboard.press("Space")
    expect(page.get_by_label("Éclairage", exact=True)).to_be_checked()
    _tab_until(page, "#works-well")
    page.keyboard.press("Space")
    _tab_until(page, "#comment")
    page.keyboard.type("Saisie au clavier seul")
    page.set_input_files(
        "#photo-input",
        files=[{"name": "a.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg(300, 200)}],
    )
    expect(page.locator("#photo-list img")).to_have_attribute("alt", "Aperçu de la photo 1")
    assert _axe(page) == []  # capture view, filled, with a photo preview

    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert _no_horizontal_scroll(page)
    save_screenshot(page, "marche-capture-text-200")
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")

    _tab_until(page, "#save")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Observation enregistrée")
    wait_synced(page, 1)
    row = conn.execute(
        "SELECT theme, items, rating, feeling, works_well, comment FROM observation_versions"
    ).fetchall()
    assert row == [("visibilite", ["eclairage"], 2, None, True, "Saisie au clavier seul")]

    # the list with a sent observation and one waiting offline
    page.context.set_offline(True)
    capture(page, theme="Lieu propre et accueillant", rating="3 — satisfaisant")
    page.get_by_role("link", name="Mes observations").click()
    expect(page.locator("#obs-list > li")).to_have_count(2)
    expect(page.locator("#obs-list .state.waiting")).to_contain_text("En attente d'envoi")
    expect(page.locator("#obs-list .state.sent")).to_contain_text("Envoyée")
    assert _axe(page) == []
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert _no_horizontal_scroll(page)
    save_screenshot(page, "marche-list-text-200")
    assert page.log.external == []
    assert [e for e in page.log.errors if "net::ERR" not in e and "Failed to load" not in e] == []
