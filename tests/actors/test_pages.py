"""Resident pages without JavaScript: server-rendered form and results, detail, widget."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.actors.helpers import AT


def test_the_page_works_without_javascript(actors_client: TestClient) -> None:
    empty = actors_client.get("/aide")
    assert empty.status_code == 200
    page = empty.text
    assert '<html lang="fr">' in page and "Trouver de l'aide près de chez moi" in page
    for field in (
        'name="besoin"',
        'name="domain"',
        'name="ground"',
        'name="quartier"',
        'name="commune"',
        'method="get"',
    ):
        assert field in page
    assert 'for="quartier"' in page and 'for="commune"' in page and 'for="domaine"' in page
    # the campaign's lines before any search (#21), each with its source and date
    for number in ("39 19", "02 40 41 95 96", "39 28"):
        assert number in page
    assert "Source : Service-Public.fr" in page and "(2024-07-22)" in page


def test_search_by_commune_lists_places_with_tel_links(actors_client: TestClient) -> None:
    page = actors_client.get(f"/aide?commune=44109&at={AT}").text
    heading = re.search(r'<h2 id="titre-resultats"[^>]*>(.*?)</h2>', page)
    assert heading and "à Nantes" in heading.group(1)
    assert 'href="tel:+33' in page
    assert "Classés par nom" in page
    assert 'src="/cartes/acteurs?commune=44109' in page  # the map beside the list


def test_discrimination_at_work_in_bellevue_shows_lines_first(actors_client: TestClient) -> None:
    page = actors_client.get(
        f"/aide?besoin=discrimination&domain=emploi&quartier=QP044005&at={AT}"
    ).text
    lines = page.index("Vous pouvez aussi appeler")
    results = page.index('id="titre-resultats"')
    assert lines < results
    assert 'href="tel:+33240419596"' in page and 'href="tel:3928"' in page
    assert "autour du quartier Bellevue" in page
    cards = re.findall(r'<li class="lieu">.*?</li>', page, re.S)
    assert len(cards) == 5  # the 4 delegates' offices and the CDAD
    assert re.search(r'<p class="distance">à \d+(,\d)? km', cards[0])
    assert all('class="ouverture' in card for card in cards)
    assert "Ouverture évaluée le 7 décembre 2026 à 10 h 30" in page


def test_unknown_codes_in_the_form_are_said_not_crashed(actors_client: TestClient) -> None:
    page = actors_client.get("/aide?domain=cinema&commune=44109")
    assert page.status_code == 200
    assert "domaine inconnu" in page.text


def test_detail_page_shows_source_hours_and_derivation(actors_client: TestClient) -> None:
    feature = actors_client.get("/api/actors?q=France services Reze").json()["features"][0]
    page = actors_client.get(f"/aide/lieux/{feature['id']}").text
    assert "Horaires des sept prochains jours" in page
    assert "ANCT France services list 2024-08-01" in page and "2024-08-01" in page
    assert "déduits du type de structure" in page
    assert 'href="tel:+33240845280"' in page
    missing = actors_client.get("/aide/lieux/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and "Lieu introuvable" in missing.text


def test_widget_and_snippet(actors_client: TestClient) -> None:
    widget = actors_client.get(f"/aide/widget?commune=44109&at={AT}").text
    assert 'action="/aide/widget"' in widget and 'target="_blank"' in widget
    assert "<iframe" not in widget  # compact: the list only
    embed = actors_client.get("/aide/integrer").text
    assert "&lt;iframe src=&#34;http://testserver/aide/widget&#34;" in embed
    assert 'title="Aperçu' in embed


def test_a_position_outside_the_territory_is_explained(actors_client: TestClient) -> None:
    page = actors_client.get("/aide?lon=2.35&lat=48.85").text
    assert "hors de la zone couverte par ce service" in page
    assert '<li class="lieu">' not in page
