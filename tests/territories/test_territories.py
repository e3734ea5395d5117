"""Territories as data (issue 20): a second territory is added from files in the official
layouts (``cartegalite territory add``, its QPV through the existing importer) and served
without code change — from its host or a ``/t/<id>`` prefix. Nothing of one territory appears
in the other's public pages (QPV, help places, communes, help lines, public counts) or to the
other's staff (walks, observations), and staff cannot work on the other's address."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from tests.surveys.conftest import bearer, gusp_obs
from tests.territories.conftest import (
    GRENOBLE_HOST,
    GRENOBLE_ID,
    GRENOBLE_QPV,
    IN_GRENOBLE_QPV,
)

runner = CliRunner()
G = {"Host": GRENOBLE_HOST}
NANTES_POINT = (-1.5536, 47.2173)


def _add(db_url: str, toml: Path) -> None:
    shp = toml.parent / "QP_METROPOLE_LB93.shp"
    env = {"DATABASE_URL": db_url, "COLUMNS": "200"}
    added = runner.invoke(app, ["territory", "add", str(toml), "--qpv", str(shp)], env=env)
    assert added.exit_code == 0, added.output
    assert "2 commune(s), 2 QPV" in added.output and GRENOBLE_HOST in added.output


def test_add_list_show_and_refusals(db_url: str, grenoble_files: Path, tmp_path: Path) -> None:
    _add(db_url, grenoble_files)
    env = {"DATABASE_URL": db_url, "COLUMNS": "200"}
    listed = runner.invoke(app, ["territory", "list"], env=env)
    assert listed.exit_code == 0 and GRENOBLE_ID in listed.output
    assert "nantes-metropole" in listed.output
    shown = runner.invoke(app, ["territory", "show", GRENOBLE_ID], env=env)
    assert shown.exit_code == 0
    assert "Grenoble (38185)" in shown.output and "Échirolles (38151)" in shown.output
    assert "egalite@example.org" in shown.output and "lignes.toml" in shown.output
    # adding again replaces (no duplicate), the QPV importer replaces its rows too
    _add(db_url, grenoble_files)
    # a file of communes alone, with --id and --name
    alone = runner.invoke(
        app,
        [
            "territory",
            "add",
            str(grenoble_files.parent / "communes.geojson"),
            "--id",
            "isere-test",
            "--name",
            "Isère (test)",
        ],
        env=env,
    )
    assert alone.exit_code == 0, alone.output
    # refusals: a commune without INSEE code, an unknown key, a host already served
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"INSEE_COM":"381","NOM":"X"},"geometry":{"type":"Polygon","coordinates":'
        "[[[5,45],[5.1,45],[5.1,45.1],[5,45]]]}}]}",
        encoding="utf-8",
    )
    refused = runner.invoke(
        app, ["territory", "add", str(bad), "--id", "bad-test", "--name", "X"], env=env
    )
    assert refused.exit_code == 1 and "code INSEE invalide" in refused.output
    typo = tmp_path / "typo.toml"
    typo.write_text('id = "t-x"\nname = "X"\nhostz = ["x"]\n', encoding="utf-8")
    refused = runner.invoke(app, ["territory", "add", str(typo)], env=env)
    assert refused.exit_code == 1 and "hostz" in refused.output
    twice = runner.invoke(
        app,
        [
            "territory",
            "add",
            str(grenoble_files.parent / "communes.geojson"),
            "--id",
            "autre-test",
            "--name",
            "Autre",
            "--host",
            GRENOBLE_HOST,
        ],
        env=env,
    )
    assert twice.exit_code == 1 and "déjà servi" in twice.output
    listed = runner.invoke(app, ["territory", "list"], env=env)
    assert "bad-test" not in listed.output and "autre-test" not in listed.output


def _names(collection: dict[str, Any]) -> set[str]:
    return {f["properties"]["name"] for f in collection["features"]}


def test_public_pages_of_each_territory_stay_apart(
    db_url: str, grenoble_files: Path, client: TestClient, admin_headers: dict[str, str]
) -> None:
    _add(db_url, grenoble_files)
    # QPV: each address lists its own
    here = client.get("/api/qpv?generation=2015").json()
    there = client.get("/api/qpv?generation=2015", headers=G).json()
    prefixed = client.get(f"/t/{GRENOBLE_ID}/api/qpv?generation=2015").json()
    assert _names(there) == set(GRENOBLE_QPV.values()) == _names(prefixed)
    assert not _names(here) & set(GRENOBLE_QPV.values()) and "Bellevue" in _names(here)
    assert client.get("/api/qpv/QP038006", headers=G).status_code == 200
    assert client.get("/api/qpv/QP038006").status_code == 404
    assert client.get("/api/qpv/QP044007", headers=G).status_code == 404
    # a help place entered in Grenoble (by the operator, on Grenoble's address)
    place = {
        "nom": "Point d'accès au droit Villeneuve (test)",
        "lon": IN_GRENOBLE_QPV[0],
        "lat": IN_GRENOBLE_QPV[1],
        "commune": "Grenoble",
        "code_insee": "38185",
        "grounds": ["origine"],
    }
    made = client.post("/api/actors", json=place, headers={**admin_headers, **G})
    assert made.status_code == 201, made.text
    nantes_place = client.post(
        "/api/actors",
        json={
            **place,
            "nom": "Permanence juridique Malakoff (test)",
            "lon": NANTES_POINT[0],
            "lat": NANTES_POINT[1],
            "commune": "Nantes",
            "code_insee": "44109",
        },
        headers=admin_headers,
    )
    assert nantes_place.status_code == 201, nantes_place.text
    # a Nantes position is outside Grenoble's territory, and the reverse
    assert (
        client.post("/api/actors", json={**place, "nom": "x"}, headers=admin_headers).status_code
        == 422
    )
    listed_there = client.get("/api/actors?limit=50", headers=G).json()
    listed_here = client.get("/api/actors?limit=50").json()
    names_there = {f["properties"]["nom"] for f in listed_there["features"]}
    names_here = {f["properties"]["nom"] for f in listed_here["features"]}
    assert names_there == {place["nom"]}
    assert place["nom"] not in names_here and "Permanence juridique Malakoff (test)" in names_here
    # the resident's page: quartiers, communes and help lines of the territory
    page_there = client.get("/aide", headers=G).text
    page_here = client.get("/aide").text
    assert "Mistral (test)" in page_there and "Bellevue" not in page_there
    assert "Mistral (test)" not in page_here and "Bellevue" in page_here
    assert '<option value="38185"' in page_there and '<option value="44109"' not in page_there
    assert '<option value="38185"' not in page_here
    lines_there = client.get("/api/actors/helplines", headers=G).text
    assert "AlloNantes" not in lines_there and "3919" in lines_there
    assert "AlloNantes" in client.get("/api/actors/helplines").text
    # nearest from a point of Grenoble: its place; from Nantes on Grenoble's address: refused
    near = client.get(
        f"/api/actors/nearest?lon={IN_GRENOBLE_QPV[0]}&lat={IN_GRENOBLE_QPV[1]}", headers=G
    ).json()
    assert [f["properties"]["nom"] for f in near["features"]] == [place["nom"]]
    assert (
        client.get(
            f"/api/actors/nearest?lon={NANTES_POINT[0]}&lat={NANTES_POINT[1]}", headers=G
        ).status_code
        == 422
    )
    # dashboards list the territory's QPV only
    overview_there = client.get("/quartiers", headers=G).text
    assert "Mistral (test)" in overview_there and "Bellevue" not in overview_there
    # under the prefix, the page's own links stay in the territory
    prefixed_page = client.get(f"/t/{GRENOBLE_ID}/aide").text
    assert f'action="/t/{GRENOBLE_ID}/aide"' in prefixed_page
    assert 'href="/aide' not in prefixed_page and f'href="/t/{GRENOBLE_ID}/' in prefixed_page
    assert client.get("/t/inconnu-test/aide").status_code == 404


def test_public_counts_are_cut_to_the_territory(
    db_url: str, grenoble_files: Path, client: TestClient, admin_headers: dict[str, str]
) -> None:
    """Five published GUSP reports in one cell on each side: each address publishes its own
    cell only."""
    _add(db_url, grenoble_files)
    old = (datetime.now(UTC) - timedelta(days=120)).isoformat()
    for headers, (lon, lat) in (({}, NANTES_POINT), (G, IN_GRENOBLE_QPV)):
        for _ in range(5):
            body = gusp_obs(lon, lat, observed_at=old)
            sent = client.post("/api/observations", json=body, headers={**admin_headers, **headers})
            assert sent.status_code == 201, sent.text
            published = client.post(
                f"/api/observations/{body['id']}/transitions",
                json={"action": "publier"},
                headers={**admin_headers, **headers},
            )
            assert published.status_code == 201, published.text
    here = client.get("/api/public/observations").json()
    there = client.get("/api/public/observations", headers=G).json()
    assert here["total_publie"] == 5 and there["total_publie"] == 5

    def centre(cells: dict[str, Any]) -> tuple[float, float]:
        ring = cells["features"][0]["geometry"]["coordinates"][0]
        return (sum(p[0] for p in ring[:4]) / 4, sum(p[1] for p in ring[:4]) / 4)

    assert abs(centre(here)[0] - NANTES_POINT[0]) < 0.01
    assert abs(centre(there)[0] - IN_GRENOBLE_QPV[0]) < 0.01


def test_staff_work_in_their_own_territory_only(
    db_url: str, grenoble_files: Path, client: TestClient, admin_headers: dict[str, str]
) -> None:
    _add(db_url, grenoble_files)
    accounts = {}
    for login, headers in (("urba.grenoble", G), ("urba.nantes", {})):
        made = client.post(
            "/api/users",
            json={"login": login, "role": "moderator"},
            headers={**admin_headers, **headers},
        )
        assert made.status_code == 201, made.text
        accounts[login] = bearer(made.json()["token"])
    # one GUSP report on each side (the operator writes both)
    ids = {}
    for name, headers, (lon, lat) in (
        ("nantes", {}, NANTES_POINT),
        ("grenoble", G, IN_GRENOBLE_QPV),
    ):
        body = gusp_obs(lon, lat)
        sent = client.post("/api/observations", json=body, headers={**admin_headers, **headers})
        assert sent.status_code == 201, sent.text
        ids[name] = body["id"]
    # each moderator, on its own address, sees its territory's report only
    grenoble = {**accounts["urba.grenoble"], **G}
    nantes = accounts["urba.nantes"]
    seen_g = client.get("/api/observations", headers=grenoble)
    seen_n = client.get("/api/observations", headers=nantes)
    assert seen_g.status_code == 200 and seen_n.status_code == 200
    text_g, text_n = seen_g.text, seen_n.text
    assert ids["grenoble"] in text_g and ids["nantes"] not in text_g
    assert ids["nantes"] in text_n and ids["grenoble"] not in text_n
    assert client.get(f"/api/observations/{ids['nantes']}", headers=grenoble).status_code == 404
    # and neither works on the other's address
    assert client.get("/api/observations", headers=accounts["urba.grenoble"]).status_code == 403
    assert client.get("/api/observations", headers={**nantes, **G}).status_code == 403
    assert (
        client.get(
            f"/t/{GRENOBLE_ID}/api/observations", headers=accounts["urba.nantes"]
        ).status_code
        == 403
    )
    # the operator (admin without territory) works on both, each cut to its territory
    op_g = client.get("/api/observations", headers={**admin_headers, **G}).text
    assert ids["grenoble"] in op_g and ids["nantes"] not in op_g
    assert uuid.UUID(ids["grenoble"])


@pytest.mark.parametrize("path", ["/api/qpv?generation=2015", "/aide"])
def test_without_added_territory_nothing_changes(client: TestClient, path: str) -> None:
    """The instance alone: every place is the default territory's (what the suite tested)."""
    assert client.get(path, headers=G).text == client.get(path).text


