"""``GET /api/actors/nearest``: true distances, filters, visibility, bounds — over HTTP."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import shapely
from fastapi.testclient import TestClient

from tests.actors.helpers import ADMIN, AT, geod_m, key, shared_features

DISCRIMINATION_TYPES = {"defenseur_des_droits_permanence", "acces_au_droit_cdad"}
"""Types whose rule says they handle discrimination (every domain)."""
EMPLOYMENT_TYPES = DISCRIMINATION_TYPES | {"france_travail_agence"}


def points(n: int, seed: int = 7) -> list[tuple[float, float]]:
    """Query points: fixed places plus random points of Nantes Métropole's envelope."""
    rng = random.Random(seed)
    fixed = [(-1.6215, 47.2136), (-1.5536, 47.2184), (-1.4815, 47.2906), (-1.84, 47.08)]
    return fixed + [(rng.uniform(-1.85, -1.33), rng.uniform(47.07, 47.37)) for _ in range(n)]


def expected(lon: float, lat: float, feats: list[dict[str, Any]], types: set[str] | None):
    eligible = [f for f in feats if types is None or f["properties"]["actor_type"] in types]
    return sorted(eligible, key=lambda f: geod_m(lon, lat, f))


@pytest.mark.parametrize("types,query", [(None, ""), (EMPLOYMENT_TYPES, "&domain=emploi")])
def test_nearest_are_the_true_nearest_by_geodesic_distance(
    actors_client: TestClient, actors_file: Path, types: set[str] | None, query: str
) -> None:
    feats = shared_features(actors_file)
    for lon, lat in points(12):
        response = actors_client.get(f"/api/actors/nearest?lon={lon}&lat={lat}&limit=10{query}")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/geo+json")
        got = response.json()["features"]
        want = expected(lon, lat, feats, types)[:10]
        distances = [f["properties"]["distance_m"] for f in got]
        assert distances == sorted(distances)
        for feature, reference in zip(got, want, strict=True):
            true_m = geod_m(lon, lat, reference)
            assert abs(feature["properties"]["distance_m"] - true_m) < 0.5
            assert (
                key(feature) == key(reference) or abs(geod_m(lon, lat, feature) - true_m) < 0.5
            )  # equal distances may come in either order


def test_filters_combine(actors_client: TestClient) -> None:
    lon, lat = -1.5536, 47.2184
    base = f"/api/actors/nearest?lon={lon}&lat={lat}&limit=50&at={AT}"
    everything = actors_client.get(base).json()["features"]
    employment_body = actors_client.get(base + "&domain=emploi").json()
    employment = employment_body["features"]
    discrimination = actors_client.get(base + "&domain=emploi&discrimination=true").json()
    by_ground = actors_client.get(base + "&domain=emploi&ground=age&public=jeunes").json()
    open_now = actors_client.get(base + "&open_now=true").json()["features"]
    assert len(everything) == 50
    assert {f["properties"]["actor_type"] for f in employment} == EMPLOYMENT_TYPES
    types = {f["properties"]["actor_type"] for f in discrimination["features"]}
    assert types == DISCRIMINATION_TYPES
    assert [key(f) for f in by_ground["features"]] == [key(f) for f in discrimination["features"]]
    # the campaign's lines in both situations (#21), the other discrimination lines only then
    campaign = {
        "violences_femmes_info_3919",
        "allonantes_discriminations",
        "defenseur_des_droits_3928",
    }
    assert {h["code"] for h in employment_body["helplines"]} == campaign
    assert {h["code"] for h in discrimination["helplines"]} >= campaign
    # open now: the nearest open places, in the same order as among all places
    assert open_now and all(f["properties"]["opening"]["state"] == "open" for f in open_now)
    open_among_all = [f["id"] for f in everything if f["properties"]["opening"]["open_now"]]
    shared = min(len(open_now), len(open_among_all))
    assert shared > 0 and [f["id"] for f in open_now][:shared] == open_among_all[:shared]
    jeunes = actors_client.get(base + "&public=jeunes").json()["features"]
    assert jeunes and all(
        {"jeunes", "tous_publics"} & set(f["properties"]["publics"]) for f in jeunes
    )
    demandeurs = actors_client.get(base + "&public=demandeurs_emploi&domain=emploi").json()
    assert {f["properties"]["actor_type"] for f in demandeurs["features"]} == EMPLOYMENT_TYPES
    assert len(discrimination["features"]) < len(employment) <= len(everything)


def test_radius_bounds_the_search(actors_client: TestClient, actors_file: Path) -> None:
    lon, lat = -1.5536, 47.2184
    got = actors_client.get(f"/api/actors/nearest?lon={lon}&lat={lat}&limit=50&radius_m=3000")
    feats = got.json()["features"]
    within = [f for f in shared_features(actors_file) if geod_m(lon, lat, f) <= 3000]
    assert len(feats) == min(50, len(within)) and len(feats) > 0
    assert all(f["properties"]["distance_m"] <= 3000 for f in feats)


