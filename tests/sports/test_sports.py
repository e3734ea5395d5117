"""« Sports et femmes » (issue 20 part 2): the census of sports equipment read in its published
layout (Data ES export, ``;``-separated), refused rows with their reason, facilities attached
to the QPV they are in or near, shown on the QPV map; counts of who is present recorded once
per client id; the dashboard's share of women per place and time slot, published from k
sessions and recomputed here independently."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from geo.errors import Invalid
from sports import importer
from tests.httpdir import serve_directory

runner = CliRunner()
HEADER = (
    "equip_numero;inst_numero;inst_nom;equip_nom;equip_type_name;equip_type_famille;"
    "inst_adresse;inst_cp;new_name;new_code;equip_x;equip_y;equip_acc_libre;equip_maj_date"
)
PARIS = ZoneInfo("Europe/Paris")


def _points(conn: Any) -> dict[str, tuple[float, float]]:
    """Inside Malakoff (QP044013), 150 m outside it, and far from every QPV (Place Royale is
    in none; a point of the Erdre further north)."""
    inside = conn.execute(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM qpv "
        "WHERE code = 'QP044013' AND generation = 2015) s"
    ).fetchone()
    near = conn.execute(
        """
        SELECT ST_X(p), ST_Y(p) FROM (
            SELECT ST_Transform(ST_ClosestPoint(ST_Buffer(geom_l93, 150),
                   ST_Translate(ST_Centroid(geom_l93), 5000, 0)), 4326) p
            FROM qpv WHERE code = 'QP044013' AND generation = 2015) s
        """
    ).fetchone()
    return {"inside": inside, "near": near, "far": (-1.5400, 47.2600)}


def _csv(conn: Any) -> str:
    pts = _points(conn)
    rows = [
        HEADER,
        f"E001;I001;Complexe Malakoff;Terrain de basket;Terrain de basket;Terrains de grands "
        f"jeux;1 rue de Malakoff;44000;Nantes;44109;{pts['inside'][0]};{pts['inside'][1]};"
        "true;2025-03-01",
        f"E002;I002;Gymnase du Pré Gauchet;Salle <b>multisports</b>;Salle multisports;Salles;"
        f";44000;Nantes;44109;{pts['near'][0]};{pts['near'][1]};false;2024-11-20",
        f"E003;I003;Stade de l'Erdre;Skatepark;Skatepark;Sports urbains;;44300;Nantes;44109;"
        f"{pts['far'][0]};{pts['far'][1]};;",
        ";I004;Sans numéro;Piste;Piste;Pistes;;;Nantes;44109;-1.55;47.21;;",
        "E005;I005;Inversé;City stade;City stade;Terrains;;;Nantes;44109;47.21;-1.55;;",
        "E006;I006;Pas un nombre;Dojo;Dojo;Salles;;;Nantes;44109;NaN;47.21;;",
        "E001;I001;Doublon;Terrain;Terrain;Terrains;;;Nantes;44109;-1.55;47.21;;",
    ]
    return "\n".join(rows) + "\n"


def test_reader_keeps_good_rows_and_refuses_the_others_with_why(conn: Any) -> None:
    read = importer.read_csv(_csv(conn).encode("utf-8"), "data-es.csv")
    assert [f.id for f in read.facilities] == ["E001", "E002", "E003"]
    reasons = {ident: reason for _, ident, reason in read.refused}
    assert "equip_numero absent" in reasons["?"]
    assert "inversées" in reasons["E005"]
    assert "nombre fini" in reasons["E006"]
    assert "en double" in reasons["E001"]
    assert read.facilities[0].free_access is True and read.facilities[2].free_access is None
    with pytest.raises(Invalid, match="recensement des équipements sportifs"):
        importer.read_csv(b"nom;adresse\nx;y\n", "autre.csv")
    # the older layout: « lat, lon » in one column
    older = 'equip_numero,inst_nom,equip_coordonnees\nE9,Piscine,"47.21, -1.55"\n'
    assert importer.read_csv(older.encode(), "ancien.csv").facilities[0].lon == -1.55


def _import(db_url: str, source: str) -> Any:
    env = {"DATABASE_URL": db_url, "COLUMNS": "200"}
    return runner.invoke(app, ["sports", "import", source, "--date", "2026-11-30"], env=env)


def test_import_attaches_qpv_and_the_map_shows_the_layer(
    db_url: str, conn: Any, client: TestClient, tmp_path: Path
) -> None:
    path = tmp_path / "data-es.csv"
    path.write_text(_csv(conn), encoding="utf-8")
    first = _import(db_url, str(path))
    assert first.exit_code == 0, first.output
    assert "7 ligne(s) lue(s) : 3 ajoutée(s)" in first.output and "4 refusée(s)" in first.output
    assert "1 dans un QPV, 1 à moins de 300 m" in first.output
    rows = conn.execute(
        "SELECT id, qpv_code, qpv_distance_m, source_date::text, source FROM sport_facility "
        "ORDER BY id"
    ).fetchall()
    assert rows[0][:3] == ("E001", "QP044013", 0)
    assert rows[1][1] == "QP044013" and 0 < rows[1][2] <= 300
    assert rows[2][1] is None
    assert all(r[3] == "2026-11-30" and "Data ES" in r[4] for r in rows)
    again = _import(db_url, str(path))
    assert "0 ajoutée(s), 3 mise(s) à jour" in again.output
    assert conn.execute("SELECT count(*) FROM sport_facility").fetchone()[0] == 3
    page = client.get("/cartes/qpv?equipements=1").text
    assert "<caption>Équipements sportifs</caption>" in page and "Terrain de basket" in page
    assert "Équipement sportif (3, Data ES)" in page  # the legend of the layer
    assert "Skatepark" in page  # far from every QPV, still on the territory's layer
    assert "Salle &lt;b&gt;multisports&lt;/b&gt;" in page and "<b>multisports</b>" not in page
    layer = client.get("/api/sports/facilities?qpv=QP044013").json()
    assert {f["id"] for f in layer["features"]} == {"E001", "E002"}


def test_import_from_a_url(db_url: str, conn: Any, tmp_path: Path) -> None:
    (tmp_path / "data-es.csv").write_text(_csv(conn), encoding="utf-8")
    with serve_directory(tmp_path, "data-es.csv") as base:
        result = _import(db_url, f"{base}/data-es.csv")
    assert result.exit_code == 0, result.output
    assert "3 ajoutée(s)" in result.output


def _count(facility: str, at: datetime, women: int, men: int, children: int = 0) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "facility_id": facility,
        "observed_at": at.isoformat(),
        "minutes": 10,
        "counts": {"femmes": women, "hommes": men, "enfants": children},
    }


def test_presence_counts_and_the_share_of_women_on_the_dashboard(
    db_url: str, conn: Any, client: TestClient, admin_headers: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "data-es.csv"
    path.write_text(_csv(conn), encoding="utf-8")
    assert _import(db_url, str(path)).exit_code == 0
    made = client.post(
        "/api/users", json={"login": "obs.sport", "role": "facilitator"}, headers=admin_headers
    )
    staff = {"Authorization": f"Bearer {made.json()['token']}"}
    # weekday daytime: 6 sessions at the basket court; weekend evening: 2 sessions
    monday = datetime(2026, 11, 23, 16, 0, tzinfo=PARIS)
    sent = []
    for i in range(6):
        body = _count("E001", monday + timedelta(days=7 * -i), women=2 + i % 2, men=5, children=1)
        resp = client.post("/api/presence", json=body, headers=staff)
        assert resp.status_code == 201, resp.text
        sent.append(body)
    saturday_night = datetime(2026, 11, 21, 21, 30, tzinfo=PARIS)
    for i in range(2):
        body = _count("E001", saturday_night - timedelta(days=7 * i), women=0, men=4)
        assert client.post("/api/presence", json=body, headers=staff).status_code == 201
        sent.append(body)
    # a resend is answered again, never stored twice; other values under the same id: 409
    again = client.post("/api/presence", json=sent[0], headers=staff)
    assert again.status_code == 200 and again.json()["stored"] is False
    changed = {**sent[0], "counts": {"femmes": 9, "hommes": 1, "enfants": 0}}
    assert client.post("/api/presence", json=changed, headers=staff).status_code == 409
    assert conn.execute("SELECT count(*) FROM presence_count").fetchone()[0] == 8
    # bad input: unknown group, negative count, future, unknown facility, both places
    bad = [
        {**_count("E001", monday, 1, 1), "counts": {"femmes": 1, "passants": 3}},
        {**_count("E001", monday, 1, 1), "counts": {"femmes": -1}},
        _count("E001", datetime.now(UTC) + timedelta(days=2), 1, 1),
        _count("E999", monday, 1, 1),
        {
            **_count("E001", monday, 1, 1),
            "walk_id": str(uuid.uuid4()),
            "stop_id": str(uuid.uuid4()),
        },
        {**_count("E001", monday, 1, 1), "extra": 1},
    ]
    for body in bad:
        resp = client.post("/api/presence", json=body, headers=staff)
        assert resp.status_code in (404, 422), (body, resp.text)
    assert conn.execute("SELECT count(*) FROM presence_count").fetchone()[0] == 8
    # the dashboard: recomputed here from what was sent
    weekday = sent[:6]
    women = sum(b["counts"]["femmes"] for b in weekday)
    men = sum(b["counts"]["hommes"] for b in weekday)
    share = round(100 * women / (women + men))
    section = client.get("/api/qpv/QP044013/sport").json()
    place = next(r for r in section["shares"] if r["place"] == "Terrain de basket")
    weekday_day, weekend_day, weekday_night, weekend_night = place["slots"]
    assert weekday_day == {
        "sessions": 6,
        "share": share,
        "people": sum(sum(b["counts"].values()) for b in weekday),
    }
    assert weekend_night["sessions"] is None and weekend_night["share"] is None  # 2 < 5
    assert weekend_day["sessions"] is None and weekday_night["sessions"] is None  # 0 < 5
    everything = sent
    all_share = round(
        100
        * sum(b["counts"]["femmes"] for b in everything)
        / sum(b["counts"]["femmes"] + b["counts"]["hommes"] for b in everything)
    )
    assert place["all"]["share"] == all_share and place["all"]["sessions"] == 8
    ids = {f["id"] for f in section["facilities"]}
    assert ids == {"E001", "E002"}
    page = client.get("/quartiers/QP044013").text
    assert "Sports et femmes" in page and "Terrain de basket" in page
    assert f"{share} % (6 séances" in page and "moins de 5 séances" in page
    assert "Salle &lt;b&gt;multisports&lt;/b&gt;" in page


def test_participants_count_at_their_walk_stops_only(
    client: TestClient, conn: Any, admin_headers: dict[str, str], db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "data-es.csv"
    path.write_text(_csv(conn), encoding="utf-8")
    assert _import(db_url, str(path)).exit_code == 0
    pts = _points(conn)
    walk = client.post(
        "/api/walks",
        json={
            "title": "Marche sportive",
            "date": (datetime.now(UTC) - timedelta(days=1)).date().isoformat(),
            "time_slot": "jour",
            "qpv_codes": ["QP044013"],
            "stops": [
                {
                    "name": "City stade",
                    "location": {"type": "Point", "coordinates": list(pts["inside"])},
                }
            ],
        },
        headers=admin_headers,
    ).json()
    joined = client.post(
        "/api/walks/join", json={"invite_code": walk["invite_code"], "pseudonym": "Inès"}
    ).json()
    walker = {"Authorization": f"Bearer {joined['token']}"}
    stop = conn.execute("SELECT id::text FROM walk_stops WHERE walk_id = %s", (walk["id"],))
    stop_id = stop.fetchone()[0]
    at = datetime.now(UTC) - timedelta(hours=1)
    at_stop = {
        "id": str(uuid.uuid4()),
        "walk_id": walk["id"],
        "stop_id": stop_id,
        "observed_at": at.isoformat(),
        "counts": {"femmes": 1, "hommes": 6},
    }
    assert client.post("/api/presence", json=at_stop, headers=walker).status_code == 201
    stored = conn.execute("SELECT counts FROM presence_count").fetchone()[0]
    assert stored == {"femmes": 1, "hommes": 6, "enfants": 0}
    facility = _count("E001", at, 1, 1)
    assert client.post("/api/presence", json=facility, headers=walker).status_code == 403
    # walks and their stops are not public: a stop is named to staff only
    public = client.get("/api/qpv/QP044013/sport").json()
    assert "City stade" not in [r["place"] for r in public["shares"]]
    staff_view = client.get("/api/qpv/QP044013/sport", headers=admin_headers).json()
    assert "City stade" in [r["place"] for r in staff_view["shares"]]
    assert "City stade" not in client.get("/quartiers/QP044013").text
    assert client.post("/api/presence", json=at_stop).status_code == 401


def test_the_observer_counts_from_the_back_office(
    db_url: str, conn: Any, client: TestClient, admin_headers: dict[str, str], tmp_path: Path
) -> None:
    """One screen on a phone; the form's own id makes a double submission store once."""
    from tests.equipe.helpers import ORIGIN, csrf_of, make_staff, sign_in

    path = tmp_path / "data-es.csv"
    path.write_text(_csv(conn), encoding="utf-8")
    assert _import(db_url, str(path)).exit_code == 0
    make_staff(client, admin_headers, "obs.terrain", "facilitator")
    sign_in(client, "obs.terrain")
    page = client.get("/equipe/comptage").text
    assert "Compter qui est présent" in page
    assert 'value="E001"' in page and 'value="E002"' in page and 'value="E003"' not in page
    form_id = page.split('name="id" value="', 1)[1].split('"', 1)[0]
    data = {
        "csrf_token": csrf_of(page),
        "id": form_id,
        "facility_id": "E001",
        "observed_at": "2026-11-24T17:30",
        "minutes": "10",
        "femmes": "4",
        "hommes": "9",
        "enfants": "2",
    }
    same_site = {"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"}
    for _ in range(2):  # a double tap
        sent = client.post("/equipe/comptage", data=data, headers=same_site, follow_redirects=False)
        assert sent.status_code == 303, sent.text
    rows = conn.execute("SELECT facility_id, counts, minutes FROM presence_count").fetchall()
    assert rows == [("E001", {"femmes": 4, "hommes": 9, "enfants": 2}, 10)]
    bad = client.post(
        "/equipe/comptage",
        data={**data, "id": str(uuid.uuid4()), "femmes": "x"},
        headers=same_site,
        follow_redirects=False,
    )
    assert bad.status_code == 422 and 'id="f-femmes-erreur"' in bad.text
    cross = client.post(
        "/equipe/comptage",
        data={**data, "id": str(uuid.uuid4())},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert cross.status_code == 403
    assert conn.execute("SELECT count(*) FROM presence_count").fetchone()[0] == 1
