"""The yearly evaluation (issue 20 part 3): every commitment with its query, this year's and
last year's value — each recomputed here in Python from the raw rows of the seeded database
(walks, observations, follow-up steps, actions, showings, testimonies), with the suppression
rule re-implemented — on the JSON, on the page, and read back from the PDF."""

from __future__ import annotations

import io
import statistics
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
from fastapi.testclient import TestClient

from planning.evaluation import commitments
from selfcheck import repo as selfcheck_repo
from selfcheck.models import Testimony as SelfcheckTestimony
from tests.planning.seed import Seeded

PARIS = ZoneInfo("Europe/Paris")
K = 5
DONE = {"realisee", "restituee", "bilan"}


def _round(x: float, digits: int = 0) -> float:
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(str(x)).quantize(q, rounding=ROUND_HALF_UP))


class Oracle:
    """The indicators computed from plain SELECTs of the tables, in Python."""

    def __init__(self, conn: Any) -> None:
        self.walks = conn.execute(
            "SELECT id, women_only, status, walk_date FROM walks "
            "WHERE territory = 'nantes-metropole' AND NOT demo"
        ).fetchall()
        self.obs = conn.execute(
            "SELECT o.id, o.walk_id, o.received_at, o.kind, ST_X(v.geom), ST_Y(v.geom) "
            "FROM observations o JOIN observation_versions v ON v.observation_id = o.id "
            "AND v.version = o.current_version WHERE NOT o.demo AND NOT v.deleted"
        ).fetchall()
        self.resolved: dict[Any, datetime] = {}
        for obs_id, at in conn.execute(
            "SELECT observation_id, created_at FROM observation_transitions "
            "WHERE machine = 'followup' AND to_state = 'resolu'"
        ).fetchall():
            self.resolved[obs_id] = min(at, self.resolved.get(obs_id, at))
        self.in_action = {
            r[0] for r in conn.execute("SELECT observation_id FROM action_observations")
        }
        self.showings = conn.execute(
            "SELECT sh.start_date, sh.pupils, s.uai, s.level, s.priority "
            "FROM showing sh JOIN school s ON s.uai = sh.uai"
        ).fetchall()
        self.months = [r[0] for r in conn.execute("SELECT month FROM selfcheck_testimony")]
        self.box = conn.execute(
            "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM territory "
            "WHERE id = 'nantes-metropole'"
        ).fetchone()

    def walks_of(self, year: int) -> list[Any]:
        return [w for w in self.walks if w[2] in DONE and w[3].year == year]

    def walk_obs(self, year: int, women_only: bool) -> list[Any]:
        ids = {w[0] for w in self.walks_of(year) if w[1] == women_only}
        return [o for o in self.obs if o[1] in ids]

    def value(self, query: str, year: int) -> tuple[float | None, int]:
        if query == "marches_realisees":
            n = len(self.walks_of(year))
            return float(n), n
        if query == "part_marches_non_mixtes":
            walks = self.walks_of(year)
            women = sum(1 for w in walks if w[1])
            return (_round(100 * women / len(walks)) if walks else None), len(walks)
        if query.startswith("part_observations_action_"):
            obs = self.walk_obs(year, query.endswith("non_mixtes"))
            linked = sum(1 for o in obs if o[0] in self.in_action)
            return (_round(100 * linked / len(obs)) if obs else None), len(obs)
        if query.startswith("delai_resolution_"):
            obs = self.walk_obs(year, query.endswith("non_mixtes"))
            days = [
                (self.resolved[o[0]] - o[2]).total_seconds() / 86400
                for o in obs
                if o[0] in self.resolved
            ]
            return (_round(statistics.median(days), 1) if days else None), len(days)
        if query == "eleves_expositions":
            n = sum(s[1] or 0 for s in self.showings if s[0].year == year)
            return float(n), n
        if query == "colleges_prioritaires_atteints":
            n = len(
                {
                    s[2]
                    for s in self.showings
                    if s[0].year == year and s[3] == "college" and s[4] in ("rep", "rep_plus")
                }
            )
            return float(n), n
        if query == "temoignages_autotest":
            n = sum(1 for m in self.months if m is not None and m.year == year)
            return float(n), n
        if query == "gusp_resolus":
            minx, miny, maxx, maxy = self.box
            n = sum(
                1
                for o in self.obs
                if o[3] == "gusp"
                and o[0] in self.resolved
                and self.resolved[o[0]].astimezone(PARIS).year == year
                and minx <= o[4] <= maxx
                and miny <= o[5] <= maxy
            )
            return float(n), n
        raise AssertionError(query)


