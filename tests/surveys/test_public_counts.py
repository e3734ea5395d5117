"""The public aggregate maintained by the database (issue 19): after any sequence of
submissions, publications, hidings, corrections, erasures, deletions and purges, the maintained
counts equal a recomputation from every observation, and the public answer equals the answer
computed from every observation."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from geo.postgis import connect
from surveys import canonical
from surveys.models import Kind, ObservationInput, SurveyConfig
from surveys.repo import corrections, privacy
from surveys.repo import observations as obs_repo
from surveys.repo import public as repo
from surveys.service import observations as service
from surveys.service.public import CELL_M
from tests.surveys.test_public import CENTRES, TO_WGS, _admin, _walk

OPS = ("submit", "publish", "hide", "pending", "correct", "delete", "flag", "unflag", "purge")

operation = st.tuples(
    st.sampled_from(OPS),
    st.integers(0, 10_000),  # which observation (modulo how many there are)
    st.integers(0, len(CENTRES) - 1),
    st.floats(-300, 300, allow_nan=False),
    st.floats(-300, 300, allow_nan=False),
    st.sampled_from(["visibilite", "entretien", "usages", None]),  # None: a GUSP report
    st.sampled_from([1, 8, 20, 40, 75, 400]),  # days ago
)


def _input(
    obs_id: uuid.UUID, walk: uuid.UUID, centre: int, dx: float, dy: float, theme: Any, days: int
) -> ObservationInput:
    lon, lat = TO_WGS.transform(CENTRES[centre][0] + dx, CENTRES[centre][1] + dy)
    gusp = theme is None
    return ObservationInput(
        id=obs_id,
        kind=Kind.GUSP if gusp else Kind.MARCHE,
        lon=lon,
        lat=lat,
        observed_at=datetime.now(UTC) - timedelta(days=days),
        walk_id=None if gusp else walk,
        theme=theme,
        rating=None if gusp else 1,
        category="proprete" if gusp else None,
        comment="texte",
    )


def _public_rows(conn: psycopg.Connection[Any], sql: str, delay: int) -> list[tuple[Any, ...]]:
    params = {
        "cell": CELL_M,
        "k": 2,
        "delay": delay,
        "published": "publiee",
        "demo": False,
        "kind": None,
        "theme": None,
        "terr": None,
    }
    rows = conn.execute(sql, params).fetchall()  # the polygon: text (maintained) or json (full)
    return [(*r[:-1], json.loads(r[-1]) if isinstance(r[-1], str) else r[-1]) for r in rows]


def test_the_grid_of_the_counts_is_the_public_grid(conn: psycopg.Connection[Any]) -> None:
    assert repo.cell_m(conn) == CELL_M


@hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=40))
def test_maintained_counts_equal_the_recount_after_any_sequence(
    client: TestClient, conn: psycopg.Connection[Any], ops: list[Any]
) -> None:
    conn.execute("TRUNCATE observations CASCADE")
    admin, config = _admin(conn), SurveyConfig()
    walk = _walk(conn, admin)
    ids: list[uuid.UUID] = []
    gusp: set[uuid.UUID] = set()
    for op, which, centre, dx, dy, theme, days in ops:
        if op == "submit" or not ids:
            new = _input(uuid.uuid4(), walk, centre, dx, dy, theme, days)
            service.submit(conn, admin, new, config)
            ids.append(new.id)
            if theme is None:
                gusp.add(new.id)
            continue
        target = ids[which % len(ids)]
        if op in ("publish", "hide", "pending"):
            state = {"publish": "publiee", "hide": "masquee", "pending": "en_attente"}[op]
            obs_repo.set_state(conn, target, "moderation", state)
        elif op == "correct":
            current = corrections.current_version(conn, target)
            assert current is not None
            kind_theme = None if target in gusp else (theme or "entretien")
            changed = _input(target, walk, centre, dx, dy, kind_theme, days)
            with conn.transaction():
                corrections.insert_version(
                    conn,
                    changed,
                    current.version + 1,
                    canonical.payload_hash(changed),
                    None,
                    admin.user_id,
                )
        elif op == "delete":
            corrections.delete(conn, target)
            ids.remove(target)
        elif op in ("flag", "unflag"):
            conn.execute(
                "UPDATE observation_versions SET deleted = %s WHERE observation_id = %s",
                (op == "flag", target),
            )
        else:  # the retention purge: points to their cell's centre, same cell
            privacy.purge(conn, 0, CELL_M)
    assert repo.maintained_counts(conn) == repo.recounted(conn)
    assert repo.maintained_totals(conn) == repo.retotalled(conn)
    for delay in (7, 30):
        assert _public_rows(conn, repo._GRID_COUNTS, delay) == _public_rows(
            conn, repo.GRID_COUNTS_FULL, delay
        )


def test_concurrent_publication_and_erasure_flag_keep_the_counts_exact(
    client: TestClient, conn: psycopg.Connection[Any], db_url: str
) -> None:
    conn.execute("TRUNCATE observations CASCADE")
    admin, config = _admin(conn), SurveyConfig()
    walk = _walk(conn, admin)
    ids = []
    for i in range(60):
        new = _input(uuid.uuid4(), walk, i % 3, 0.0, 0.0, "visibilite", 40)
        service.submit(conn, admin, new, config)
        ids.append(new.id)

    def publish() -> None:
        with connect(db_url, autocommit=True) as c:
            for obs_id in ids:
                obs_repo.set_state(c, obs_id, "moderation", "publiee")

    def flag() -> None:
        with connect(db_url, autocommit=True) as c:
            for obs_id in reversed(ids):
                c.execute(
                    "UPDATE observation_versions SET deleted = true WHERE observation_id = %s",
                    (obs_id,),
                )

    threads = [threading.Thread(target=publish), threading.Thread(target=flag)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert repo.maintained_counts(conn) == repo.recounted(conn) == set()
    assert repo.maintained_totals(conn) == repo.retotalled(conn) == set()
    conn.execute("UPDATE observation_versions SET deleted = false")
    assert repo.maintained_counts(conn) == repo.recounted(conn)
    assert repo.maintained_totals(conn) == repo.retotalled(conn)
    assert sum(row[-1] for row in repo.recounted(conn)) == 60
