"""Bulk import of observations (``cartegalite surveys import``): the API's rules, QPV attributed
at insert, idempotent by id with the API's own payload hash, one transaction, nothing
half-written."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accounts import repo as accounts_repo
from accounts.models import Principal
from cli.main import app
from surveys import bulk, canonical
from surveys.grid import grid
from surveys.models import Kind, ObservationInput, SurveyConfig
from surveys.repo import bulk as repo
from tests.surveys.conftest import OUTSIDE_QPV, Staff, count_rows

runner = CliRunner()
COLUMNS = ["id", "kind", "walk_id", "lon", "lat", "observed_at", "theme", "items", "rating"]
COLUMNS += ["feeling", "works_well", "comment", "proposal", "category"]


def row(walk_id: str | None, x: float, y: float, /, **fields: Any) -> dict[str, Any]:
    """A valid walk-observation row (strings, as a file holds them)."""
    base = {
        "id": str(uuid.uuid4()),
        "kind": "marche",
        "walk_id": walk_id or "",
        "lon": repr(x),
        "lat": repr(y),
        "observed_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
        "theme": "visibilite",
        "items": "eclairage|recoins",
        "rating": "1",
        "feeling": "2",
        "works_well": "false",
        "comment": "Passage « sombre », sans éclairage\nle soir",
        "proposal": "",
        "category": "",
    }
    base.update(fields)
    return base


def gusp(x: float, y: float, /, **fields: Any) -> dict[str, Any]:
    base = row(None, x, y, kind="gusp", theme="", items="", rating="")
    base["category"] = "depot_sauvage"
    base.update(fields)
    return base


def write_csv(path: Path, rows: list[dict[str, Any]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter=delimiter)
        out.writeheader()
        out.writerows(rows)
    return path


def as_input(r: dict[str, Any]) -> ObservationInput:
    """The observation the API would have parsed from the same values."""
    return ObservationInput(
        id=uuid.UUID(r["id"]),
        kind=Kind(r["kind"]),
        lon=float(r["lon"]),
        lat=float(r["lat"]),
        observed_at=datetime.fromisoformat(r["observed_at"]),
        walk_id=uuid.UUID(r["walk_id"]) if r["walk_id"] else None,
        theme=r["theme"] or None,
        items=tuple(sorted(set(filter(None, r["items"].split("|"))))),
        rating=int(r["rating"]) if r["rating"] else None,
        feeling=int(r["feeling"]) if r["feeling"] else None,
        works_well=r["works_well"] == "true",
        comment=r["comment"] or None,
        proposal=r["proposal"] or None,
        category=r["category"] or None,
    )


def principal(conn: psycopg.Connection[Any], login: str) -> Principal:
    user = accounts_repo.get_user_by_login(conn, login)
    assert user is not None
    return Principal(role=user.role, token_id=0, user_id=user.id, login=login)


def cli_import(db_url: str, path: Path, author: str, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["surveys", "import", str(path), "--author", author, *extra],
        env={"DATABASE_URL": db_url},
    )
    return result.exit_code, result.output


def test_csv_import_stores_rows_as_the_api_would(
    db_url: str,
    conn: psycopg.Connection[Any],
    client: TestClient,
    staff: Staff,
    walk: dict[str, Any],
    point_in: Callable[..., tuple[float, float]],
    tmp_path: Path,
) -> None:
    inside = point_in("QP044013", 30, 20)
    rows = [
        row(walk["id"], *inside),
        row(walk["id"], *OUTSIDE_QPV, theme="entretien", items="proprete", rating="0"),
        gusp(*point_in("QP044005")),
        gusp(*OUTSIDE_QPV, walk_id=walk["id"], category="eclairage_panne"),
    ]
    code, output = cli_import(db_url, write_csv(tmp_path / "obs.csv", rows), "lea.urba")
    assert code == 0, output
    assert count_rows(conn, "observations") == 4
    planner_id = principal(conn, "lea.urba").user_id
    for r, qpv in zip(rows, (["QP044013"], [], ["QP044005"], []), strict=True):
        stored = conn.execute(
            "SELECT o.payload_hash, v.qpv_codes, o.author_user_id, o.followup, o.moderation, "
            "v.comment FROM observations o JOIN observation_versions v ON v.observation_id = o.id "
            "WHERE o.id = %s",
            (r["id"],),
        ).fetchone()
        assert stored is not None
        assert bytes(stored[0]) == canonical.payload_hash(as_input(r))
        assert list(stored[1]) == qpv
        assert stored[2] == planner_id
        assert stored[3] == ("hors_suivi" if r["kind"] == "marche" else "nouveau")
        assert stored[4] == "en_attente"
        assert stored[5] == (r["comment"] or None)
    # The same observation sent later through the API is recognised: 200, nothing written.
    first = rows[0]
    body = {
        "id": first["id"],
        "kind": "marche",
        "walk_id": walk["id"],
        "location": {"type": "Point", "coordinates": [float(first["lon"]), float(first["lat"])]},
        "observed_at": first["observed_at"],
        "theme": "visibilite",
        "items": ["recoins", "eclairage"],
        "rating": 1,
        "feeling": 2,
        "comment": first["comment"],
    }
    resp = client.post("/api/observations", json=body, headers=staff.planner)
    assert resp.status_code == 200, resp.text
    assert count_rows(conn, "observations") == 4


def test_reimport_counts_duplicates_and_reports_conflicts(
    conn: psycopg.Connection[Any],
    staff: Staff,
    walk: dict[str, Any],
    point_in: Callable[..., tuple[float, float]],
    tmp_path: Path,
) -> None:
    rows = [row(walk["id"], *point_in("QP044013", 10 * i, 0)) for i in range(5)]
    planner = principal(conn, "lea.urba")
    first = bulk.import_file(conn, write_csv(tmp_path / "a.csv", rows), planner, SurveyConfig())
    assert (first.created, first.duplicates, first.conflicts) == (5, 0, 0)
    changed = [*rows[:4], {**rows[4], "comment": "autre contenu"}]
    again = bulk.import_file(conn, write_csv(tmp_path / "b.csv", changed), planner, SurveyConfig())
    assert (again.read, again.created, again.duplicates, again.conflicts) == (5, 0, 4, 1)
    assert again.problems[0].id == rows[4]["id"]
    assert "contenu différent" in again.problems[0].message
    stored = conn.execute(
        "SELECT comment FROM observation_versions WHERE observation_id = %s", (rows[4]["id"],)
    ).fetchone()
    assert stored == (rows[4]["comment"],)
    assert count_rows(conn, "observation_versions") == 5


BAD_ROWS: list[tuple[dict[str, Any], str]] = [
    ({"id": "pas-un-uuid"}, "n'est pas un UUID"),
    ({"id": ""}, "id manquant"),
    ({"kind": "balade"}, "kind doit valoir"),
    ({"lon": "abc"}, "position invalide"),
    ({"lon": ""}, "position manquante"),
    ({"lon": "-181"}, "longitude hors limites"),
    ({"lon": "-2.2", "lat": "47.27"}, "hors de la zone couverte"),
    ({"lon": "355000", "lat": "6689000"}, "longitude hors limites"),
    ({"lat": "47,2,1"}, "position invalide"),
    ({"observed_at": "2026-05-12T21:30:00"}, "observed_at invalide"),
    ({"observed_at": "2025-02-30T21:30:00+01:00"}, "observed_at invalide"),
    ({"observed_at": "2025-01-01T24:00:00Z"}, "observed_at invalide"),
    ({"observed_at": "2025-01-01T10:00:00+99:00"}, "observed_at invalide"),
    ({"observed_at": "demain"}, "observed_at invalide"),
    ({"observed_at": "2014-12-31T10:00:00Z"}, "trop ancien"),
    ({"observed_at": (datetime.now(UTC) + timedelta(hours=2)).isoformat()}, "dans le futur"),
    ({"walk_id": str(uuid.uuid4())}, "marche inconnue"),
    ({"walk_id": ""}, "walk_id est obligatoire"),
    ({"rating": "4"}, "rating doit être un entier"),
    ({"rating": "2.0"}, "rating doit être un entier"),
    ({"rating": ""}, "rating (0 à 3) est obligatoire"),
    ({"feeling": "-1"}, "feeling doit être un entier"),
    ({"works_well": "oui"}, "works_well doit valoir"),
    ({"theme": "bruit"}, "thème inconnu"),
    ({"items": "eclairage|proprete"}, "élément inconnu pour le thème « visibilite » : proprete"),
    ({"category": "proprete"}, "category est réservé"),
    ({"comment": "x" * 2001}, "comment dépasse 2000"),
    ({"kind": "gusp", "category": ""}, "category est obligatoire"),
    ({"kind": "gusp", "category": "proprete"}, "theme et items sont réservés"),
    ({"kind": "gusp", "theme": "", "items": "", "rating": "", "category": "graffiti"}, "catégorie"),
]


def test_bad_rows_are_refused_with_their_reason_and_the_good_ones_kept(
    conn: psycopg.Connection[Any],
    staff: Staff,
    walk: dict[str, Any],
    point_in: Callable[..., tuple[float, float]],
    tmp_path: Path,
) -> None:
    here = point_in("QP044013")
    good = [row(walk["id"], *here), gusp(*here)]
    bad = [row(walk["id"], *here, **fields) for fields, _ in BAD_ROWS]
    repeated = {**good[0], "comment": "même id, autre contenu"}
    path = write_csv(tmp_path / "mixed.csv", [good[0], *bad, good[1], repeated])
    report = bulk.import_file(conn, path, principal(conn, "lea.urba"), SurveyConfig(), show=100)
    assert (report.read, report.created, report.invalid) == (len(BAD_ROWS) + 3, 2, len(BAD_ROWS))
    by_record = {p.record: p for p in report.problems}
    for number, (_, expected) in enumerate(BAD_ROWS, start=2):
        assert expected in by_record[number].message, (number, by_record[number].message)
        assert by_record[number].status == "invalid"
    last = by_record[len(BAD_ROWS) + 3]
    assert last.status == "conflict" and "enregistrement n° 1" in last.message
    stored = {r[0] for r in conn.execute("SELECT id::text FROM observations")}
    assert stored == {good[0]["id"], good[1]["id"]}


def test_semicolons_decimal_commas_and_geojson_are_read(
    conn: psycopg.Connection[Any],
    staff: Staff,
    walk: dict[str, Any],
    point_in: Callable[..., tuple[float, float]],
    tmp_path: Path,
) -> None:
    lon, lat = point_in("QP044005")
    french = row(walk["id"], lon, lat)
    french.update(lon=repr(lon).replace(".", ","), lat=repr(lat).replace(".", ","))
    planner = principal(conn, "lea.urba")
    path = write_csv(tmp_path / "fr.csv", [french], delimiter=";")
    assert bulk.import_file(conn, path, planner, SurveyConfig()).created == 1
    feature = {
        "type": "Feature",
        "id": str(uuid.uuid4()),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "kind": "gusp",
            "observed_at": "2026-01-15T08:00:00+01:00",
            "category": "proprete",
            "feeling": 1,
            "works_well": False,
        },
    }
    doc = {"type": "FeatureCollection", "features": [feature]}
    (tmp_path / "obs.geojson").write_text(json.dumps(doc), encoding="utf-8")
    report = bulk.import_file(conn, tmp_path / "obs.geojson", planner, SurveyConfig())
    assert report.created == 1, report.problems
    stored = conn.execute(
        "SELECT v.qpv_codes, v.feeling FROM observation_versions v WHERE v.observation_id = %s",
        (feature["id"],),
    ).fetchone()
    assert stored == (["QP044005"], 1)
    (tmp_path / "nan.geojson").write_text(
        json.dumps(doc).replace(str(lon), "NaN"), encoding="utf-8"
    )
    with pytest.raises(Exception, match="non fini"):
        bulk.import_file(conn, tmp_path / "nan.geojson", planner, SurveyConfig())


def test_facilitator_imports_only_into_the_walks_they_lead_and_dry_run_writes_nothing(
    db_url: str,
    conn: psycopg.Connection[Any],
    staff: Staff,
    walk: dict[str, Any],
    point_in: Callable[..., tuple[float, float]],
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "w.csv", [row(walk["id"], *point_in("QP044013"))])
    other = bulk.import_file(conn, path, principal(conn, "samir.anim"), SurveyConfig())
    assert (other.created, other.invalid) == (0, 1)
    assert "pas animée par ce compte" in other.problems[0].message
    code, output = cli_import(db_url, path, "claire.anim", "--dry-run")
    assert code == 0, output
    assert "à créer" in output
    assert count_rows(conn, "observations") == 0
    code, output = cli_import(db_url, path, "claire.anim")
    assert code == 0, output
    assert count_rows(conn, "observations") == 1


def test_unusable_files_are_refused_whole(
    db_url: str, conn: psycopg.Connection[Any], staff: Staff, tmp_path: Path
) -> None:
    unknown = tmp_path / "x.csv"
    unknown.write_text("id,kind,lon,lat,observed_at,couleur\n", encoding="utf-8")
    code, output = cli_import(db_url, unknown, "lea.urba")
    assert code == 1
    assert "colonnes inconnues : couleur" in output
    missing = tmp_path / "y.csv"
    missing.write_text("id,kind,lon\n", encoding="utf-8")
    code, output = cli_import(db_url, missing, "lea.urba")
    assert code == 1 and "lat, observed_at" in output
    ragged = tmp_path / "z.csv"
    ragged.write_text("id,kind,lon,lat,observed_at\na,b,c,d,e,f\n", encoding="utf-8")
    code, output = cli_import(db_url, ragged, "lea.urba")
    assert code == 1 and "illisible" in output
    code, output = cli_import(db_url, ragged, "moderation.inconnue")
    assert code != 0
    assert count_rows(conn, "observations") == 0


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),  # type: ignore[arg-type]
    max_size=40,
)


@st.composite
def observation_rows(draw: st.DrawFn, walk_id: str) -> dict[str, Any]:
    g = grid()
    gusp_kind = draw(st.booleans())
    offset = draw(st.integers(-12 * 60, 14 * 60))
    moment = draw(
        st.datetimes(min_value=datetime(2016, 1, 1), max_value=datetime(2026, 1, 1))
    ).replace(tzinfo=timezone(timedelta(minutes=offset)))
    fields = {
        "lon": repr(draw(st.floats(-1.70, -1.40))),
        "lat": repr(draw(st.floats(47.10, 47.30))),
        "observed_at": moment.isoformat(),
        "feeling": draw(st.sampled_from(["", "0", "3"])),
        "works_well": draw(st.sampled_from(["true", "false"])),
        "comment": draw(texts),
        "proposal": draw(texts),
    }
    if gusp_kind:
        return gusp(0, 0, **fields, category=draw(st.sampled_from(g.category_codes)))
    principle = draw(st.sampled_from(g.principles))
    items = draw(st.lists(st.sampled_from(principle.item_codes), max_size=4))
    return row(walk_id, 0, 0, **fields, theme=principle.code, items="|".join(items))


@hsettings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_sql_hash_is_the_api_hash(
    conn: psycopg.Connection[Any], walk: dict[str, Any], data: st.DataObject
) -> None:
    rows = data.draw(st.lists(observation_rows(walk["id"]), min_size=1, max_size=15))
    with conn.transaction(force_rollback=True):
        repo.create_staging(conn)
        repo.copy_rows(conn, ([r.get(c) or None for c in repo.COLUMNS] for r in rows))
        bulk._check(conn, SurveyConfig())
        found = conn.execute(f"SELECT id, error, hash FROM {repo.CHECKED} ORDER BY rec").fetchall()
    for r, (rid, error, digest) in zip(rows, found, strict=True):
        assert rid == r["id"]
        assert error is None, (r, error)
        assert bytes(digest) == canonical.payload_hash(as_input(r)), r
