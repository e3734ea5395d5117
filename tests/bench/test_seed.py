"""``cartegalite bench seed`` on a few hundred rows produces valid data (the benchmark itself is
not run by the tests)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from actors.importer import import_file
from bench.observations_gen import SLOT_HOURS
from bench.seed import Plan, seed, seeded_plan
from surveys.canonical import payload_hash
from surveys.grid import grid
from surveys.models import Kind, ObservationInput

PARIS = ZoneInfo("Europe/Paris")


def _indexes(conn: psycopg.Connection[Any]) -> set[str]:
    rows = conn.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename IN "
        "('observations', 'observation_versions', 'actor')"
    ).fetchall()
    return {r[0] for r in rows}


def _observations(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    cur = conn.execute(
        """
        SELECT o.id, o.kind, o.walk_id, o.participant_id, o.author_user_id, o.payload_hash,
               v.geom IS NOT NULL AS has_geom, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat,
               v.observed_at, v.theme, v.items, v.rating, v.feeling, v.works_well, v.comment,
               v.proposal, v.category, v.qpv_codes, w.time_slot, w.walk_date,
               ARRAY(SELECT q.code FROM qpv q WHERE ST_Intersects(q.geom, v.geom)
                     ORDER BY q.generation, q.code) AS oracle_qpv,
               ST_Intersects(t.geom, v.geom) AS in_territory
        FROM observations o
        JOIN observation_versions v ON v.observation_id = o.id AND v.version = o.current_version
        LEFT JOIN walks w ON w.id = o.walk_id
        JOIN territory t ON t.id = 'nantes-metropole'
        """
    )
    names = [d.name for d in cur.description or ()]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_seed_produces_valid_plausible_data(
    conn: psycopg.Connection[Any], shared_data: Path
) -> None:
    import_file(conn, shared_data / "actors" / "actors_dep44.geojson")  # the templates
    indexes_before = _indexes(conn)
    plan = Plan(observations=300, actors=40, seed=7)
    counts = seed(conn, plan)
    assert _indexes(conn) == indexes_before  # dropped for the load, re-created identical
    assert counts["observations"] == 300 and counts["actors"] == 40
    assert counts["walks"] == 300 // plan.per_walk
    assert seeded_plan(conn) == plan
    g = grid()
    now = datetime.now(UTC)
    rows = _observations(conn)
    assert len(rows) == 300
    assert {r["kind"] for r in rows} == {"marche", "gusp"}
    for r in rows:
        assert r["in_territory"]
        assert list(r["qpv_codes"]) == list(r["oracle_qpv"])  # as the app attributes them
        assert now - timedelta(days=plan.days) <= r["observed_at"] <= now - timedelta(days=7)
        assert r["feeling"] in (0, 1, 2, 3)
        assert (r["participant_id"] is None) != (r["author_user_id"] is None)
        if r["kind"] == "marche":
            assert r["walk_id"] is not None and r["category"] is None
            assert set(r["items"]) <= set(g.principle(r["theme"]).item_codes)
            assert r["rating"] in (0, 1, 2, 3)
        else:
            assert r["theme"] is None and r["category"] in g.category_codes
        if r["walk_id"] is not None:
            local = r["observed_at"].astimezone(PARIS)
            start, hours = SLOT_HOURS[r["time_slot"]]
            assert local.date() == r["walk_date"]
            assert start <= local.hour < start + hours
        replay = ObservationInput(
            id=uuid.UUID(str(r["id"])),
            kind=Kind(r["kind"]),
            lon=r["lon"],
            lat=r["lat"],
            observed_at=r["observed_at"],
            walk_id=r["walk_id"],
            theme=r["theme"],
            items=tuple(r["items"]),
            rating=r["rating"],
            feeling=r["feeling"],
            works_well=r["works_well"],
            comment=r["comment"],
            proposal=r["proposal"],
            category=r["category"],
        )
        assert bytes(r["payload_hash"]) == payload_hash(replay)  # an API replay is a duplicate
    assert any(r["qpv_codes"] for r in rows) and any(not r["qpv_codes"] for r in rows)
    actors = conn.execute(
        "SELECT count(*), bool_and(ST_X(geom) BETWEEN -1.78 AND -1.38), "
        "bool_and(nom LIKE '%%banc d''essai%%'), count(DISTINCT actor_type) "
        "FROM actor WHERE source = 'bench-synthetique'"
    ).fetchone()
    assert actors is not None and actors[0] == 40 and actors[1] and actors[2] and actors[3] > 1
