"""Actors keep their own entry true (issue 21): a keeper sends a place a link by e-mail (a
real SMTP server listens in the test); the link opens that entry's French form and nothing
else; what the place proposes waits for the keeper's review (a diff), is then applied with
history and sets the verification date — the quality score rises. An expired, reused or
unknown link answers 404 and writes nothing; a post from another site is refused."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from actors import hours, quality, selfupdate
from actors.repo import records
from api.main import create_app
from app.settings import Settings
from tests.browser import LiveServer, run_axe
from tests.equipe.helpers import ORIGIN, PASSWORD, make_staff, post_form, sign_in
from tests.smtp import SmtpInbox, bodies, links_in

SAME_SITE = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def mail_client(actors_settings: Settings, inbox: SmtpInbox) -> Iterator[TestClient]:
    port = inbox.server_address[1]
    configured = dataclasses.replace(actors_settings, smtp_host="127.0.0.1", smtp_port=port)
    with TestClient(create_app(configured)) as c:
        yield c


def _two_actors(conn: Any) -> tuple[str, str, str]:
    """(id of a place with an e-mail address, its name, id of another place)."""
    rows = conn.execute(
        "SELECT id::text, nom FROM actor WHERE courriel IS NOT NULL AND status = 'active' "
        "AND visibility = 'public' ORDER BY nom LIMIT 2"
    ).fetchall()
    return rows[0][0], rows[0][1], rows[1][0]


def _keeper(client: TestClient, admin_headers: dict[str, str]) -> None:
    make_staff(client, admin_headers, "gardienne.annuaire", "planner")
    sign_in(client, "gardienne.annuaire")


def _send(client: TestClient, inbox: SmtpInbox, actor_id: str) -> str:
    """Send the place its link from its back-office page; the link as received by e-mail."""
    before = len(inbox.messages)
    page = f"/equipe/annuaire/{actor_id}"
    resp = post_form(client, f"{page}/lien", {"to": ""}, page=page)
    assert resp.status_code == 303, resp.text
    assert len(inbox.messages) == before + 1
    _, _, text = bodies(inbox)[-1]
    found = links_in(text, "/mise-a-jour/")
    assert len(found) == 1, text
    return found[0].split("testserver", 1)[1]


def _score(conn: Any, actor_id: str) -> int:
    actor = records.get(conn, actor_id)  # type: ignore[arg-type]
    assert actor is not None
    return quality.score(actor, hours.paris_now().date()).score


def test_self_update_round_trip_with_review(
    mail_client: TestClient, inbox: SmtpInbox, actors_conn: Any, admin_headers: dict[str, str]
) -> None:
    client, conn = mail_client, actors_conn
    actor_id, name, other_id = _two_actors(conn)
    address = conn.execute("SELECT courriel FROM actor WHERE id = %s", (actor_id,)).fetchone()[0]
    other = conn.execute(
        "SELECT nom, telephone, horaires_accueil FROM actor WHERE id = %s", (other_id,)
    ).fetchone()
    score_before = _score(conn, actor_id)
    _keeper(client, admin_headers)
    path = _send(client, inbox, actor_id)
    to, subject, text = bodies(inbox)[-1]
    assert to == address and name in subject and "Rien n'a changé" in text
    token = path.rsplit("/", 1)[1]
    assert (
        conn.execute(
            "SELECT count(*) FROM actor_update_link WHERE token_hash = sha256(%s::bytea)",
            (token.encode(),),
        ).fetchone()[0]
        == 1
    )
    assert token.encode() not in b"".join(
        bytes(r[0]) for r in conn.execute("SELECT token_hash FROM actor_update_link")
    )

    # the actor (no session) opens its own entry, and only it
    client.cookies.clear()
    page = client.get(path)
    assert page.status_code == 200 and "Vérifiez votre fiche" in page.text
    assert name.replace("'", "&#39;") in page.text and other[0] not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "same-origin"

    # a bad value: 422, its message next to its field, the link still usable
    bad = client.post(path, data={"horaires_accueil": "lundi 9h-12h"}, headers=SAME_SITE)
    assert bad.status_code == 422 and 'id="f-horaires_accueil-erreur"' in bad.text
    assert 'value="lundi 9h-12h"' in bad.text
    assert conn.execute("SELECT count(*) FROM actor_proposal").fetchone()[0] == 0

    # a post from another site is refused and does not use the link up
    evil = client.post(
        path,
        data={"action": "inchange"},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert evil.status_code == 403
    assert conn.execute("SELECT count(*) FROM actor_proposal").fetchone()[0] == 0

    sent = {
        "action": "modifier",
        "telephone": "02 40 41 90 00",
        "horaires_accueil": "Mo-Fr 09:00-12:00,14:00-17:00",
        "publics": ["femmes", "jeunes"],
        "grounds": ["origine", "sexe"],
        "note": "Nous recevons aussi sans rendez-vous le mercredi.",
        "listes": ["publics", "grounds"],
    }
    ok = client.post(path, data=sent, headers=SAME_SITE)
    assert ok.status_code == 200 and "Merci" in ok.text
    stored = records.get(conn, actor_id)  # type: ignore[arg-type]
    assert stored is not None and stored.telephone != "+33240419000"  # waits for review
    assert client.get(path).status_code == 404  # used once
    assert client.post(path, data=sent, headers=SAME_SITE).status_code == 404
    assert conn.execute("SELECT count(*) FROM actor_proposal").fetchone()[0] == 1

    # the keeper reviews a diff and applies it
    sign_in(client, "gardienne.annuaire")
    listing = client.get("/equipe/annuaire/propositions").text
    assert name.replace("'", "&#39;") in listing
    pid = conn.execute("SELECT id FROM actor_proposal").fetchone()[0]
    review = client.get(f"/equipe/annuaire/propositions/{pid}").text
    for label in ("Téléphone", "Horaires d&#39;accueil", "Publics accueillis", "Motifs"):
        assert label in review, label
    assert "+33240419000" in review and "Mo-Fr 09:00-12:00,14:00-17:00" in review
    assert "sans rendez-vous le mercredi" in review
    url = f"/equipe/annuaire/propositions/{pid}"
    applied = post_form(client, url, {"decision": "appliquer"})
    assert applied.status_code == 303, applied.text
    after = records.get(conn, actor_id)  # type: ignore[arg-type]
    assert after is not None
    assert after.telephone == "+33240419000"
    assert after.horaires_accueil == "Mo-Fr 09:00-12:00,14:00-17:00"
    assert set(after.publics) == {"femmes", "jeunes"} and set(after.grounds) == {"origine", "sexe"}
    assert after.last_verified_on == hours.paris_now().date()
    assert {"telephone", "horaires_accueil", "publics", "grounds"} <= set(after.edited_fields)
    assert _score(conn, actor_id) > score_before
    actions = [e["action"] for e in records.events(conn, actor_id)]  # type: ignore[arg-type]
    assert actions[-2:] == ["update", "self_update"]
    history = client.get(f"/equipe/annuaire/{actor_id}").text
    assert "fiche confirmée par le lieu" in history and f"proposition n° {pid}" in history
    # applied once: a second decision is refused, nothing changes
    again = post_form(client, url, {"decision": "refuser"}, page="/equipe/annuaire")
    assert again.status_code == 409
    # the other place did not move
    assert (
        conn.execute(
            "SELECT nom, telephone, horaires_accueil FROM actor WHERE id = %s", (other_id,)
        ).fetchone()
        == other
    )
    # and the public page shows the new hours
    client.cookies.clear()
    public = client.get(f"/aide/lieux/{actor_id}").text
    assert "02 40 41 90 00" in public


def test_nothing_changed_sets_the_verification_date(
    mail_client: TestClient, inbox: SmtpInbox, actors_conn: Any, admin_headers: dict[str, str]
) -> None:
    client, conn = mail_client, actors_conn
    actor_id, _, _ = _two_actors(conn)
    conn.execute("UPDATE actor SET last_verified_on = '2024-01-02' WHERE id = %s", (actor_id,))
    before = _score(conn, actor_id)
    fields_before = conn.execute(
        "SELECT telephone, horaires_accueil, publics, grounds FROM actor WHERE id = %s",
        (actor_id,),
    ).fetchone()
    _keeper(client, admin_headers)
    path = _send(client, inbox, actor_id)
    client.cookies.clear()
    empty = client.post(
        path, data={"action": "modifier", **_as_stored(client, path)}, headers=SAME_SITE
    )
    assert empty.status_code == 422 and "Rien n&#39;a changé" in empty.text  # nothing to send
    done = client.post(path, data={"action": "inchange"}, headers=SAME_SITE)
    assert done.status_code == 200
    sign_in(client, "gardienne.annuaire")
    pid = conn.execute("SELECT id FROM actor_proposal").fetchone()[0]
    review = client.get(f"/equipe/annuaire/propositions/{pid}").text
    assert "confirme que rien n'a changé" in review
    url = f"/equipe/annuaire/propositions/{pid}"
    assert post_form(client, url, {"decision": "appliquer"}).status_code == 303
    assert (
        conn.execute(
            "SELECT telephone, horaires_accueil, publics, grounds FROM actor WHERE id = %s",
            (actor_id,),
        ).fetchone()
        == fields_before
    )
    stored = records.get(conn, actor_id)  # type: ignore[arg-type]
    assert stored is not None and stored.last_verified_on == hours.paris_now().date()
    assert _score(conn, actor_id) > before


def _as_stored(client: TestClient, path: str) -> dict[str, Any]:
    """The form's values as the page shows them (text inputs and checked boxes)."""
    import re

    html = client.get(path).text
    data: dict[str, Any] = {}
    for name, value in re.findall(
        r'<input type="(?:text|tel|email|url)" id="f-\w+" '
        r'name="(\w+)" value="([^"]*)"',
        html,
    ):
        data[name] = value.replace("&#39;", "'").replace("&amp;", "&")
    for name, body in re.findall(
        r'<textarea id="f-\w+" name="(\w+)"[^>]*>([^<]*)</textarea>', html
    ):
        if name != "note":
            data[name] = body.replace("&#39;", "'").replace("&amp;", "&")
    for name in ("publics", "grounds"):
        data[name] = re.findall(rf'name="{name}" value="([\w-]+)" id="[^"]+" checked', html)
    data["listes"] = ["publics", "grounds"]
    return data


