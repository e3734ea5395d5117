"""The back office's done-when stories in real Chromium against the live app and PostGIS:

1. a facilitator (keyboard only) creates a night walk with three stops and its paired day
   walk, and moves it along; 2. a walker joins with the code on a phone and submits;
3. the moderator publishes it from the queue; 4. an admin (keyboard only) creates a planner
scoped to one QPV, who then sees that QPV's walk and not another's; 5. that planner routes the
walker's observation to the responsible body and plans an action with a due date; 6. the
facilitator writes the restitution and the walk's report lists that action.

Every back-office page visited is checked with axe-core (0 serious/critical) and the main
screens are saved as small PNGs for the README (``docs/screens/``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.browser import LiveServer, run_axe
from tests.browser import readme_screen as screen
from tests.equipe.helpers import PASSWORD, make_staff
from tests.marche.steps import capture, join, wait_synced
from tests.surveys.conftest import point_in  # noqa: F401  (fixture)

BELLEVUE, MALAKOFF = "QP044005", "QP044013"


def axe_clean(page: Any) -> None:
    violations = run_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def sign_in_by_keyboard(page: Any, base: str, login: str) -> None:
    page.goto(base + "/connexion?next=/equipe")
    page.get_by_label("Identifiant").focus()
    page.keyboard.type(login)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/equipe")


def follow_link_by_keyboard(page: Any, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).first.focus()
    page.keyboard.press("Enter")


def type_into(page: Any, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


@pytest.mark.browser
def test_staff_stories_end_to_end(
    browser: Any,
    live_server: LiveServer,
    client: TestClient,
    conn: Any,
    admin_headers: dict[str, str],
    point_in: Callable[..., tuple[float, float]],  # noqa: F811
) -> None:
    base = live_server.url
    make_staff(client, admin_headers, "claire.anim", "facilitator")
    make_staff(client, admin_headers, "mo.dere", "moderator")
    make_staff(client, admin_headers, "ad.min", "admin")
    stops = [point_in(BELLEVUE, dx, dy) for dx, dy in ((0, 0), (60, 30), (120, 10))]
    desk = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # 1. the facilitator, keyboard only
    sign_in_by_keyboard(page, base, "claire.anim")
    axe_clean(page)
    follow_link_by_keyboard(page, "Nouvelle marche")
    page.wait_for_url(base + "/equipe/marches/nouvelle")
    expect(page.locator("#cg-stops-map")).to_be_visible()  # the map enhances, the field stays
    axe_clean(page)
    type_into(page, "Titre de la marche", "Bellevue de nuit")
    page.get_by_label("Date", exact=True).fill("2026-11-20")  # a date picker: one value
    page.get_by_label("Créneau", exact=True).focus()
    page.keyboard.type("nuit")
    page.get_by_label("Quartier prioritaire", exact=True).select_option(BELLEVUE)
    page.get_by_label("Marche en non-mixité (femmes)").focus()
    page.keyboard.press("Space")
    type_into(page, "Taille du groupe", "9")
    page.get_by_label("Arrêts du parcours").focus()
    names = ("Place Mendès-France", "Maison de quartier", "Arrêt de tram")
    for i, ((lon, lat), name) in enumerate(zip(stops, names, strict=True)):
        page.keyboard.type(f"{name} ; {lat} ; {lon}")
        if i < 2:
            page.keyboard.press("Enter")
    screen(page, "equipe-nouvelle-marche")
    page.get_by_role("button", name="Créer la marche").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("La marche est créée.")
    night_url = page.url.split("?")[0]
    expect(page.locator("table").first).to_contain_text("Arrêt de tram")
    code = page.locator('dt:has-text("Code d\'invitation") + dd strong').inner_text()
    axe_clean(page)
    follow_link_by_keyboard(page, "créer la marche appariée")
    expect(page.get_by_label("Marche appariée (même parcours, autre créneau)")).to_have_value(
        night_url.rsplit("/", 1)[1]
    )
    type_into(page, "Titre de la marche", "Bellevue de jour")
    page.get_by_label("Date", exact=True).fill("2026-11-21")
    page.get_by_role("button", name="Créer la marche").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("La marche est créée.")
    expect(page.get_by_role("link", name="Bellevue de nuit")).to_be_visible()
    screen(page, "equipe-marche")

    # 2. a walker joins with the code on a phone and submits one observation
    lon, lat = stops[1]
    phone_ctx = browser.new_context(
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 8},
        permissions=["geolocation"],
        service_workers="allow",
    )
    phone = phone_ctx.new_page()
    phone.base_url = base
    join(phone, code, "Awa")
    capture(phone, comment="Passage sombre derrière la maison de quartier")
    wait_synced(phone, 1)
    phone_ctx.close()
    page.goto(night_url)
    expect(page.get_by_text("Passage sombre derrière la maison de quartier")).to_be_visible()

    # 3. the moderator publishes it from the queue
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(base + "/connexion?next=/equipe")
    page.get_by_label("Identifiant").fill("mo.dere")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("1 observation en attente de modération.")).to_be_visible()
    page.get_by_role("link", name="Modération", exact=True).first.click()
    expect(page.get_by_role("cell", name="Passage sombre", exact=False)).to_be_visible()
    axe_clean(page)
    screen(page, "equipe-moderation")
    page.locator("input[name=ids]").first.check()
    page.get_by_role("button", name="Appliquer la décision").click()
    expect(page.get_by_role("status")).to_contain_text("décisions de modération")
    row = conn.execute("SELECT moderation FROM observations").fetchall()
    assert row == [("publiee",)]

    # 4. the admin, keyboard only, creates a planner scoped to Bellevue
    page.get_by_role("button", name="Se déconnecter").click()
    sign_in_by_keyboard(page, base, "ad.min")
    follow_link_by_keyboard(page, "Comptes")
    page.wait_for_url(base + "/equipe/comptes")
    axe_clean(page)
    type_into(page, "Identifiant", "urba.bellevue")
    page.get_by_label("Rôle", exact=True).focus()
    page.keyboard.type("ch")  # « chargé·e de mission … » (planner)
    type_into(page, "Mot de passe (12 caractères au moins)", "Un-mot-de-passe-solide-2026")
    page.get_by_label("Territoire d'un compte planner : un quartier").select_option(BELLEVUE)
    page.get_by_role("button", name="Créer le compte").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Le compte est créé.")
    expect(page.get_by_role("row", name="urba.bellevue")).to_contain_text("QPV QP044005")
    screen(page, "equipe-comptes")
    follow_link_by_keyboard(page, "Journal d'audit")
    newest = page.locator("tbody tr").first  # the planner's creation, by the admin's session
    expect(newest).to_contain_text("user_create")
    expect(newest).to_contain_text("ad.min")
    axe_clean(page)

    # a walk in another QPV, out of the planner's territory
    malakoff = client.post(
        "/api/walks",
        json={
            "title": "Malakoff de nuit",
            "date": "2026-11-22",
            "time_slot": "nuit",
            "qpv_codes": [MALAKOFF],
        },
        headers=admin_headers,
    )
    assert malakoff.status_code == 201
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(base + "/connexion?next=/equipe")
    page.get_by_label("Identifiant").fill("urba.bellevue")
    page.get_by_label("Mot de passe").fill("Un-mot-de-passe-solide-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Marches", exact=True).first.click()
    expect(page.get_by_role("link", name="Bellevue de nuit")).to_be_visible()
    expect(page.get_by_text("Malakoff de nuit")).to_have_count(0)
    axe_clean(page)
    other = page.goto(base + f"/equipe/marches/{malakoff.json()['id']}")
    assert other is not None and other.status == 404

    # 5. the same planner (GUSP manager of Bellevue) routes the walker's observation and plans
    page.goto(base + "/equipe/signalements?etat=untracked")
    axe_clean(page)
    page.get_by_role("link", name="Voir et être vue").first.click()
    page.get_by_label("Ouvrir un suivi").check()
    page.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.get_by_role("status")).to_contain_text("Le suivi du signalement a changé.")
    page.get_by_label("Transmettre à l'organisme responsable").check()
    page.get_by_label("Organisme destinataire (transmettre)").fill("Ville de Nantes — éclairage")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    expect(page.locator("dd").filter(has_text="Ville de Nantes — éclairage")).to_be_visible()
    page.get_by_label("Intitulé de l'action").fill("Remplacer l'éclairage du passage")
    page.get_by_label("Organisme qui la porte").fill("Ville de Nantes")
    page.get_by_label("Échéance").fill("2027-03-31")
    page.get_by_role("button", name="Ajouter l'action").click()
    expect(page.get_by_role("status")).to_contain_text("L'action est ajoutée au plan d'action.")
    expect(page.get_by_role("row", name="Remplacer l'éclairage du passage")).to_contain_text(
        "31/03/2027"
    )
    axe_clean(page)
    screen(page, "equipe-signalement")
    page.get_by_role("link", name="Plan d'action", exact=True).first.click()
    expect(page.get_by_role("row", name="Remplacer l'éclairage du passage")).to_be_visible()
    axe_clean(page)

    # 6. the facilitator writes the restitution and gets the report listing that action
    page.get_by_role("button", name="Se déconnecter").click()
    sign_in_by_keyboard(page, base, "claire.anim")
    page.goto(night_url)
    type_into(
        page,
        "Restitution : ce que le groupe a présenté (paraît dans le rapport)",
        "Le passage derrière la maison de quartier fait peur la nuit.",
    )
    page.get_by_role("button", name="Enregistrer la restitution").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Le texte est enregistré")
    follow_link_by_keyboard(page, "Rapport de restitution")
    expect(page.locator("#texte")).to_contain_text("fait peur la nuit")
    expect(page.locator("body")).to_contain_text("Remplacer l'éclairage du passage")
    desk.close()
    assert errors == []