def test_territories_compared_in_one_protected_table(
    db_url: str, grenoble_files: Path, client: TestClient, conn: Any
) -> None:
    """Self-check testimonies per territory (from each territory's places), suppressed like
    the dashboards: 3 in Grenoble are hidden — and Nantes' 7 with them, since the column's
    total would give Grenoble's away; with 6 in Grenoble both show."""
    from selfcheck import repo as selfcheck_repo
    from selfcheck.models import Testimony

    _add(db_url, grenoble_files)

    def testify(n: int, qpv: str) -> None:
        for _ in range(n):
            selfcheck_repo.insert_testimony(
                conn, Testimony(("origine",), "emploi", qpv, None, None, None)
            )

    testify(7, "QP044007")
    testify(3, "QP038006")
    body = client.get("/api/territories").json()
    rows = {r["id"]: r for r in body["rows"]}
    assert set(rows) == {"nantes-metropole", GRENOBLE_ID}
    assert (
        rows[GRENOBLE_ID]["testimonies"] is None and rows["nantes-metropole"]["testimonies"] is None
    )
    assert rows[GRENOBLE_ID]["qpv"] == 2 and rows["nantes-metropole"]["qpv"] >= 15
    testify(3, "QP038006")
    rows = {r["id"]: r for r in client.get("/api/territories").json()["rows"]}
    assert rows[GRENOBLE_ID]["testimonies"] == 6 and rows["nantes-metropole"]["testimonies"] == 7
    page = client.get("/territoires", headers=G).text
    assert "Grenoble-Alpes (test)" in page and "Témoignages de l&#39;autotest" in page
    # each territory's own self-check statistics count its own testimonies only
    stats_g = client.get("/api/selfcheck/stats", headers=G).json()
    stats_n = client.get("/api/selfcheck/stats").json()
    assert stats_g["total"] == 6 and stats_n["total"] == 7


