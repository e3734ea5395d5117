"""The directory keeper in the back office: the campaign as a to-do list with « vérifié
aujourd'hui », and a place's form with the importer's validation — a bad opening-hours value
gets its message next to the field and the typed value kept; a good one makes the resident's
page say « ouvert en ce moment » (HTTP, then the same story keyboard-only in Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.browser import LiveServer, run_axe
from tests.equipe.helpers import PASSWORD, make_staff, post_form, sign_in

ALWAYS = "Mo-Su 00:00-24:00"


def _actor(conn: Any) -> tuple[str, str]:
    row = conn.execute(
        "SELECT id::text, nom FROM actor WHERE status = 'active' AND visibility = 'public' "
        "ORDER BY nom LIMIT 1"
    ).fetchone()
    return row[0], row[1]


def _form_data(client: TestClient, actor_id: str) -> dict[str, Any]:
    """The form as the page shows it (every field), to change one of them."""
    import re

    html = client.get(f"/equipe/annuaire/{actor_id}").text
    data: dict[str, Any] = {}
    for name, value in re.findall(
        r'<input type="text" id="f-\w+" name="(\w+)" value="([^"]*)"', html
    ):
        data[name] = value.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    for name, body in re.findall(
        r'<textarea id="f-\w+" name="(\w+)"[^>]*>([^<]*)</textarea>', html
    ):
        data[name] = body.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"')
    for name in ("grounds", "domains", "publics"):
        data[name] = re.findall(rf'name="{name}" value="([\w-]+)" id="[^"]+" checked', html)
    for name in ("status", "visibility"):
        block = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        chosen = re.search(r'<option value="([^"]+)" selected', block)
        assert chosen is not None, name
        data[name] = chosen.group(1)
    return data


def test_keeper_edits_hours_and_verifies(
    actors_client: TestClient, actors_conn: Any, admin_headers: dict[str, str]
) -> None:
    client, conn = actors_client, actors_conn
    make_staff(client, admin_headers, "annu.aire", "planner")
    sign_in(client, "annu.aire")
    actor_id, name = _actor(conn)
    data = _form_data(client, actor_id)
    page = f"/equipe/annuaire/{actor_id}"
    bad = post_form(client, page, {**data, "horaires_accueil": "lundi 9h-12h"})
    assert bad.status_code == 422
    assert 'id="f-horaires_accueil-erreur"' in bad.text and "horaires_accueil" in bad.text
    assert 'value="lundi 9h-12h"' in bad.text
    phone = post_form(client, page, {**data, "telephone": "12"})
    assert phone.status_code == 422 and 'id="f-telephone-erreur"' in phone.text
    ok = post_form(client, page, {**data, "horaires_accueil": ALWAYS})
    assert ok.status_code == 303, ok.text
    stored = conn.execute(
        "SELECT horaires_accueil, edited_fields FROM actor WHERE id = %s", (actor_id,)
    ).fetchone()
    assert stored[0] == ALWAYS and stored[1] == ["horaires_accueil"]  # only what changed
    client.cookies.clear()
    assert "Ouvert en ce moment" in client.get(f"/aide/lieux/{actor_id}").text
    sign_in(client, "annu.aire")
    todo = client.get("/equipe/annuaire").text
    first = todo.split("<tbody>")[1].split("</tr>")[0]
    other = first.split('href="/equipe/annuaire/')[1].split('"')[0]
    done = post_form(client, f"/equipe/annuaire/{other}/verifie", {}, page="/equipe/annuaire")
    assert done.status_code == 303
    verified = conn.execute("SELECT last_verified_on FROM actor WHERE id = %s", (other,))
    assert verified.fetchone()[0] is not None
    assert name


def test_a_new_place_is_checked_like_an_import(
    actors_client: TestClient, actors_conn: Any, admin_headers: dict[str, str]
) -> None:
    client = actors_client
    make_staff(client, admin_headers, "annu.aire", "planner")
    sign_in(client, "annu.aire")
    base = {
        "nom": "Point d'accès au droit Bellevue",
        "status": "active",
        "visibility": "public",
        "lat": "-1.6150",
        "lon": "47.2062",  # swapped
        "courriel": "pas-un-courriel",
    }
    refused = post_form(client, "/equipe/annuaire/nouveau", base)
    assert refused.status_code == 422
    assert 'id="f-courriel-erreur"' in refused.text
    assert "Point d&#39;accès au droit Bellevue" in refused.text
    made = post_form(
        client,
        "/equipe/annuaire/nouveau",
        {
            **base,
            "lat": "47.2062",
            "lon": "-1.6150",
            "courriel": "pad@example.org",
            "grounds": ["origine"],
        },
    )
    assert made.status_code == 303, made.text
    created = actors_conn.execute(
        "SELECT grounds, courriel FROM actor WHERE nom = %s", (base["nom"],)
    ).fetchone()
    assert created == (["origine"], "pad@example.org")


@pytest.mark.browser
def test_keeper_fixes_hours_keyboard_only(
    browser: Any,
    live_server: LiveServer,
    actors_client: TestClient,
    actors_conn: Any,
    admin_headers: dict[str, str],
) -> None:
    make_staff(actors_client, admin_headers, "annu.aire", "planner")
    actor_id, _name = _actor(actors_conn)
    base = live_server.url
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(base + "/connexion?next=/equipe/annuaire")
    page.get_by_label("Identifiant").focus()
    page.keyboard.type("annu.aire")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/equipe/annuaire")
    assert run_axe(page) == []
    page.goto(base + f"/equipe/annuaire/{actor_id}")
    hours = page.get_by_label("Horaires d'accueil")
    hours.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("lundi 9h-12h")
    page.get_by_role("button", name="Enregistrer").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#f-horaires_accueil-erreur")).to_be_visible()
    expect(page.get_by_label("Horaires d'accueil")).to_have_value("lundi 9h-12h")
    assert run_axe(page) == []
    page.get_by_label("Horaires d'accueil").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(ALWAYS)
    page.get_by_role("button", name="Enregistrer").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Le lieu d'aide est modifié.")
    page.get_by_role("link", name="Voir la fiche publique").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("ouvert en ce moment", exact=False).first).to_be_visible()
    context.close()


def _feature(name: str | None, lon: float, lat: float, **props: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"source_id": f"t-{name}", **props}
    if name is not None:
        body["nom"] = name
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": body,
    }


def test_import_preview_then_confirm_then_review_a_duplicate(
    actors_client: TestClient, actors_conn: Any, admin_headers: dict[str, str]
) -> None:
    import json

    client, conn = actors_client, actors_conn
    make_staff(client, admin_headers, "annu.aire", "planner")
    sign_in(client, "annu.aire")
    known = conn.execute(
        "SELECT nom, ST_X(geom), ST_Y(geom) FROM actor WHERE status = 'active' ORDER BY nom LIMIT 1"
    ).fetchone()
    doc = {
        "type": "FeatureCollection",
        "features": [
            _feature("Permanence juridique Bellevue", -1.6150, 47.2062, telephone="02 40 41 90 00"),
            _feature(None, -1.60, 47.21),  # no name: refused
            _feature(known[0], known[1] + 0.00005, known[2]),  # the same place, a few metres off
        ],
    }
    before = conn.execute("SELECT count(*) FROM actor").fetchone()[0]
    page = "/equipe/annuaire/import"
    from tests.equipe.helpers import ORIGIN, csrf_of

    token = csrf_of(client.get(page).text)
    same = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}
    preview = client.post(
        page,
        data={"csrf_token": token},
        files={"file": ("permanences.geojson", json.dumps(doc).encode(), "application/geo+json")},
        headers=same,
    )
    assert preview.status_code == 200, preview.text
    assert "Essai à blanc" in preview.text and "Confirmer l'import" in preview.text
    assert "Lignes refusées</th><td>1</td>" in preview.text
    assert "Lieux créés</th><td>1</td>" in preview.text
    assert conn.execute("SELECT count(*) FROM actor").fetchone()[0] == before  # nothing yet
    staged = preview.text.split('name="token" value="')[1].split('"')[0]
    confirm = client.post(
        "/equipe/annuaire/import/confirmer",
        data={"csrf_token": token, "token": staged},
        headers=same,
    )
    assert confirm.status_code == 200 and "L&#39;import est fait." in confirm.text
    assert conn.execute("SELECT count(*) FROM actor").fetchone()[0] == before + 1
    again = client.post(
        "/equipe/annuaire/import/confirmer",
        data={"csrf_token": token, "token": staged},
        headers=same,
    )
    assert again.status_code == 404  # a staged file is imported once
    dups = client.get("/equipe/annuaire/doublons").text
    assert known[0].replace("'", "&#39;") in dups
    dup_id = dups.split('action="/equipe/annuaire/doublons/')[1].split('"')[0]
    decided = post_form(
        client,
        f"/equipe/annuaire/doublons/{dup_id}",
        {"decision": "distinct"},
        page="/equipe/annuaire/doublons",
    )
    assert decided.status_code == 303
    assert conn.execute("SELECT count(*) FROM actor").fetchone()[0] == before + 2
    assert "Aucun doublon possible" in client.get("/equipe/annuaire/doublons").text
