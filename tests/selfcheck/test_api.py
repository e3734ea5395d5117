"""The JSON API: an answer (nothing stored), unknown codes → 422, the anonymous testimony
holds exactly the allowed fields, statistics suppress counts under k, rate limits, group
sessions, no cookie."""

from __future__ import annotations

from typing import Any

import psycopg
from fastapi.testclient import TestClient

from actors.hours import paris_now
from api.main import create_app
from app.settings import Settings
from selfcheck import rules, service
from selfcheck.answers import RawAnswers, months_ago
from selfcheck.models import TESTIMONY_FIELDS, Config
from tests.actors.helpers import AT
from tests.selfcheck.conftest import ADMIN, MALAKOFF, staff

LAST_MONTH = months_ago(paris_now().date(), 1)
NAME_INTERNSHIP = {
    "situation": "refus_emploi",
    "reasons": ["nom"],
    "domain": "emploi",
    "place": MALAKOFF,
    "month": f"{LAST_MONTH:%Y-%m}",
    "wishes": ["parler"],
}


def rows(conn: psycopg.Connection[Any], table: str) -> list[dict[str, Any]]:
    cur = conn.execute(f"SELECT * FROM {table}")
    names = [d.name for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_check_answers_and_stores_nothing(sc_client: TestClient, sc_conn: Any) -> None:
    response = sc_client.post("/api/selfcheck/check", json={**NAME_INTERNSHIP, "at": AT})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["discrimination"] == "oui" and body["stored"] is False
    assert {g["code"] for g in body["grounds"]} == {"patronyme", "origine"}
    assert all(
        g["legal_url"].startswith("https://www.legifrance.gouv.fr/") for g in body["grounds"]
    )
    assert body["domain"] == {"code": "emploi", "label": "Emploi, stage, formation professionnelle"}
    assert [h["code"] for h in body["helplines"]][:2] == [
        "allonantes_discriminations",
        "defenseur_des_droits_3928",
    ]
    assert len(body["places"]["features"]) == 3 and len(body["cards"]) == 3
    assert any("témoins" in e for e in body["evidence"])
    assert "set-cookie" not in response.headers
    assert rows(sc_conn, "selfcheck_testimony") == []
    assert rows(sc_conn, "selfcheck_group_answer") == []


UNKNOWN = [
    ({"situation": "inconnue"}, "situation"),
    ({"reasons": ["nom", "signe_astro"]}, "raison"),
    ({"domain": "cinema"}, "domaine"),
    ({"place": "QP999999"}, "quartier"),
    ({"place": "75056"}, "commune"),
    ({"place": "12 rue"}, "lieu"),
    ({"month": f"{LAST_MONTH.year + 2}-01"}, "mois"),
    ({"wishes": ["danser"]}, "souhait"),
    ({"age_band": "12_ans"}, "tranche d'âge"),
    ({"session_code": "ZZZ-ZZZ"}, "séance"),
    ({"nom": "Awa"}, "champ inconnu"),
]


CAMPAIGN = ["violences_femmes_info_3919", "allonantes_discriminations", "defenseur_des_droits_3928"]


def test_every_answer_carries_the_campaigns_lines(sc_client: TestClient) -> None:
    # #21: AlloNantes, 3919 and 39 28 in every answer, a discrimination or not, with sources
    insult = {**NAME_INTERNSHIP, "situation": "insulte", "reasons": ["ne_sais_pas"]}
    school = {**NAME_INTERNSHIP, "situation": "ecole", "reasons": ["autre_raison"]}
    for answers in (NAME_INTERNSHIP, insult, school):
        body = sc_client.post("/api/selfcheck/check", json={**answers, "at": AT}).json()
        lines = {h["code"]: h for h in body["helplines"]}
        assert set(CAMPAIGN) <= set(lines), (answers["situation"], sorted(lines))
        assert all(lines[code]["source"] and lines[code]["source_date"] for code in CAMPAIGN)
        assert len(lines) == len(body["helplines"])  # each line once


def test_unknown_codes_are_422_and_nothing_is_stored(sc_client: TestClient, sc_conn: Any) -> None:
    for change, field in UNKNOWN:
        body = {**NAME_INTERNSHIP, "age_band": "15_17", **change}  # type: ignore[dict-item]
        response = sc_client.post("/api/selfcheck/testimonies", json=body)
        assert response.status_code == 422, (change, response.text)
        assert field in response.json()["detail"], change
        if "age_band" not in change and "session_code" not in change:  # type: ignore[operator]
            asked = {k: v for k, v in body.items() if k != "age_band"}
            checked = sc_client.post("/api/selfcheck/check", json=asked)
            assert checked.status_code == 422, change
            assert field in checked.json()["detail"], change
    assert rows(sc_conn, "selfcheck_testimony") == []


def test_the_stored_testimony_has_exactly_the_allowed_fields(
    sc_client: TestClient, sc_conn: Any
) -> None:
    columns = [
        r[0]
        for r in sc_conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'selfcheck_testimony' ORDER BY ordinal_position"
        )
    ]
    assert tuple(columns) == TESTIMONY_FIELDS
    body = {**NAME_INTERNSHIP, "age_band": "15_17"}
    response = sc_client.post("/api/selfcheck/testimonies", json=body)
    assert response.status_code == 201, response.text
    assert response.json() == {"counted": True, "shared_with_group": False}
    assert "set-cookie" not in response.headers
    stored = rows(sc_conn, "selfcheck_testimony")
    assert len(stored) == 1
    row = stored[0]
    assert set(row) == set(TESTIMONY_FIELDS)
    assert sorted(row["grounds"]) == ["origine", "patronyme"]
    assert (row["domain"], row["qpv"], row["commune"], row["age_band"]) == (
        "emploi",
        MALAKOFF,
        None,
        "15_17",
    )
    assert row["month"] == LAST_MONTH
    # nothing of the situation, the wishes, the request or the moment
    text = repr(row)
    assert "refus_emploi" not in text and "parler" not in text and "testclient" not in text


