"""Recording showings: double bookings of one copy are refused by PostgreSQL and reported as 409
naming the other booking; bad input is a French 4xx and stores nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from exhibitions import repo, service
from exhibitions.annuaire import read_schools
from tests.exhibitions.conftest import DEBUSSY

STENDHAL = "0440284V"
SOPHIE_GERMAIN = "0440536U"


def book(
    client: TestClient, headers: dict[str, str], exhibition: dict[str, Any], **body: Any
) -> Any:
    payload = {
        "copy_number": 1,
        "uai": DEBUSSY,
        "start_date": "2025-10-06",
        "end_date": "2025-10-17",
        **body,
    }
    return client.post(
        f"/api/exhibitions/{exhibition['id']}/showings", json=payload, headers=headers
    )


def test_overlapping_booking_of_one_copy_is_409_naming_the_other(
    client: TestClient,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
    conn: psycopg.Connection[Any],
) -> None:
    expo = make_exhibition(copies=2)
    first = book(client, admin_headers, expo, classes=4, pupils=96)
    assert first.status_code == 201, first.text

    clash = book(
        client, admin_headers, expo, uai=STENDHAL, start_date="2025-10-17", end_date="2025-10-24"
    )
    assert clash.status_code == 409
    detail = clash.json()["detail"]
    assert "l'exemplaire n° 1 de « Ma terre est ma couleur » est déjà réservé" in detail
    assert "du 06/10/2025 au 17/10/2025 au Collège Claude Debussy (Nantes)" in detail
    assert first.json()["id"] in detail
    assert repo.count_showings(conn) == 1

    other_copy = book(
        client,
        admin_headers,
        expo,
        copy_number=2,
        uai=STENDHAL,
        start_date="2025-10-06",
        end_date="2025-10-17",
    )
    assert other_copy.status_code == 201, other_copy.text
    next_day = book(
        client, admin_headers, expo, uai=STENDHAL, start_date="2025-10-18", end_date="2025-10-24"
    )
    assert next_day.status_code == 201, next_day.text
    assert repo.count_showings(conn) == 3


def test_the_constraint_holds_without_the_service(
    conn: psycopg.Connection[Any], make_exhibition: Callable[..., dict[str, Any]]
) -> None:
    """The exclusion constraint itself refuses a raw INSERT (no check-then-insert race)."""
    expo = make_exhibition(copies=1)
    insert = """INSERT INTO showing (exhibition_id, copy_number, uai, start_date, end_date)
                VALUES (%s, 1, %s, %s, %s)"""
    conn.execute(insert, (expo["id"], DEBUSSY, "2025-11-03", "2025-11-14"))
    with pytest.raises(psycopg.errors.ExclusionViolation):
        conn.execute(insert, (expo["id"], STENDHAL, "2025-11-10", "2025-11-20"))


def test_concurrent_bookings_of_one_copy_one_wins(
    client: TestClient,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
    conn: psycopg.Connection[Any],
) -> None:
    expo = make_exhibition(copies=1)
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def attempt(uai: str) -> None:
        barrier.wait()
        statuses.append(book(client, admin_headers, expo, uai=uai).status_code)

    uais = [DEBUSSY, STENDHAL, SOPHIE_GERMAIN, "0440311Z"]
    threads = [threading.Thread(target=attempt, args=(u,)) for u in uais]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201, 409, 409, 409]
    assert repo.count_showings(conn) == 1


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"start_date": "2025-10-17", "end_date": "2025-10-06"},
            422,
            "la date de fin (06/10/2025) précède la date de début (17/10/2025)",
        ),
        ({"pupils": -5}, 422, "pupils : valeur trop petite (minimum 0)"),
        ({"pupils": 100000}, 422, "pupils : valeur trop grande (maximum 5000)"),
        ({"classes": 2, "pupils": 300}, 422, "300 élèves pour 2 classe(s)"),
        ({"pupils": 900}, 422, "900 élèves déclarés, mais Collège Claude Debussy en compte 305"),
        ({"classes": 0, "pupils": 12}, 422, "12 élèves déclarés pour 0 classe"),
        ({"uai": "0440999A"}, 422, "UAI invalide : 0440999A (lettre de contrôle"),
        ({"uai": "0449999E"}, 422, "établissement inconnu : UAI 0449999E"),
        ({"uai": "44"}, 422, "UAI invalide : '44'"),
        ({"copy_number": 3}, 422, "exemplaire n° 3 inconnu (exemplaires : 1, 2)"),
        ({"start_date": "2025-01-01", "end_date": "2026-06-30"}, 422, "période trop longue"),
        ({"start_date": "06/10/2025"}, 422, "date invalide"),
        ({"pupils": 12.5}, 422, "nombre entier attendu"),
        ({"room": "CDI"}, 422, "champ inconnu"),
    ],
)
def test_bad_input_is_a_french_4xx_and_stores_nothing(
    client: TestClient,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
    conn: psycopg.Connection[Any],
    body: dict[str, Any],
    status: int,
    message: str,
) -> None:
    expo = make_exhibition(copies=2)
    resp = book(client, admin_headers, expo, **body)
    assert resp.status_code == status, resp.text
    assert message in resp.json()["detail"]
    assert repo.count_showings(conn) == 0


def test_unknown_exhibition_is_404_and_a_bad_id_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    unknown = {"id": "00000000-0000-4000-8000-000000000000"}
    resp = book(client, admin_headers, unknown)
    assert resp.status_code == 404
    assert resp.json()["detail"] == f"exposition inconnue : {unknown['id']}"
    assert book(client, admin_headers, {"id": "pas-un-uuid"}).status_code == 422


def test_school_outside_the_territory_is_refused(
    client: TestClient,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
    conn: psycopg.Connection[Any],
    schools_dir: Path,
) -> None:
    """A collège stored while the instance covered Loire-Atlantique (Saint-Nazaire) cannot be
    booked by a Nantes Métropole instance."""
    read = read_schools(schools_dir / "colleges_dep44.geojson")
    service.import_schools(conn, read, "loire-atlantique")
    norange = "0441613P"  # Pierre Norange, REP+, Saint-Nazaire
    expo = make_exhibition()
    resp = book(client, admin_headers, expo, uai=norange)
    assert resp.status_code == 422
    assert (
        "Collège Pierre Norange (Saint-Nazaire) est hors de la zone couverte"
        in resp.json()["detail"]
    )
    assert repo.count_showings(conn) == 0


def test_roles_who_may_record_and_delete(
    client: TestClient,
    make_user: Callable[[str, str], dict[str, str]],
    make_exhibition: Callable[..., dict[str, Any]],
    conn: psycopg.Connection[Any],
) -> None:
    expo = make_exhibition()
    facilitator = make_user("coord.a", "facilitator")
    other_facilitator = make_user("coord.b", "facilitator")
    moderator = make_user("modo", "moderator")
    planner = make_user("plan", "planner")

    assert book(client, {}, expo).status_code == 401
    assert book(client, moderator, expo).status_code == 403
    mine = book(client, facilitator, expo)
    assert mine.status_code == 201, mine.text
    url = f"/api/exhibitions/showings/{mine.json()['id']}"
    assert client.delete(url, headers=other_facilitator).status_code == 403
    assert client.delete(url, headers=facilitator).status_code == 204
    assert client.get(url, headers=planner).status_code == 404

    again = book(client, facilitator, expo)
    url = f"/api/exhibitions/showings/{again.json()['id']}"
    assert client.delete(url, headers=planner).status_code == 204
    assert repo.count_showings(conn) == 0
    # Facilitators record showings, but do not create exhibitions.
    create = client.post("/api/exhibitions", json={"title": "X"}, headers=facilitator)
    assert create.status_code == 403


def test_showing_detail_is_for_staff_only(
    client: TestClient,
    admin_headers: dict[str, str],
    make_exhibition: Callable[..., dict[str, Any]],
) -> None:
    expo = make_exhibition()
    made = book(client, admin_headers, expo, intervenant="Mme Quillardeau (MRAP)", notes="salle 12")
    assert made.status_code == 201
    assert client.get(f"/api/exhibitions/showings/{made.json()['id']}").status_code == 401
    listed = client.get("/api/exhibitions/showings?school_year=2025-2026", headers=admin_headers)
    assert [s["intervenant"] for s in listed.json()] == ["Mme Quillardeau (MRAP)"]
    assert (
        client.get("/api/exhibitions/showings?school_year=2024-2025", headers=admin_headers).json()
        == []
    )
    public = client.get("/api/exhibitions/coverage?school_year=2025-2026").text
    assert "Quillardeau" not in public and "salle 12" not in public


def test_pupils_recorded_after_the_visit_and_checked_like_a_booking(
    client: TestClient,
    make_user: Callable[[str, str], dict[str, str]],
    make_exhibition: Callable[..., dict[str, Any]],
) -> None:
    expo = make_exhibition(copies=1)
    coordinator = make_user("coord.a", "facilitator")
    first = book(client, coordinator, expo).json()
    second = book(
        client, coordinator, expo, uai=STENDHAL, start_date="2025-11-03", end_date="2025-11-14"
    ).json()
    url = f"/api/exhibitions/showings/{first['id']}"

    done = client.patch(
        url, json={"classes": 4, "pupils": 97, "notes": "très bon accueil"}, headers=coordinator
    )
    assert done.status_code == 200, done.text
    assert (done.json()["pupils"], done.json()["start_date"]) == (97, "2025-10-06")

    too_many = client.patch(url, json={"pupils": 400}, headers=coordinator)
    assert too_many.status_code == 422
    assert "400 élèves pour 4 classe(s)" in too_many.json()["detail"]
    clash = client.patch(url, json={"end_date": "2025-11-04"}, headers=coordinator)
    assert clash.status_code == 409
    assert second["id"] in clash.json()["detail"]
    assert "au Collège Stendhal (Nantes)" in clash.json()["detail"]
    for bad in ({"uai": STENDHAL}, {"start_date": None}):
        assert client.patch(url, json=bad, headers=coordinator).status_code == 422
    other = make_user("coord.b", "facilitator")
    assert client.patch(url, json={"pupils": 1}, headers=other).status_code == 403

    stored = client.get(url, headers=coordinator).json()
    assert (stored["pupils"], stored["end_date"], stored["notes"]) == (
        97,
        "2025-10-17",
        "très bon accueil",
    )
    cov = client.get("/api/exhibitions/coverage?school_year=2025-2026").json()
    debussy = next(s for s in cov["schools"] if s["uai"] == DEBUSSY)
    assert debussy["school_year"]["pupils"] == 97