def test_refused_expired_and_foreign_links(
    mail_client: TestClient, inbox: SmtpInbox, actors_conn: Any, admin_headers: dict[str, str]
) -> None:
    client, conn = mail_client, actors_conn
    actor_id, _, other_id = _two_actors(conn)
    phone = conn.execute("SELECT telephone FROM actor WHERE id = %s", (actor_id,)).fetchone()[0]
    _keeper(client, admin_headers)
    refused_path = _send(client, inbox, actor_id)
    expired_path = _send(client, inbox, actor_id)
    client.cookies.clear()
    # refused: the entry stays, the refusal is in the history
    assert (
        client.post(
            refused_path, data={"action": "modifier", "telephone": "0612345678"}, headers=SAME_SITE
        ).status_code
        == 200
    )
    sign_in(client, "gardienne.annuaire")
    pid = conn.execute("SELECT id FROM actor_proposal").fetchone()[0]
    url = f"/equipe/annuaire/propositions/{pid}"
    assert post_form(client, url, {"decision": "refuser"}).status_code == 303
    assert (
        conn.execute("SELECT telephone FROM actor WHERE id = %s", (actor_id,)).fetchone()[0]
        == phone
    )
    assert records.events(conn, actor_id)[-1]["action"] == "self_refused"  # type: ignore[arg-type]
    assert conn.execute("SELECT state FROM actor_proposal").fetchone()[0] == "refusee"
    # expired: 404 on the page and on the post, nothing written
    conn.execute(
        "UPDATE actor_update_link SET created_at = now() - interval '40 days', "
        "expires_at = now() - interval '1 day' WHERE used_at IS NULL"
    )
    client.cookies.clear()
    assert client.get(expired_path).status_code == 404
    gone = client.post(expired_path, data={"action": "inchange"}, headers=SAME_SITE)
    assert gone.status_code == 404 and "ne fonctionne plus" in gone.text
    assert conn.execute("SELECT count(*) FROM actor_proposal").fetchone()[0] == 1
    # unknown and malformed links: 404
    for bad in ("/mise-a-jour/" + "A" * 43, "/mise-a-jour/court", "/mise-a-jour/%2E%2E"):
        assert client.get(bad).status_code == 404, bad
    # a link opens its own entry only: the other place's id is not on its page
    sign_in(client, "gardienne.annuaire")
    path = _send(client, inbox, actor_id)
    client.cookies.clear()
    assert other_id not in client.get(path).text
    # the form does not take fields outside the actor's own (nom, position, visibility)
    client.post(
        path,
        data={
            "action": "modifier",
            "nom": "Piraté",
            "visibility": "professionnels",
            "telephone": "0612345678",
        },
        headers=SAME_SITE,
    )
    pid2 = conn.execute("SELECT max(id) FROM actor_proposal").fetchone()[0]
    changes = conn.execute("SELECT changes FROM actor_proposal WHERE id = %s", (pid2,)).fetchone()
    assert set(changes[0]) == {"telephone"}


