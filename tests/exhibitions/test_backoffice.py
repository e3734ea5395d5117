"""Exhibition coordinators in the back office: the calendar per copy, a booking, and a second
booking of the same copy refused with the French message naming the first (HTTP and Chromium),
the coverage page linking to the booking of each priority school not reached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.browser import LiveServer, run_axe
from tests.equipe.helpers import PASSWORD, make_staff, post_form, sign_in

STENDHAL = "0440284V"
SOPHIE_GERMAIN = "0440536U"


def test_book_then_refuse_a_double_booking(
    client: TestClient,
    conn: Any,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
) -> None:
    expo = make_exhibition(copies=1)
    make_staff(client, admin_headers, "coord.expo", "planner")
    sign_in(client, "coord.expo")
    copy = f"{expo['id']}:1"
    page = "/equipe/expositions/reserver"
    first = {"copy": copy, "uai": STENDHAL, "start_date": "2026-11-02", "end_date": "2026-11-13"}
    assert post_form(client, page, {**first, "pupils": "120", "classes": "5"}).status_code == 303
    calendar = client.get("/equipe/expositions?school_year=2026-2027").text
    assert "02/11/2026" in calendar and "Stendhal" in calendar
    second = {**first, "uai": SOPHIE_GERMAIN, "start_date": "2026-11-10", "end_date": "2026-11-20"}
    refused = post_form(client, page, second)
    assert refused.status_code == 422
    assert "est déjà réservé du 02/11/2026 au 13/11/2026" in refused.text
    assert 'id="f-copy-erreur"' in refused.text
    assert 'value="2026-11-10"' in refused.text  # kept
    assert conn.execute("SELECT count(*) FROM showing").fetchone()[0] == 1
    bad = post_form(client, page, {**second, "start_date": "le 10", "pupils": "beaucoup"})
    assert bad.status_code == 422 and "date attendue" in bad.text and "nombre entier" in bad.text


def test_a_facilitator_may_book_but_not_create_an_exhibition(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    make_staff(client, admin_headers, "claire.anim", "facilitator")
    sign_in(client, "claire.anim")
    assert client.get("/equipe/expositions/reserver").status_code == 200
    refused = post_form(
        client,
        "/equipe/expositions",
        {"title": "X", "copies": "1"},
        page="/equipe/expositions/reserver",
    )
    assert refused.status_code == 403


@pytest.mark.browser
def test_coordinator_books_from_the_coverage_page_and_meets_the_double_booking(
    browser: Any,
    live_server: LiveServer,
    client: TestClient,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
) -> None:
    make_exhibition(title="Ma terre est ma couleur", copies=1)
    make_staff(client, admin_headers, "coord.expo", "planner")
    base = live_server.url
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(base + "/connexion?next=/equipe")
    page.get_by_label("Identifiant").fill("coord.expo")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(base + "/expositions/couverture")
    link = page.locator("#cg-not-reached").get_by_role("link", name="réserver une présentation")
    link.first.click()
    expect(page.get_by_role("heading", name="Réserver une présentation")).to_be_visible()
    school = page.get_by_label("Établissement (les prioritaires non atteints cette année d'abord)")
    chosen = school.input_value()
    assert chosen  # the school of the coverage line is already chosen
    assert "prioritaire, non atteint" in school.locator("option:checked").inner_text()
    page.get_by_label("Exposition et exemplaire").select_option(index=1)
    page.get_by_label("Du", exact=True).fill("2026-11-02")
    page.get_by_label("Au", exact=True).fill("2026-11-13")
    page.get_by_role("button", name="Réserver").click()
    expect(page.get_by_role("status")).to_contain_text("La présentation est réservée.")
    page.goto(base + "/equipe/expositions/reserver")
    page.get_by_label("Exposition et exemplaire").select_option(index=1)
    school.select_option(index=2)
    page.get_by_label("Du", exact=True).fill("2026-11-09")
    page.get_by_label("Au", exact=True).fill("2026-11-20")
    page.get_by_role("button", name="Réserver").click()
    error = page.locator("#f-copy-erreur")
    expect(error).to_contain_text("est déjà réservé du 02/11/2026 au 13/11/2026")
    expect(page.get_by_role("alert")).to_contain_text("1 erreur")
    assert run_axe(page) == []
    page.goto(base + "/equipe/expositions?school_year=2026-2027")
    assert run_axe(page) == []
    context.close()


def test_a_coordinator_adds_a_copy(
    client: TestClient,
    conn: Any,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
) -> None:
    expo = make_exhibition(copies=1)
    make_staff(client, admin_headers, "coord.expo", "planner")
    sign_in(client, "coord.expo")
    url = f"/equipe/expositions/{expo['id']}/exemplaire"
    assert post_form(client, url, {}, page="/equipe/expositions").status_code == 303
    count = conn.execute(
        "SELECT count(*) FROM exhibition_copy WHERE exhibition_id = %s", (expo["id"],)
    ).fetchone()
    assert count == (2,)