def test_women_presence_compared_across_territories(
    db_url: str,
    grenoble_files: Path,
    client: TestClient,
    admin_headers: dict[str, str],
    tmp_path: Path,
) -> None:
    """Counting sessions per territory in the protected table, and the share of women beside
    them only when their count is published."""
    from datetime import UTC, datetime, timedelta

    _add(db_url, grenoble_files)
    csv = tmp_path / "data-es.csv"
    csv.write_text(
        "equip_numero;equip_nom;equip_x;equip_y\n"
        f"N1;City stade Nantes;{NANTES_POINT[0]};{NANTES_POINT[1]}\n"
        f"G1;City stade Grenoble;{IN_GRENOBLE_QPV[0]};{IN_GRENOBLE_QPV[1]}\n",
        encoding="utf-8",
    )
    env = {"DATABASE_URL": db_url, "COLUMNS": "200"}
    assert runner.invoke(app, ["sports", "import", str(csv)], env=env).exit_code == 0
    at = datetime.now(UTC) - timedelta(hours=3)

    def count(facility: str, headers: dict[str, str], women: int, men: int) -> None:
        body = {
            "id": str(uuid.uuid4()),
            "facility_id": facility,
            "observed_at": at.isoformat(),
            "counts": {"femmes": women, "hommes": men},
        }
        sent = client.post("/api/presence", json=body, headers={**admin_headers, **headers})
        assert sent.status_code == 201, sent.text

    for _ in range(5):
        count("N1", {}, 1, 3)
    for _ in range(2):
        count("G1", G, 2, 2)
    # a facility of the other territory cannot be counted on this address
    wrong = {
        "id": str(uuid.uuid4()),
        "facility_id": "G1",
        "observed_at": at.isoformat(),
        "counts": {"femmes": 1},
    }
    assert client.post("/api/presence", json=wrong, headers=admin_headers).status_code == 422
    rows = {r["id"]: r for r in client.get("/api/territories").json()["rows"]}
    assert rows[GRENOBLE_ID]["presence_sessions"] is None
    assert rows["nantes-metropole"]["presence_sessions"] is None  # else 7 − 5 gives Grenoble
    assert rows["nantes-metropole"]["women_share"] is None
    for _ in range(3):
        count("G1", G, 2, 2)
    rows = {r["id"]: r for r in client.get("/api/territories").json()["rows"]}
    assert rows["nantes-metropole"]["presence_sessions"] == 5
    assert rows["nantes-metropole"]["women_share"] == round(100 * 5 / 20)
    assert rows[GRENOBLE_ID]["presence_sessions"] == 5 and rows[GRENOBLE_ID]["women_share"] == 50
    page = client.get("/territoires").text
    assert "Part des femmes observées" in page and "25 %" in page and "50 %" in page