@pytest.mark.parametrize(
    "query,message",
    [
        ("&ground=couleur", "motif inconnu : 'couleur' (valeurs possibles : origine, sexe"),
        ("&domain=cinema", "domaine inconnu : 'cinema' (valeurs possibles : emploi, logement"),
        ("&public=martiens", "public inconnu : 'martiens' (valeurs possibles : tous_publics"),
        ("&limit=51", "maximum 50"),
        ("&limit=0", "minimum 1"),
        ("&radius_m=100001", "maximum 100000"),
        ("&radius_m=NaN", "nombre"),
    ],
)
def test_bad_parameters_are_422_in_french(
    actors_client: TestClient, query: str, message: str
) -> None:
    response = actors_client.get(f"/api/actors/nearest?lon=-1.55&lat=47.21{query}")
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_points_outside_the_territory_or_invalid_are_refused(actors_client: TestClient) -> None:
    far = actors_client.get("/api/actors/nearest?lon=2.35&lat=48.85")
    assert far.status_code == 422 and "hors de la zone couverte" in far.json()["detail"]
    swapped = actors_client.get("/api/actors/nearest?lon=47.21&lat=-1.55")
    assert swapped.status_code == 422
    nan = actors_client.get("/api/actors/nearest?lon=nan&lat=47.2")
    assert nan.status_code == 422


def test_bellevue_resident_finds_three_places_for_discrimination_at_work(
    actors_client: TestClient, actors_file: Path
) -> None:
    """The « done when » scenario: a resident in Bellevue (QPV QP044005)."""
    bellevue = actors_client.get("/api/qpv/QP044005").json()
    assert bellevue["properties"]["name"] == "Bellevue"
    inner = shapely.geometry.shape(bellevue["geometry"]).representative_point()
    lon, lat = round(inner.x, 6), round(inner.y, 6)
    inside = actors_client.get(f"/api/qpv/lookup?lon={lon}&lat={lat}").json()
    assert inside["qpv"]["code"] == "QP044005"
    response = actors_client.get(
        f"/api/actors/nearest?lon={lon}&lat={lat}&limit=3&domain=emploi&discrimination=true&at={AT}"
    )
    body = response.json()
    assert [f["properties"]["actor_type"] for f in body["features"]].count(
        "defenseur_des_droits_permanence"
    ) == 2
    want = expected(lon, lat, shared_features(actors_file), DISCRIMINATION_TYPES)[:3]
    assert [key(f) for f in body["features"]] == [key(f) for f in want]
    for feature in body["features"]:
        props = feature["properties"]
        assert props["distance_m"] > 0 and props["distance_label"].startswith("à ")
        assert props["opening"]["state"] in ("open", "closed", "unknown")
        assert props["opening"]["label"]
    # Monday: the delegates of the Maison de justice et du droit hold their office day
    mjd = next(f for f in body["features"] if "Maison de justice" in f["properties"]["nom"])
    assert mjd["properties"]["opening"]["label"].startswith("aujourd'hui : permanence")
    assert {line["code"] for line in body["helplines"]} == {
        "violences_femmes_info_3919",
        "allonantes_discriminations",
        "defenseur_des_droits_3928",
    }


def test_anonymous_see_public_open_actors_staff_see_the_rest_flagged(
    actors_client: TestClient,
) -> None:
    base = "/api/actors/nearest?lon=-1.5536&lat=47.2184&limit=5&domain=emploi&discrimination=true"
    first = actors_client.get(base).json()["features"][0]
    actor_id = first["id"]
    patch = {
        "status": "temporairement_fermee",
        "closure_message": "Travaux : permanence déplacée",
        "closed_from": "2026-12-01",
        "closed_until": "2027-01-15",
    }
    assert (
        actors_client.patch(f"/api/actors/{actor_id}", json=patch, headers=ADMIN).status_code == 200
    )
    anonymous = actors_client.get(base + f"&at={AT}").json()["features"]
    assert actor_id not in [f["id"] for f in anonymous]
    staff = actors_client.get(base + f"&at={AT}", headers=ADMIN).json()["features"]
    flagged = next(f for f in staff if f["id"] == actor_id)["properties"]
    assert flagged["temporarily_closed"] is True
    assert flagged["closure"]["message"] == "Travaux : permanence déplacée"
    assert flagged["opening"]["state"] == "closed"
    assert "jusqu'au 15 janvier 2027" in flagged["opening"]["label"]
    # a resident who kept the link sees the closure, not an error
    detail = actors_client.get(f"/api/actors/{actor_id}?at={AT}").json()["properties"]
    assert detail["temporarily_closed"] is True
    # before the closure starts, the place is listed with the announced closure
    before = actors_client.get(base + "&at=2026-11-20T10:00").json()["features"]
    announced = next(f for f in before if f["id"] == actor_id)["properties"]
    assert announced["temporarily_closed"] is False
    assert announced["closure"]["label"].startswith("fermeture prévue à partir du 1er décembre")
    # professionals-only and definitively closed actors are hidden from anonymous callers
    second = anonymous[0]["id"]
    actors_client.patch(
        f"/api/actors/{second}", json={"visibility": "professionnels"}, headers=ADMIN
    )
    assert second not in [f["id"] for f in actors_client.get(base).json()["features"]]
    assert actors_client.get(f"/api/actors/{second}").status_code == 404
    assert actors_client.get(f"/api/actors/{second}", headers=ADMIN).status_code == 200
