"""On the phone, a walker gets her « suivi » link from the walk's page and opens it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.marche.steps import join


@pytest.mark.browser
def test_walker_gets_and_opens_her_suivi_link(phone: Any, walk: dict[str, Any]) -> None:
    join(phone, walk["invite_code"], "Mina")
    phone.get_by_role("button", name="Obtenir mon lien de suivi").tap()
    link = phone.locator("#suivi-url")
    expect(link).to_be_visible()
    url = link.get_attribute("href")
    assert url is not None and "/suivi/cg_" in url
    phone.goto(url)
    expect(
        phone.get_by_role("heading", name="Ce que sont devenues mes observations")
    ).to_be_visible()
    expect(phone.locator("body")).to_contain_text("« Mina »")
    assert phone.log.errors == [] and phone.log.external == []
