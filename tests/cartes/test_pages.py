"""The map pages over HTTP: who may open them, what they contain and never contain."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from app.settings import Settings
from tests.cartes.conftest import bearer
from tests.cartes.scenario import XSS, Scenario

URL = re.compile(r"(?:https?:)?//[a-zA-Z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*")
TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def has_layer(page: str, name: str) -> bool:
    """The layer control lists ``name`` (names are JSON-encoded in the page's script)."""
    encoded = json.dumps(name)  # as Jinja's tojson writes it (quotes as \u0027)
    return encoded in page or encoded.replace("'", "\\u0027") in page


def pages(story: Scenario) -> list[str]:
    return [
        "/cartes/securite",
        "/cartes/securite?qpv=QP044005&creneau=nuit&non_mixte=true",
        "/cartes/publique",
        "/cartes/acteurs",
        "/cartes/expositions",
        f"/cartes/marches/{story.walks['night']}",
    ]


def test_staff_maps_refuse_anonymous_and_other_walks(client: TestClient, story: Scenario) -> None:
    night, malakoff = story.walks["night"], story.walks["malakoff"]
    for path in ("/cartes/securite", f"/cartes/marches/{night}"):
        resp = client.get(path)
        assert resp.status_code == 401, path
        assert "authentification" in resp.json()["detail"]
    # a participant of another walk, a facilitator of other walks: not found
    assert (
        client.get(f"/cartes/marches/{night}", headers=bearer(story.tokens["ines"])).status_code
        == 404
    )
    assert (
        client.get(
            f"/cartes/marches/{night}", headers=bearer(story.tokens["samir.anim"])
        ).status_code
        == 404
    )
    # participants never get the planners' map
    assert client.get("/cartes/securite", headers=bearer(story.tokens["aicha"])).status_code == 404
    assert (
        client.get(f"/cartes/marches/{malakoff}", headers=bearer(story.tokens["ines"])).status_code
        == 200
    )
    assert (
        client.get("/cartes/securite", headers={"Authorization": "Bearer cg_nope"}).status_code
        == 401
    )


def test_participant_sees_her_walk_without_the_pair_or_unpublished_text(
    client: TestClient, story: Scenario
) -> None:
    night = story.walks["night"]
    mine = client.get(f"/cartes/marches/{night}", headers=bearer(story.tokens["aicha"]))
    assert mine.status_code == 200
    assert "Bellevue de nuit" in mine.text
    assert "Bellevue de jour" not in mine.text  # the paired walk is for staff
    staff = client.get(f"/cartes/marches/{night}", headers=bearer(story.tokens["claire.anim"]))
    assert "Bellevue de jour" in staff.text and "Bellevue de nuit" in staff.text
    assert staff.text.count('class="folium-map"') == 2  # side by side


def test_every_map_is_local_and_escaped(settings: Settings, story: Scenario) -> None:
    with TestClient(create_app(settings.with_(tile_url=TILES))) as client:
        for path in pages(story):
            resp = client.get(path, headers=bearer(story.tokens["lea.urba"]))
            assert resp.status_code == 200, (path, resp.text[:300])
            assert resp.headers["content-type"].startswith("text/html")
            assert set(URL.findall(resp.text)) <= {TILES}, path
            assert XSS not in resp.text and "<img src=x" not in resp.text, path
            assert '<html lang="fr">' in resp.text
            assert re.search(r'aria-label"?,? ?=?"Légende"', resp.text), path
            assert "L.control.scale" in resp.text and "L.control.layers" in resp.text, path


def test_safety_map_shows_the_comment_escaped(client: TestClient, story: Scenario) -> None:
    text = client.get(
        "/cartes/securite?qpv=QP044005&creneau=nuit", headers=bearer(story.tokens["lea.urba"])
    ).text
    assert "&lt;script&gt;alert(" in text  # in the table and in the marker rows
    assert "Passage sombre sous la passerelle" in text
    assert has_layer(text, "Observations — nuit (9)")
    assert has_layer(text, "Observations — jour (0)")
    assert has_layer(text, "Signalements ouverts (2)") and has_layer(text, "Signalements clos (1)")


def test_public_map_never_shows_a_point_or_a_text(client: TestClient, story: Scenario) -> None:
    text = client.get("/cartes/publique").text
    for word in ("Passage sombre", "Groupe", "non modérée", "Aïcha", "Lampadaire", "Encombrants"):
        assert word not in text
    numbers = {round(float(x), 6) for x in re.findall(r"-?\d+\.\d{4,}", text)}
    for _id, lon, lat in story.observations:
        assert not (round(lon, 6) in numbers and round(lat, 6) in numbers), (lon, lat)
    assert has_layer(text, "Observations agrégées (carrés de 200 m)")


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("theme=inconnu", "thème inconnu"),
        ("du=2026-13-01", "date invalide"),
        ("du=2026-05-02&au=2026-05-01", "période vide"),
        ("qpv=QP999999", "quartier prioritaire inconnu"),
        ("creneau=aube", "créneau inconnu"),
        ("generation=2016", "génération inconnue"),
    ],
)
def test_bad_filters_are_refused_in_french(
    client: TestClient, story: Scenario, query: str, word: str
) -> None:
    resp = client.get(f"/cartes/securite?{query}", headers=bearer(story.tokens["lea.urba"]))
    assert resp.status_code == 422
    assert word in resp.json()["detail"]


