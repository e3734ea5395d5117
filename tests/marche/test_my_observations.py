"""« Mes observations » in real Chromium: correct (online and offline) and delete one's own
observations while the walk is open; what the server refused is shown with its reason; once the
facilitator closes the walk, everything is read-only."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.browser import run_axe, save_screenshot
from tests.marche.steps import capture, join, local_counts, wait_synced
from tests.surveys.conftest import Staff


def _versions(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT v.version, v.rating, v.comment, o.current_version FROM observation_versions v "
        "JOIN observations o ON o.id = v.observation_id ORDER BY v.version"
    ).fetchall()


def _close_walk(client: TestClient, walk: dict[str, Any], staff: Staff) -> None:
    for action in ("realiser", "restituer"):
        resp = client.post(
            f"/api/walks/{walk['id']}/transitions",
            json={"action": action},
            headers=staff.facilitator,
        )
        assert resp.status_code == 200, resp.text


def _synced(page: Any, sent: int) -> None:
    page.get_by_role("link", name="Retour à la marche").click()
    wait_synced(page, sent)
    page.get_by_role("link", name="Mes observations").click()


@pytest.mark.browser
def test_correct_online_and_offline_then_delete(
    phone: Any, walk: dict[str, Any], conn: psycopg.Connection[Any]
) -> None:
    page = phone
    page.on("dialog", lambda dialog: dialog.accept())
    join(page, walk["invite_code"], "Awa")
    capture(page, comment="Trottoir défoncé", rating="1 — problématique")
    wait_synced(page, 1)
    page.get_by_role("link", name="Mes observations").click()
    card = page.locator("#obs-list > li")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Envoyée")

    # correction online: a new version on the server, the original kept
    card.get_by_role("link", name="Corriger").click()
    expect(page.get_by_role("heading", name="Corriger l'observation")).to_be_visible()
    expect(page.get_by_label("Commentaire")).to_have_value("Trottoir défoncé")
    expect(page.get_by_label("1 — problématique", exact=True)).to_be_checked()
    page.get_by_label("0 — très problématique", exact=True).check()
    page.get_by_label("Commentaire").fill("Trottoir défoncé, poussette impossible")
    page.get_by_role("button", name="Enregistrer la correction").click()
    expect(page.locator(".flash")).to_contain_text("Correction enregistrée")
    _synced(page, 1)
    expect(card).to_contain_text("poussette impossible")
    assert _versions(conn) == [
        (1, 1, "Trottoir défoncé", 2),
        (2, 0, "Trottoir défoncé, poussette impossible", 2),
    ]

    # correction offline: waits on the phone, then goes
    page.context.set_offline(True)
    card.get_by_role("link", name="Corriger").click()
    page.get_by_label("2 — plutôt satisfaisant", exact=True).check()
    page.get_by_role("button", name="Enregistrer la correction").click()
    expect(card.locator(".state")).to_contain_text("Correction en attente d'envoi")
    save_screenshot(page, "marche-correction-waiting")
    assert len(_versions(conn)) == 2
    page.context.set_offline(False)
    _synced(page, 1)
    assert [v[:2] for v in _versions(conn)] == [(1, 1), (2, 0), (3, 2)]

    # deletion: confirmed, sent, gone from the server and from the phone
    card.get_by_role("button", name="Supprimer").click()
    expect(page.locator("#obs-list > li")).to_have_count(0)
    _synced(page, 0)
    assert conn.execute("SELECT count(*) FROM observations").fetchone() == (0,)
    assert local_counts(page) == (0, 0)
    expect(page.locator("#list-summary")).to_have_text("Aucune observation pour l'instant.")
    assert page.log.external == []


@pytest.mark.browser
def test_refusals_are_explained_and_a_closed_walk_is_read_only(
    phone: Any,
    walk: dict[str, Any],
    conn: psycopg.Connection[Any],
    client: TestClient,
    staff: Staff,
) -> None:
    page = phone
    join(page, walk["invite_code"], "Lucie")
    capture(page, comment="Envoyée avant la clôture")
    wait_synced(page, 1)

    # offline, she records one more; meanwhile the facilitator closes the walk
    page.context.set_offline(True)
    capture(page, comment="Saisie hors ligne après la clôture")
    _close_walk(client, walk, staff)
    page.context.set_offline(False)

    failed = page.locator("#sync-panel .failed")
    expect(failed).to_contain_text("Échecs : 1", timeout=15000)
    expect(page.locator("#walk-closed")).to_be_visible()
    expect(page.get_by_role("link", name="Nouvelle observation")).to_be_hidden()
    save_screenshot(page, "marche-refused-walk")
    page.get_by_role("link", name="voir pourquoi").click()
    refused = page.locator("#obs-list > li", has_text="Saisie hors ligne")
    expect(refused.locator(".state")).to_contain_text(
        "Échec : cette marche est close : elle n'accepte plus de nouvelles observations"
    )
    expect(refused.get_by_role("button", name="Réessayer")).to_be_visible()
    sent = page.locator("#obs-list > li", has_text="Envoyée avant la clôture")
    expect(sent).to_contain_text("Lecture seule : la marche est close")
    expect(page.get_by_role("link", name="Corriger")).to_have_count(0)
    expect(page.get_by_role("button", name="Supprimer")).to_have_count(0)
    assert run_axe(page) == []
    save_screenshot(page, "marche-refused-list")

    # a retry is refused the same way, and nothing is lost on the phone
    refused.get_by_role("button", name="Réessayer").click()
    expect(refused.locator(".state")).to_contain_text(
        "Échec : cette marche est close", timeout=15000
    )
    assert local_counts(page) == (1, 0)
    comments = [r[0] for r in conn.execute("SELECT comment FROM observation_versions").fetchall()]
    assert comments == ["Envoyée avant la clôture"]

    # she gives up on it: it leaves the phone (after a confirmation), the sent one stays
    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button", name="Abandonner").click()
    expect(page.locator("#obs-list > li")).to_have_count(1)
    assert local_counts(page) == (0, 0)