def _published(kind: str, protected: bool, value: float | None, base: int) -> float | None:
    if value is None:
        return None
    if kind == "count":
        return None if protected and 0 < value < K else value
    if kind == "share":
        return value if base >= (K if protected else 1) else None
    return value if base >= K else None


@pytest.fixture
def testimonies(conn: Any, seeded: Seeded) -> Callable[[int, int], None]:
    def add(n: int, year: int) -> None:
        for _ in range(n):
            selfcheck_repo.insert_testimony(
                conn,
                SelfcheckTestimony(
                    ("origine",), "logement", "QP044005", None, date(year, 3, 1), None
                ),
            )

    return add


def _mixed_walk(client: TestClient, conn: Any, seeded: Seeded) -> None:
    """A mixed walk this year in Malakoff: 6 observations, 2 answered by an action, 5
    resolved after 3, 5, 8, 13 and 21 days (the follow-up steps through the API, their time
    set afterwards as the seed does)."""
    facilitator = {"Authorization": f"Bearer {seeded.tokens['facilitator']}"}
    planner = {"Authorization": f"Bearer {seeded.tokens['planner']}"}
    point = conn.execute(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM qpv "
        "WHERE code = 'QP044013' AND generation = 2015) s"
    ).fetchone()
    day = seeded.today - timedelta(days=2)
    walk = client.post(
        "/api/walks",
        json={
            "title": "Marche mixte Malakoff",
            "date": day.isoformat(),
            "time_slot": "jour",
            "qpv_codes": ["QP044013"],
            "women_only": False,
        },
        headers=facilitator,
    )
    assert walk.status_code == 201, walk.text
    walk_id = walk.json()["id"]
    joined = client.post(
        "/api/walks/join", json={"invite_code": walk.json()["invite_code"], "pseudonym": "Yanis"}
    ).json()
    walker = {"Authorization": f"Bearer {joined['token']}"}
    ids = []
    for i in range(6):
        body = {
            "id": str(uuid.uuid4()),
            "kind": "marche",
            "walk_id": walk_id,
            "location": {"type": "Point", "coordinates": [point[0], point[1]]},
            "observed_at": datetime.now(UTC).isoformat(),
            "theme": "visibilite",
            "items": ["eclairage"],
            "rating": 1,
            "feeling": 1,
            "comment": f"Point {i}",
        }
        assert client.post("/api/observations", json=body, headers=walker).status_code == 201
        ids.append(body["id"])
    moved = client.post(
        f"/api/walks/{walk_id}/transitions", json={"action": "realiser"}, headers=facilitator
    )
    assert moved.status_code in (200, 201), moved.text
    action = client.post(
        "/api/actions",
        json={
            "title": "Éclairer la rue",
            "owner_org": "Nantes Métropole",
            "observation_ids": ids[:2],
        },
        headers=planner,
    )
    assert action.status_code == 201, action.text
    received = datetime.now(UTC) - timedelta(days=30)
    for obs_id, days in zip(ids, (3, 5, 8, 13, 21), strict=False):
        for step in (
            {"action": "ouvrir"},
            {"action": "transmettre", "responsible_body": "Nantes Métropole"},
            {"action": "resoudre"},
        ):
            done = client.post(
                f"/api/observations/{obs_id}/transitions", json=step, headers=planner
            )
            assert done.status_code == 201, done.text
        conn.execute("UPDATE observations SET received_at = %s WHERE id = %s", (received, obs_id))
        conn.execute(
            "UPDATE observation_transitions SET created_at = %s "
            "WHERE observation_id = %s AND to_state = 'resolu'",
            (received + timedelta(days=days), obs_id),
        )