def test_a_testimony_needs_a_place_and_a_choice(sc_client: TestClient) -> None:
    no_place = {**NAME_INTERNSHIP, "place": None}
    response = sc_client.post("/api/selfcheck/testimonies", json=no_place)
    assert response.status_code == 422 and "quartier ou ta commune" in response.json()["detail"]
    nothing = {**NAME_INTERNSHIP, "count_publicly": False}
    response = sc_client.post("/api/selfcheck/testimonies", json=nothing)
    assert response.status_code == 422 and "aucune case" in response.json()["detail"]


def _testify(conn: Any, config: Config, n: int, **answers: Any) -> None:
    book = rules.default()
    raw = RawAnswers(**{"situation": "refus_emploi", "reasons": ("origine",), **answers})
    for _ in range(n):
        service.testify(conn, config, book, raw, "18_21", True)


def test_statistics_suppress_counts_under_k(
    sc_client: TestClient, sc_conn: Any, config: Config
) -> None:
    k = Settings().public_min_count
    assert k == config.min_count == 5
    _testify(sc_conn, config, k - 1, place=MALAKOFF)
    _testify(sc_conn, config, 1, place="QP044005", domain="logement")  # Bellevue, alone
    stats = sc_client.get("/api/selfcheck/stats").json()
    assert stats["min_count"] == k and stats["total"] == k  # 5 in all: shown
    assert stats["breakdowns"]["place"] == []  # 4 and 1: both hidden
    assert stats["breakdowns"]["ground"] == [
        {"ground": "origine", "ground_label": "Origine", "n": k}
    ]
    assert stats["breakdowns"]["domain"] == []  # emploi 4, logement 1
    _testify(sc_conn, config, 1, place=MALAKOFF)
    # read, submit, read again: the same day's snapshot (no one pupil shows by differencing)
    assert sc_client.get("/api/selfcheck/stats").json() == stats
    assert "Malakoff" not in sc_client.get("/discrimination/statistiques").text
    sc_conn.execute("UPDATE selfcheck_stats_snapshot SET day = day - 1")  # the next day
    stats = sc_client.get("/api/selfcheck/stats").json()
    assert stats["breakdowns"]["place"] == [{"place": MALAKOFF, "place_name": "Malakoff", "n": k}]
    assert {
        "place": MALAKOFF,
        "place_name": "Malakoff",
        "ground": "origine",
        "ground_label": "Origine",
        "n": k,
    } in stats["breakdowns"]["place_ground"]
    for table in stats["breakdowns"].values():
        assert all(row["n"] >= k for row in table)
    assert "age_band" not in stats["breakdowns"]  # staff only
    assert sc_client.get("/api/selfcheck/stats/staff").status_code == 401
    planner = staff(sc_client, "planner", "planif")
    detail = sc_client.get("/api/selfcheck/stats/staff", headers=planner).json()
    assert detail["breakdowns"]["age_band"] == [
        {"age_band": "18_21", "age_band_label": "18 à 21 ans", "n": k + 1}
    ]
    assert all(row["n"] >= k for table in detail["breakdowns"].values() for row in table)