def test_campaign_sends_one_link_per_place_with_an_address(
    mail_client: TestClient, inbox: SmtpInbox, actors_conn: Any, admin_headers: dict[str, str]
) -> None:
    client, conn = mail_client, actors_conn
    _keeper(client, admin_headers)
    resp = post_form(client, "/equipe/annuaire/campagne", {}, page="/equipe/annuaire")
    assert resp.status_code == 200, resp.text
    with_address = conn.execute(
        "SELECT count(DISTINCT actor_id) FROM actor_update_link WHERE delivery_error IS NULL"
    ).fetchone()[0]
    assert with_address > 0 and len(inbox.messages) == with_address
    recipients = [to for to, _, _ in bodies(inbox)]
    assert len(set(recipients)) <= len(recipients)
    assert f"{with_address} lien(s) envoyé(s)" in resp.text
    assert "sans courriel" in resp.text
    # every link went to the address of its own place
    mismatched = conn.execute(
        "SELECT count(*) FROM actor_update_link l JOIN actor a ON a.id = l.actor_id "
        "WHERE lower(l.sent_to) <> lower(a.courriel)"
    ).fetchone()[0]
    assert mismatched == 0
    # a second campaign right after sends nothing new (asked less than two weeks ago)
    again = post_form(client, "/equipe/annuaire/campagne", {}, page="/equipe/annuaire")
    assert "0 lien(s) envoyé(s)" in again.text and len(inbox.messages) == with_address