def test_every_figure_is_recomputed_from_the_rows(
    client: TestClient, conn: Any, seeded: Seeded, testimonies: Callable[[int, int], None]
) -> None:
    year = seeded.today.year
    _mixed_walk(client, conn, seeded)
    testimonies(6, year)
    testimonies(3, year - 1)  # below k: « moins de 5 »
    oracle = Oracle(conn)
    body = client.get(f"/api/evaluation?annee={year}").json()
    assert body["year"] == year and body["k"] == K
    lines = {line["commitment"]["code"]: line for line in body["lines"]}
    assert set(lines) == {c.code for c in commitments()}
    checked = 0
    for c in commitments():
        line = lines[c.code]
        for key, y in (("value", year), ("previous", year - 1)):
            value, base = oracle.value(c.query, y)
            expected = _published(c.kind, c.protected, value, base)
            assert line[key] == expected, (c.code, y, line[key], expected, base)
            checked += 1
        assert line["sql"].startswith("SELECT") or line["sql"].startswith("WITH")
    assert checked == 2 * len(commitments())
    # the seed walks both years, women-only and mixed: the comparison has figures to show
    assert lines["marches"]["value"] and lines["marches"]["previous"]
    assert lines["autotest"]["value"] == 6 and lines["autotest"]["previous"] is None
    # women-only and mixed walks compared: the mixed walk's 6 observations, 2 with an action,
    # 5 resolved after 3, 5, 8, 13, 21 days
    assert lines["suites_mixtes"]["value"] == 33.0
    assert lines["delai_mixtes"]["value"] == 8.0
    assert lines["autotest"]["previous_hidden"] is True
    # the page says the same, line by line
    page = client.get(f"/evaluation?annee={year}").text
    for c in commitments():
        row = page.split(f'id="l-{c.code}"', 1)[1].split("</tr>", 1)[0]
        assert f"<code>{c.query}</code>" in row
        assert c.pilot in row.replace("&#39;", "'")
    autotest_row = page.split('id="l-autotest"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="valeur">6</td>' in autotest_row
    assert '<td class="precedente">moins de 5</td>' in autotest_row
    assert "Les requêtes" in page and "percentile_cont" in page


@pytest.mark.browser
def test_the_pdf_shows_every_indicator(
    client: TestClient, seeded: Seeded, planner: dict[str, str]
) -> None:
    year = seeded.today.year
    assert client.get(f"/evaluation.pdf?annee={year}").status_code == 401
    resp = client.get(f"/evaluation.pdf?annee={year}", headers=planner)
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(resp.content))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for c in commitments():
        assert " ".join(c.indicator.split()[:4]) in text, c.indicator
        assert c.query in text
    assert f"évaluation {year}" in text


def test_cli_writes_the_evaluation(db_url: str, seeded: Seeded, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    out = tmp_path / "evaluation.html"
    year = seeded.today.year
    result = CliRunner().invoke(
        app,
        ["report", "evaluation", "--year", str(year), "--out", str(out)],
        env={"DATABASE_URL": db_url},
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "<style>" in text and "/static/" not in text
    assert all(f"<code>{c.query}</code>" in text for c in commitments())
    bad = CliRunner().invoke(
        app,
        ["report", "evaluation", "--out", str(tmp_path / "x.txt")],
        env={"DATABASE_URL": db_url},
    )
    assert bad.exit_code == 1 and "extension" in bad.output