def test_testimonies_are_rate_limited_per_address(settings: Settings) -> None:
    with TestClient(create_app(settings.with_(selfcheck_testimonies_per_hour=3))) as client:
        codes = [
            client.post("/api/selfcheck/testimonies", json=NAME_INTERNSHIP).status_code
            for _ in range(5)
        ]
        assert codes == [201, 201, 201, 429, 429]
        refused = client.post("/api/selfcheck/testimonies", json=NAME_INTERNSHIP)
        assert refused.json()["detail"].startswith("trop de témoignages")
        assert int(refused.headers["retry-after"]) > 0
        # reading is not limited
        assert client.get("/api/selfcheck/stats").status_code == 200


def test_group_session_counts_answers_of_the_group_only(
    sc_client: TestClient, sc_conn: Any
) -> None:
    facilitator = staff(sc_client, "facilitator", "anim")
    other = staff(sc_client, "facilitator", "anim2")
    assert sc_client.post("/api/selfcheck/sessions", json={}).status_code == 401
    created = sc_client.post("/api/selfcheck/sessions", json={"label": "3e B"}, headers=facilitator)
    assert created.status_code == 201, created.text
    session = created.json()
    code = session["code"]
    assert len(code) == 7 and code[3] == "-" and session["results_key"]
    answers = [
        {"situation": "refus_emploi", "reasons": ["nom"], "place": MALAKOFF},
        {"situation": "refus_emploi", "reasons": ["origine"]},
        {"situation": "insulte", "reasons": ["origine"]},
    ]
    for i, answer in enumerate(answers):
        body = {**answer, "count_publicly": False, "session_code": code.lower()}
        response = sc_client.post("/api/selfcheck/testimonies", json=body)
        assert response.status_code == 201, response.text
        assert response.json() == {"counted": False, "shared_with_group": True}
        results = sc_client.get(f"/api/selfcheck/sessions/{code}", headers=facilitator).json()
        assert results["answers"] == i + 1 and results["shown"] == (i + 1 >= 3)
    situation = next(q for q in results["questions"] if q["key"] == "situation")
    assert situation["rows"] == []  # 2 refusals and 1 insult: each under 3
    assert situation["others"] is True
    reason = next(q for q in results["questions"] if q["key"] == "reason")
    assert reason["rows"] == []
    grounds = rows(sc_conn, "selfcheck_group_answer")
    assert len(grounds) == 3 and rows(sc_conn, "selfcheck_testimony") == []
    assert set(grounds[0]) == {"session_id", "situation", "reasons", "domain", "outcome", "wishes"}
    assert sc_client.get(f"/api/selfcheck/sessions/{code}", headers=other).status_code == 404
    listed = sc_client.get("/api/selfcheck/sessions", headers=facilitator).json()
    assert [s["code"] for s in listed] == [code] and "results_key" not in listed[0]
    closed = sc_client.post(f"/api/selfcheck/sessions/{code}/close", headers=facilitator)
    assert closed.json()["open"] is False
    late = sc_client.post(
        "/api/selfcheck/testimonies",
        json={**answers[0], "session_code": code, "count_publicly": False},
    )
    assert late.status_code == 422 and "séance" in late.json()["detail"]


def test_questions_are_the_reviewable_rules(sc_client: TestClient) -> None:
    body = sc_client.get("/api/selfcheck/questions").json()
    assert body["version"] == rules.default().version
    assert {s["code"] for s in body["situations"]} >= {"refus_emploi", "insulte", "police"}
    assert body["rules"][-1]["outcome"] == "a_preciser"
    assert ADMIN  # the admin header is what other tests use to create accounts
