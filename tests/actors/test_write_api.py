"""Staff writes: roles, validation, audit, staff edits surviving imports, verification,
campaign, duplicate review — and XSS payloads stored as text, escaped everywhere."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from actors import importer
from tests.actors.helpers import ADMIN, AT, token

XSS = '<script>alert("cg")</script><img src=x onerror=alert(1)>'
NEW = {
    "nom": "Point d'écoute Bellevue",
    "lon": -1.6215,
    "lat": 47.2136,
    "adresse": "1 place Mendès-France",
    "code_postal": "44100",
    "commune": "Nantes",
    "telephone": "02 40 41 95 96",
    "horaires_accueil": "Mo-Fr 09:00-12:00,14:00-17:00",
    "grounds": ["origine", "religion"],
    "domains": ["emploi", "logement"],
    "publics": ["habitants_qpv"],
    "languages": ["fr", "ar"],
    "networks": ["vigilance_discriminations"],
}


def test_only_admins_and_planners_write(actors_client: TestClient) -> None:
    assert actors_client.post("/api/actors", json=NEW).status_code == 401
    facilitator = token(actors_client, "facilitator")
    refused = actors_client.post("/api/actors", json=NEW, headers=facilitator)
    assert refused.status_code == 403 and "admin, planner" in refused.json()["detail"]
    planner = token(actors_client, "planner")
    created = actors_client.post("/api/actors", json=NEW, headers=planner)
    assert created.status_code == 201, created.text
    props = created.json()["properties"]
    assert props["telephone"] == "+33240419596"
    assert props["source"] == "saisie Cartégalité" and props["derived_fields"] == []
    assert actors_client.get("/api/actors/campaign", headers=facilitator).status_code == 403


def test_invalid_bodies_are_422_naming_each_field(actors_client: TestClient) -> None:
    body = {**NEW, "telephone": "0240", "courriel": "x", "domains": ["cinema"]}
    response = actors_client.post("/api/actors", json=body, headers=ADMIN)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "telephone invalide" in detail and "courriel invalide" in detail
    assert "valeurs possibles : emploi" in detail
    outside = actors_client.post(
        "/api/actors", json={**NEW, "lon": 2.35, "lat": 48.85}, headers=ADMIN
    )
    assert outside.status_code == 422 and "hors de la zone couverte" in outside.json()["detail"]
    unknown = actors_client.post("/api/actors", json={**NEW, "couleur": "bleu"}, headers=ADMIN)
    assert unknown.status_code == 422
    nan = actors_client.post(
        "/api/actors",
        content=b'{"nom": "x", "lon": NaN, "lat": 47.2}',
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert nan.status_code == 422


def test_xss_is_stored_as_text_and_escaped_everywhere(actors_client: TestClient) -> None:
    body = {**NEW, "nom": XSS, "description": XSS + " description assez longue pour compter"}
    created = actors_client.post("/api/actors", json=body, headers=ADMIN).json()
    actor_id = created["id"]
    assert created["properties"]["nom"] == XSS  # JSON carries the text as it is
    pages = [
        f"/aide?quartier=QP044005&besoin=discrimination&at={AT}",
        f"/aide/resultats?quartier=QP044005&at={AT}",
        f"/aide/widget?quartier=QP044005&at={AT}",
        f"/aide/carte?quartier=QP044005&at={AT}",
        f"/aide/carte?lieu={actor_id}",
        f"/aide/lieux/{actor_id}",
    ]
    for page in pages:
        text = actors_client.get(page).text
        assert "<script>alert" not in text and "<img src=x" not in text, page
        assert html.escape(XSS)[:30] in text or "&lt;script&gt;" in text, page


def test_updates_are_audited_and_survive_reimports(
    actors_client: TestClient, actors_conn: psycopg.Connection[Any], actors_file: Path
) -> None:
    row = actors_conn.execute(
        "SELECT id, telephone FROM actor WHERE source_id = '2412'"  # France services Rezé
    ).fetchone()
    assert row is not None
    actor_id, old_phone = row
    patch = {"telephone": "02 40 84 43 00", "publics": ["jeunes", "familles"], "languages": ["fr"]}
    response = actors_client.patch(f"/api/actors/{actor_id}", json=patch, headers=ADMIN)
    assert response.status_code == 200
    props = response.json()["properties"]
    assert props["telephone"] == "+33240844300"
    assert set(props["edited_fields"]) == {"telephone", "publics", "languages"}
    assert "publics" not in props["derived_fields"]
    history = actors_client.get(f"/api/actors/{actor_id}/history", headers=ADMIN).json()
    assert history[-1]["action"] == "update" and history[-1]["by"] == "admin"
    assert history[-1]["changes"]["telephone"] == [old_phone, "+33240844300"]
    summary = importer.import_file(actors_conn, actors_file)
    assert summary.kept_edits >= 2 and summary.updated == 0
    kept = actors_client.get(f"/api/actors/{actor_id}").json()["properties"]
    assert kept["telephone"] == "+33240844300" and kept["publics"] == ["jeunes", "familles"]
    bad = actors_client.patch(f"/api/actors/{actor_id}", json={"lon": -1.5}, headers=ADMIN)
    assert bad.status_code == 422 and "ensemble" in bad.json()["detail"]


def test_campaign_lists_what_to_ask_and_verification_resets_freshness(
    actors_client: TestClient,
) -> None:
    campaign = actors_client.get("/api/actors/campaign", headers=ADMIN).json()
    assert campaign["count"] == 101  # every source is older than six months
    worst = campaign["actors"][0]
    assert worst["score"] <= campaign["actors"][-1]["score"]
    assert "vérification de moins de six mois" in worst["missing"]
    verified = actors_client.post(f"/api/actors/{worst['id']}/verify", json={}, headers=ADMIN)
    assert verified.status_code == 200
    assert verified.json()["properties"]["last_verified_on"] is not None
    after = actors_client.get("/api/actors/campaign", headers=ADMIN).json()
    entry = next((a for a in after["actors"] if a["id"] == worst["id"]), None)
    assert entry is None or "vérification de moins de six mois" not in entry["missing"]
    csv_text = actors_client.get("/api/actors/campaign?format=csv", headers=ADMIN).text
    assert csv_text.startswith("nom;commune;score")


def test_duplicates_are_reviewed(
    actors_client: TestClient, actors_conn: psycopg.Connection[Any], tmp_path: Path
) -> None:
    path = tmp_path / "autre.csv"
    path.write_text(
        "nom;latitude;longitude;source_id\n"
        "France Travail (ex-Pôle emploi) - Nantes Nord;47.26387;-1.56970;FT-NORD\n"
    )
    summary = importer.import_file(actors_conn, path, importer.ImportOptions(source="autre"))
    assert len(summary.duplicates) == 1 and summary.inserted == 0
    pending = actors_client.get("/api/actors/duplicates", headers=ADMIN).json()
    assert [d["source_id"] for d in pending] == ["FT-NORD"]
    decided = actors_client.post(
        f"/api/actors/duplicates/{pending[0]['id']}", json={"decision": "distinct"}, headers=ADMIN
    )
    assert decided.status_code == 200 and decided.json()["created"]
    again = actors_client.post(
        f"/api/actors/duplicates/{pending[0]['id']}", json={"decision": "confirme"}, headers=ADMIN
    )
    assert again.status_code == 409
    rerun = importer.import_file(actors_conn, path, importer.ImportOptions(source="autre"))
    assert (rerun.unchanged, rerun.duplicates) == (1, [])