def test_without_smtp_the_keeper_is_told(
    actors_client: TestClient, actors_conn: Any, admin_headers: dict[str, str]
) -> None:
    client = actors_client
    actor_id, _, _ = _two_actors(actors_conn)
    _keeper(client, admin_headers)
    page = f"/equipe/annuaire/{actor_id}"
    resp = post_form(client, f"{page}/lien", {"to": ""}, page=page)
    assert resp.status_code == 422 and "aucun serveur de courriel" in resp.text
    assert actors_conn.execute("SELECT count(*) FROM actor_update_link").fetchone()[0] == 0
    assert date.today()  # the page still works


@pytest.mark.browser
def test_actor_and_keeper_in_chromium(
    browser: Any,
    live_server: LiveServer,
    actors_client: TestClient,
    actors_conn: Any,
    admin_headers: dict[str, str],
) -> None:
    """The actor fills its form in a real browser (the form posts from this site: accepted),
    both pages pass axe; the keeper applies the proposal from the diff page."""
    conn = actors_conn
    actor_id, name, _ = _two_actors(conn)
    link = selfupdate.issue(conn, actor_id, "accueil@example.org", "test")  # type: ignore[arg-type]
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/mise-a-jour/{link.token}")
    expect(page.get_by_role("heading", name="Vérifiez votre fiche")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Téléphone").fill("not a phone")
    page.get_by_role("button", name="Envoyer mes modifications").click()
    expect(page.locator("#f-telephone-erreur")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_label("Téléphone").fill("02 51 72 94 00")
    page.get_by_label("Femmes", exact=True).check()
    page.get_by_role("button", name="Envoyer mes modifications").click()
    expect(page.get_by_role("heading", name="Merci")).to_be_visible()
    make_staff(actors_client, admin_headers, "gardienne.annuaire", "planner")
    keeper = browser.new_context(locale="fr-FR").new_page()
    keeper.goto(live_server.url + "/connexion?next=/equipe/annuaire/propositions")
    keeper.get_by_label("Identifiant").fill("gardienne.annuaire")
    keeper.get_by_label("Mot de passe").fill(PASSWORD)
    keeper.get_by_role("button", name="Se connecter").click()
    keeper.get_by_role("link", name=name).click()
    expect(keeper.get_by_role("cell", name="+33251729400")).to_be_visible()
    assert run_axe(keeper) == []
    keeper.get_by_role("button", name="Appliquer et marquer vérifié aujourd'hui").click()
    expect(keeper.get_by_text("La proposition est appliquée")).to_be_visible()
    stored = records.get(conn, actor_id)  # type: ignore[arg-type]
    assert stored is not None and stored.telephone == "+33251729400"
    assert "femmes" in stored.publics
    context.close()
