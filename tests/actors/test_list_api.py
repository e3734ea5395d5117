"""``GET /api/actors`` (commune, quartier, text), one actor, vocabularies, exports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.actors.helpers import ADMIN, geod_m, shared_features


def test_by_commune_code_or_name_whatever_the_spelling(
    actors_client: TestClient, actors_file: Path
) -> None:
    in_file = [f for f in shared_features(actors_file) if f["properties"]["insee_com"] == "44162"]
    by_code = actors_client.get("/api/actors?commune=44162").json()
    by_name = actors_client.get("/api/actors?commune=saint herblain").json()
    accents = actors_client.get("/api/actors?commune=SAINT-HERBLAIN").json()
    assert by_code["numberMatched"] == len(in_file) > 0
    assert [f["id"] for f in by_name["features"]] == [f["id"] for f in by_code["features"]]
    assert [f["id"] for f in accents["features"]] == [f["id"] for f in by_code["features"]]
    names = [f["properties"]["nom"] for f in by_code["features"]]
    assert names == sorted(names)


def test_near_a_quartier_nearest_first_with_inside_flag(actors_client: TestClient) -> None:
    body = actors_client.get("/api/actors?qpv=QP044013&near_m=1500").json()  # Malakoff
    feats = body["features"]
    assert feats, "Malakoff has help places within 1.5 km"
    distances = [f["properties"]["distance_m"] for f in feats]
    assert distances == sorted(distances) and distances[-1] <= 1500
    assert all(f["properties"]["in_qpv"] == (f["properties"]["distance_m"] == 0) for f in feats)
    unknown = actors_client.get("/api/actors?qpv=QP999999")
    assert unknown.status_code == 404 and "quartier prioritaire inconnu" in unknown.json()["detail"]


def test_text_search_ignores_accents_and_case(actors_client: TestClient) -> None:
    plain = actors_client.get("/api/actors?q=defenseur droits").json()
    accented = actors_client.get("/api/actors?q=Défenseur").json()
    assert plain["numberMatched"] == 4
    assert {f["id"] for f in plain["features"]} == {f["id"] for f in accented["features"]}
    nothing = actors_client.get("/api/actors?q=%27%3B%20DROP%20TABLE%20actor%3B%20--").json()
    assert nothing["numberMatched"] == 0
    assert actors_client.get("/api/actors?limit=1").json()["numberMatched"] == 101


def test_pagination(actors_client: TestClient) -> None:
    first = actors_client.get("/api/actors?limit=40").json()
    second = actors_client.get("/api/actors?limit=40&offset=40").json()
    ids = [f["id"] for f in first["features"] + second["features"]]
    assert len(ids) == len(set(ids)) == 80
    assert actors_client.get("/api/actors?limit=201").status_code == 422


def test_one_actor_and_unknown_ids(actors_client: TestClient) -> None:
    some = actors_client.get("/api/actors?commune=44109&limit=1").json()["features"][0]
    one = actors_client.get(f"/api/actors/{some['id']}")
    assert one.status_code == 200 and one.json()["properties"]["nom"] == some["properties"]["nom"]
    missing = actors_client.get("/api/actors/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and missing.json()["detail"].startswith("acteur introuvable")
    assert actors_client.get("/api/actors/pas-un-uuid").status_code == 422


def test_vocabularies_are_served_with_labels(actors_client: TestClient) -> None:
    body = actors_client.get("/api/actors/vocabularies").json()
    assert len(body["grounds"]) == 25
    assert body["domains"][0] == {
        "code": "emploi",
        "label": "Emploi, stage, formation professionnelle",
        "everyday": None,
        "legal_ref": None,
    }


def test_exports(actors_client: TestClient, actors_file: Path) -> None:
    di = actors_client.get("/api/actors/export?format=datainclusion-json").json()
    assert len(di["structures"]) == len(di["services"]) == 101
    structure = next(s for s in di["structures"] if s["id"] == "257")
    assert structure["telephone"] == "+33240973523"
    assert structure["horaires_accueil"].startswith("Mo 08:30-12:30,14:00-17:00")
    service = next(s for s in di["services"] if s["structure_id"] == "257")
    assert service["cartegalite_domains"] == ["services_publics"]
    strict = actors_client.get("/api/actors/export?extensions=false").json()
    assert not any(k.startswith("cartegalite_") for k in strict["services"][0])
    text = actors_client.get("/api/actors/export?format=datainclusion-csv&entity=services").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 101 and "thematiques" in rows[0]
    geo = json.loads(actors_client.get("/api/actors/export?format=geojson").text)
    assert len(geo["features"]) == 101
    source = {f["properties"]["source_id"]: f for f in shared_features(actors_file)}
    for feature in geo["features"]:
        ref = source.get(feature["properties"]["source_id"])
        if ref is not None:
            lon, lat = feature["geometry"]["coordinates"]
            assert geod_m(lon, lat, ref) < 0.2


def test_help_lines_route(actors_client: TestClient) -> None:
    lines = actors_client.get("/api/actors/helplines").json()
    assert {line["code"] for line in lines} == {
        "violences_femmes_info_3919",
        "allonantes_discriminations",
        "defenseur_des_droits_3928",
    }
    assert all(line["source"] and line["source_date"] for line in lines)


def test_staff_routes_need_a_role(actors_client: TestClient) -> None:
    assert actors_client.get("/api/actors/campaign").status_code == 401
    assert actors_client.get("/api/actors/duplicates").status_code == 401
    assert actors_client.get("/api/actors/campaign", headers=ADMIN).status_code == 200


def test_open_now_in_lists_counts_only_open_places(actors_client: TestClient) -> None:
    at = "2026-12-07T10:30:00"
    everything = actors_client.get(f"/api/actors?commune=44109&limit=200&at={at}").json()
    open_now = actors_client.get(f"/api/actors?commune=44109&open_now=true&at={at}").json()
    expected = [f["id"] for f in everything["features"] if f["properties"]["opening"]["open_now"]]
    assert open_now["numberMatched"] == len(expected) > 0
    assert [f["id"] for f in open_now["features"]] == expected
    night = actors_client.get("/api/actors?commune=44109&open_now=true&at=2026-12-07T23:30").json()
    assert night["numberMatched"] == 0
