"""The resident page in real headless Chromium: search by commune, by position, by quartier in
the embedded widget, open an actor, the ``tel:`` link; keyboard only; phone layout; no
JavaScript; axe (no serious or critical violation); zero console errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import AXE, ConsoleLog, LiveServer, run_axe, save_screenshot

pytestmark = pytest.mark.browser

BELLEVUE = {"longitude": -1.6215, "latitude": 47.2136, "accuracy": 30}


def axe_everywhere(page: Any) -> list[dict[str, Any]]:
    """axe on the page, with axe also loaded in its frames (the map), so it checks them too."""
    source = AXE.read_text(encoding="utf-8")
    for frame in page.frames[1:]:
        frame.evaluate(source)
    return run_axe(page)


def guarded_context(browser: Any, server: LiveServer, **options: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", **options)
    log = ConsoleLog()

    def guard(route: Any) -> None:
        if route.request.url.startswith(server.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            log.external.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.log = log
    try:
        yield page
    finally:
        context.close()


def test_search_by_commune_open_an_actor_and_call(page: Any) -> None:
    page.goto(page.base_url + "/aide")
    page.get_by_label("J'ai subi ou j'ai vu une discrimination").check()
    page.get_by_label("ou ma commune").select_option(label="Nantes")
    page.get_by_role("button", name="Chercher").click()
    heading = page.locator("#titre-resultats")
    heading.wait_for()
    assert "à Nantes" in heading.inner_text()
    assert page.evaluate("document.activeElement.id") == "titre-resultats"  # focus moved
    assert "/aide?" in page.url and "commune=44109" in page.url  # shareable address
    assert page.get_by_role("heading", name="Vous pouvez aussi appeler").is_visible()
    items = page.locator("ol.lieux > li")
    assert items.count() >= 3
    # map beside the list on a wide screen, never instead of it
    frame = page.locator(".carte iframe")
    frame.wait_for()
    list_box, map_box = page.locator(".liste").bounding_box(), frame.bounding_box()
    assert map_box["x"] > list_box["x"] + list_box["width"] - 1
    violations = axe_everywhere(page)
    assert violations == [], [v["id"] for v in violations]
    save_screenshot(page, "actors-search-commune")
    first = items.first.get_by_role("link").first
    name = first.inner_text()
    first.click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    tel = page.locator('a[href^="tel:"]').first
    if tel.count():
        assert tel.get_attribute("href").startswith("tel:+33")
        assert tel.inner_text().startswith("Appeler le 0")
    else:
        assert page.get_by_text("Pas de numéro de téléphone connu").is_visible()
    assert page.get_by_text("D'où viennent ces informations ?").is_visible()
    violations = axe_everywhere(page)
    assert violations == [], [v["id"] for v in violations]
    save_screenshot(page, "actors-detail")
    assert page.log.errors == [] and page.log.external == []


def test_an_actor_with_a_phone_has_a_working_tel_link(page: Any) -> None:
    page.goto(page.base_url + "/aide?commune=44109")
    card = page.locator("ol.lieux > li", has=page.locator('a[href^="tel:"]')).first
    href = card.locator('a[href^="tel:"]').get_attribute("href")
    card.get_by_role("link").first.click()
    link = page.locator(f'a[href="{href}"]')
    assert link.is_visible() and href.startswith("tel:+33")
    assert page.log.errors == []


def test_my_position_finds_the_nearest_help(browser: Any, live_server: LiveServer) -> None:
    for page in guarded_context(
        browser, live_server, geolocation=BELLEVUE, permissions=["geolocation"]
    ):
        page.goto(live_server.url + "/aide?besoin=discrimination&domain=emploi")
        button = page.get_by_role("button", name="Utiliser ma position")
        button.click()
        page.locator("#titre-resultats").wait_for()
        assert "autour de votre position" in page.locator("#titre-resultats").inner_text()
        cards = page.locator("ol.lieux > li")
        assert cards.count() == 5
        first = cards.first.inner_text()
        assert "Défenseur des droits" in first and " km" in first
        assert "Ouvert" in first or "Fermé" in first or "Horaires" in first
        assert page.log.errors == [] and page.log.external == []


def test_keyboard_only(page: Any) -> None:
    page.goto(page.base_url + "/aide")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.focus("#quartier")
    page.keyboard.press("ArrowDown")  # first quartier
    page.focus("#recherche button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#titre-resultats").wait_for()
    assert page.evaluate("document.activeElement.id") == "titre-resultats"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('li.lieu, section') !== null")
    assert focused
    assert page.log.errors == []


def test_phone_layout_list_first_then_map(browser: Any, live_server: LiveServer) -> None:
    for page in guarded_context(
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    ):
        page.goto(live_server.url + "/aide?quartier=QP044013")
        list_box = page.locator(".liste").bounding_box()
        map_box = page.locator(".carte iframe").bounding_box()
        assert map_box["y"] >= list_box["y"] + list_box["height"] - 1
        assert page.evaluate("document.documentElement.scrollWidth <= 390")
        save_screenshot(page, "actors-phone")
        assert page.log.errors == []


def test_without_javascript_the_form_still_works(browser: Any, live_server: LiveServer) -> None:
    for page in guarded_context(browser, live_server, java_script_enabled=False):
        page.goto(live_server.url + "/aide")
        assert page.locator("#zone-position").is_hidden()  # no position button without JS
        page.get_by_label("Mon quartier", exact=True).select_option(label="Malakoff (Nantes)")
        page.get_by_role("button", name="Chercher").click()
        page.wait_for_url("**/aide?*quartier=QP044013*")
        assert "autour du quartier Malakoff" in page.locator("#titre-resultats").inner_text()
        assert page.locator("ol.lieux > li").count() >= 1


def test_a_partner_embeds_the_widget(page: Any) -> None:
    page.set_content(
        "<!DOCTYPE html><html lang='fr'><head><title>Partenaire</title></head><body>"
        "<main><h1>Association partenaire</h1>"
        f"<iframe src='{page.base_url}/aide/widget?besoin=discrimination' "
        "title='Trouver de l’aide près de chez moi' width='420' height='900'></iframe>"
        "</main></body></html>"
    )
    widget = page.frame_locator("iframe")
    widget.get_by_label("Mon quartier", exact=True).select_option(
        label="Bellevue (Nantes, Saint-Herblain)"
    )
    widget.get_by_role("button", name="Chercher").click()
    widget.locator("#titre-resultats").wait_for()
    assert "autour du quartier Bellevue" in widget.locator("#titre-resultats").inner_text()
    assert widget.locator('a[href="tel:3928"]').count() == 1
    link = widget.locator("ol.lieux > li a").first
    assert link.get_attribute("target") == "_blank"
    assert page.log.errors == [] and page.log.external == []


def test_widget_and_snippet_pages_pass_axe(page: Any) -> None:
    for path in ("/aide/widget?besoin=discrimination&quartier=QP044005", "/aide/integrer"):
        page.goto(page.base_url + path)
        violations = axe_everywhere(page)
        assert violations == [], (path, [v["id"] for v in violations])
    assert page.log.errors == []
