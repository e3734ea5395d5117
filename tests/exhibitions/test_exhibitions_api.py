"""Exhibitions: themes from the grounds vocabulary (aliases expanded), ages, copies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient


def test_create_with_everyday_themes_and_copies(
    client: TestClient, make_user: Callable[[str, str], dict[str, str]]
) -> None:
    planner = make_user("plan", "planner")
    body = {
        "title": "Parcours handicap",
        "partner": "APF France handicap",
        "themes": ["Handicap", "égalité filles-garçons", "Harcèlement"],
        "age_min": 11,
        "age_max": 15,
        "copies": 3,
    }
    resp = client.post("/api/exhibitions", json=body, headers=planner)
    assert resp.status_code == 201, resp.text
    made = resp.json()
    assert [t["code"] for t in made["themes"]] == ["handicap", "sexe", "harcelement_scolaire"]
    assert made["themes"][1]["label"] == "Sexe"
    assert made["copies"] == [1, 2, 3]
    more = client.post(
        f"/api/exhibitions/{made['id']}/copies", json={"label": "version A3"}, headers=planner
    )
    assert more.status_code == 201 and more.json()["copies"] == [1, 2, 3, 4]
    listed = client.get("/api/exhibitions").json()
    assert [e["title"] for e in listed] == ["Parcours handicap"]
    assert client.get(f"/api/exhibitions/{made['id']}").json() == more.json()


def test_bad_exhibitions_are_422(client: TestClient, admin_headers: dict[str, str]) -> None:
    cases = [
        (
            {"title": "X", "themes": ["cinéma"]},
            "thème inconnu : 'cinéma' (valeurs possibles : origine",
        ),
        ({"title": "X", "age_min": 15, "age_max": 11}, "âges incohérents : de 15 à 11 ans"),
        ({"title": "X", "copies": 0}, "copies : valeur trop petite (minimum 1)"),
        ({"title": ""}, "title : texte trop court"),
        ({"title": "X", "age_min": 1}, "age_min : valeur trop petite (minimum 3)"),
    ]
    for body, message in cases:
        resp = client.post("/api/exhibitions", json=body, headers=admin_headers)
        assert resp.status_code == 422, body
        assert message in resp.json()["detail"], resp.json()
    assert client.get("/api/exhibitions").json() == []


def test_theme_vocabulary_reuses_the_grounds(client: TestClient) -> None:
    vocab = client.get("/api/exhibitions/themes").json()
    codes = [t["code"] for t in vocab["themes"]]
    assert {
        "origine",
        "pretendue_race",
        "handicap",
        "nation",
        "sexe",
        "orientation_sexuelle",
        "religion",
    } <= set(vocab["grounds"])
    assert "harcelement_scolaire" in codes and "harcelement_scolaire" not in vocab["grounds"]
    assert vocab["aliases"]["racisme"] == ["origine", "pretendue_race"]
    assert vocab["aliases"]["nationalite"] == ["nation"]


def test_unknown_exhibition_is_404(
    client: TestClient, make_exhibition: Callable[..., dict[str, Any]]
) -> None:
    make_exhibition()
    resp = client.get("/api/exhibitions/00000000-0000-4000-8000-000000000001")
    assert resp.status_code == 404 and resp.json()["detail"].startswith("exposition inconnue")
