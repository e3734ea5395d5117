"""Counting who is present at a stop from the field app (« Sports et femmes »): offline, the
count waits on the phone with its own id; back online the sync loop sends it once, and the
server holds exactly what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import run_axe
from tests.marche.steps import join, wait_controlled


@pytest.mark.browser
def test_a_walker_counts_at_a_stop_offline_then_it_syncs_once(
    phone: Any, walk: dict[str, Any], conn: Any
) -> None:
    join(phone, walk["invite_code"], "Nadia")
    wait_controlled(phone)
    phone.context.set_offline(True)
    phone.get_by_role("link", name="Compter qui est présent à un arrêt").tap()
    expect(phone.get_by_role("heading", name="Compter qui est présent")).to_be_visible()
    assert run_axe(phone) == []
    phone.get_by_role("button", name="Enregistrer le comptage").tap()
    expect(phone.locator("#count-error")).to_contain_text("choisissez l'arrêt")
    phone.locator("#count-stop").select_option(label="n°1 — Passerelle")
    phone.get_by_label("Femmes et adolescentes").fill("3")
    phone.get_by_label("Hommes et adolescents").fill("7")
    phone.get_by_label("Enfants (moins de 12 ans environ)").fill("501")
    phone.get_by_role("button", name="Enregistrer le comptage").tap()
    expect(phone.locator("#count-error")).to_contain_text("Enfants")
    phone.get_by_label("Enfants (moins de 12 ans environ)").fill("2")
    phone.get_by_role("button", name="Enregistrer le comptage").tap()
    expect(phone.locator("#sync-panel")).to_contain_text("Comptages en attente d'envoi : 1")
    assert conn.execute("SELECT count(*) FROM presence_count").fetchone()[0] == 0
    phone.context.set_offline(False)
    phone.get_by_role("button", name="Envoyer maintenant").tap()
    expect(phone.locator("#sync-panel")).not_to_contain_text("Comptages en attente", timeout=20000)
    rows = conn.execute(
        "SELECT p.counts, p.minutes, s.name, p.participant_id IS NOT NULL "
        "FROM presence_count p JOIN walk_stops s ON s.id = p.stop_id"
    ).fetchall()
    assert rows == [({"femmes": 3, "hommes": 7, "enfants": 2}, 10, "Passerelle", True)]
    offline = ("net::ERR", "Failed to load")  # the fetches tried while offline
    assert [e for e in phone.log.errors if not any(o in e for o in offline)] == []
    assert phone.log.external == []