def test_filters_narrow_the_map(client: TestClient, story: Scenario) -> None:
    h = bearer(story.tokens["lea.urba"])
    whole = client.get("/cartes/securite", headers=h).text
    assert has_layer(whole, "Observations — soirée (2)") and has_layer(
        whole, "Observations — jour (3)"
    )
    day_only = client.get("/cartes/securite?creneau=jour&theme=animation", headers=h).text
    assert has_layer(day_only, "Observations — jour (3)") and has_layer(
        day_only, "Observations — nuit (0)"
    )
    past = client.get("/cartes/securite?au=2000-01-01", headers=h).text
    assert "0 observation(s) de marche" in past
    # the form says what is selected
    night = client.get("/cartes/securite?qpv=QP044005&creneau=nuit", headers=h).text
    assert '<option value="nuit" selected>' in night
    assert '<option value="QP044005" selected>' in night


def test_facilitator_sees_only_her_walks(client: TestClient, story: Scenario) -> None:
    text = client.get("/cartes/securite", headers=bearer(story.tokens["samir.anim"])).text
    assert has_layer(text, "Observations — soirée (2)")
    assert has_layer(text, "Observations — nuit (0)") and "Bellevue de nuit" not in text


def test_old_addresses_redirect(client: TestClient) -> None:
    resp = client.get("/cartes/observations?demo=true", follow_redirects=False)
    assert resp.status_code == 308
    assert resp.headers["location"] == "/cartes/publique?demo=true"
    resp = client.get("/aide/carte?commune=44109", follow_redirects=False)
    assert resp.status_code == 308
    assert resp.headers["location"] == "/cartes/acteurs?commune=44109"


def test_resident_page_frames_the_actors_map(client: TestClient) -> None:
    text = client.get("/aide?quartier=QP044005").text
    assert 'src="/cartes/acteurs?quartier=QP044005&amp;cadre=1"' in text


def test_actors_map_lists_the_territory(client: TestClient, conn: Any) -> None:
    text = client.get("/cartes/acteurs").text
    markers = text.count("L.marker(")
    assert markers > 20
    assert text.count("<tr><td>") == markers  # table alternative, one line per place
    assert 'href="tel:' in text


def test_walk_map_rows_are_compact(client: TestClient, story: Scenario) -> None:
    text = client.get(
        f"/cartes/marches/{story.walks['night']}", headers=bearer(story.tokens["lea.urba"])
    ).text
    rows = re.search(r"cgMarks\.observationPoints\(\w+, (\[.*?\]), \{", text)
    assert rows is not None
    assert len(json.loads(rows.group(1))) == 9  # moderated or not, the staff sees them all
