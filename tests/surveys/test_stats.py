"""Per-QPV statistics: counts by QPV, theme and time slot and the mean feeling, compared with an
independent computation (shapely on the shared QPV file, Python grouping)."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
import shapely
from fastapi.testclient import TestClient

from geo import qpv
from geo.errors import Invalid
from surveys import bulk, stats
from surveys.models import SurveyConfig
from tests.surveys.conftest import OUTSIDE_QPV, Staff
from tests.surveys.test_bulk import gusp, principal, row, write_csv


def day_walk(client: TestClient, staff: Staff) -> str:
    resp = client.post(
        "/api/walks",
        json={"title": "Marche de jour", "date": "2026-10-01", "time_slot": "jour"},
        headers=staff.facilitator,
    )
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


def test_per_qpv_statistics_match_an_independent_count(
    conn: psycopg.Connection[Any],
    client: TestClient,
    staff: Staff,
    walk: dict[str, Any],
    point_in: Callable[..., tuple[float, float]],
    shared_data: Path,
    tmp_path: Path,
) -> None:
    rng = random.Random(4)
    walks = {walk["id"]: "nuit", day_walk(client, staff): "jour"}
    places = [
        point_in(code, rng.uniform(-60, 60), rng.uniform(-60, 60))
        for code in ("QP044013", "QP044013", "QP044005", "QP044009")
    ] + [OUTSIDE_QPV]
    rows = []
    for _ in range(120):
        x, y = rng.choice(places)
        feeling = rng.choice(["", "0", "1", "2", "3"])
        if rng.random() < 0.25:
            rows.append(
                gusp(x, y, feeling=feeling, category=rng.choice(["proprete", "degradation"]))
            )
        else:
            walk_id = rng.choice(list(walks))
            theme = rng.choice(["visibilite", "usages"])
            rows.append(row(walk_id, x, y, theme=theme, items="", feeling=feeling))
    report = bulk.import_file(
        conn, write_csv(tmp_path / "s.csv", rows), principal(conn, "lea.urba"), SurveyConfig()
    )
    assert report.created == len(rows), report.problems

    polygons = qpv.read_qpv(shared_data / "qpv" / "qpv_2015_dep44.geojson").frame
    expected: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in rows:
        point = shapely.Point(float(r["lon"]), float(r["lat"]))
        for code, geom in zip(polygons["code"], polygons.geometry, strict=True):
            if geom.intersects(point):
                key = (code, r["theme"] or r["category"], walks.get(r["walk_id"], stats.NO_SLOT))
                counts[key] += 1
                if r["feeling"]:
                    expected[key].append(int(r["feeling"]))
    found = stats.per_qpv(conn, 2015)
    assert {(s.qpv_code, s.theme, s.time_slot): s.count for s in found} == counts
    for s in found:
        feelings = expected[(s.qpv_code, s.theme, s.time_slot)]
        assert s.rated == len(feelings)
        if feelings:
            assert s.mean_feeling == pytest.approx(sum(feelings) / len(feelings))
        else:
            assert s.mean_feeling is None
    assert {s.qpv_name for s in found if s.qpv_code == "QP044013"} == {"Malakoff"}
    assert found == sorted(found, key=lambda s: (s.qpv_code, s.theme, s.time_slot))


def test_published_only_generation_and_demo(
    conn: psycopg.Connection[Any],
    client: TestClient,
    staff: Staff,
    walk: dict[str, Any],
    point_in: Callable[..., tuple[float, float]],
    tmp_path: Path,
) -> None:
    rows = [row(walk["id"], *point_in("QP044013")) for _ in range(3)]
    bulk.import_file(
        conn, write_csv(tmp_path / "p.csv", rows), principal(conn, "lea.urba"), SurveyConfig()
    )
    assert sum(s.count for s in stats.per_qpv(conn)) == 3
    assert stats.per_qpv(conn, published_only=True) == []
    resp = client.post(
        f"/api/observations/{rows[0]['id']}/transitions",
        json={"action": "publier", "id": str(uuid.uuid4())},
        headers=staff.moderator,
    )
    assert resp.status_code == 201, resp.text
    published = stats.per_qpv(conn, published_only=True)
    assert [(s.qpv_code, s.count) for s in published] == [("QP044013", 1)]
    assert stats.per_qpv(conn, demo=True) == []
    assert stats.per_qpv(conn, 2024) == []  # the test database holds the 2015 QPV only
    with pytest.raises(Invalid):
        stats.per_qpv(conn, 2020)
