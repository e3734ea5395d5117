"""Benchmark of the planners' safety map with many observations.

Seeds ``n`` synthetic walk observations (10 % of them GUSP issues) around the QPV of Nantes
Métropole into a throw-away PostgreSQL + PostGIS (or ``--database-url``), then times, for the
same points:

- **ours**: ``GET /cartes/securite`` through the real app (staff token; PostGIS aggregation,
  compact marker layers, heat map, tables), build + serve, and the HTML size;
- **naive**: the same walk observations fetched and drawn as one Folium ``CircleMarker`` each
  (with a tooltip), built and rendered the usual way.

    .venv/bin/python bench/maps_safety.py [--n 100000] [--repetitions 3] [--database-url URL]

``measure(n_observations, repetitions)`` returns the figures as a dict (used by ``make bench``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from api.main import create_app  # noqa: E402
from app.settings import PROJECT_ROOT, Settings  # noqa: E402
from geo import qpv  # noqa: E402
from geo.localdb import LocalCluster  # noqa: E402
from geo.migrate import migrate  # noqa: E402
from geo.postgis import connect  # noqa: E402
from maps.render import base_map, render_html  # noqa: E402

SHARED = Path(os.environ.get("CARTEGALITE_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))
TOKEN = "cg_bench-admin-token-0123456789abcdef"
OBSERVATIONS_PER_WALK = 500

_WALKS = """
WITH fac AS (
    INSERT INTO users (login, role) VALUES ('bench.animation', 'facilitator')
    ON CONFLICT (login) DO UPDATE SET role = EXCLUDED.role RETURNING id
), q AS (
    SELECT row_number() OVER (ORDER BY code) - 1 AS k, code,
           ST_Transform(ST_PointOnSurface(geom), 2154) AS c
    FROM qpv WHERE generation = 2015
      AND ST_Intersects(geom, (SELECT geom FROM territory WHERE id = %(territory)s))
), nq AS (SELECT count(*) AS n FROM q)
INSERT INTO walks (title, walk_date, time_slot, territory, qpv_codes, women_only, geom,
                   invite_code, facilitator_id, created_by)
SELECT 'Marche de banc d''essai ' || i, current_date - 8 - (i %% 300),
       (ARRAY['jour', 'soiree', 'nuit'])[1 + (i / nq.n) %% 3], %(territory)s, ARRAY[q.code],
       (i / nq.n / 3) %% 2 = 0,
       ST_Transform(ST_MakeLine(ARRAY[ST_Translate(q.c, -150, -50), q.c,
                                      ST_Translate(q.c, 150, 60)]), 4326),
       lpad(upper(to_hex(i)), 8, '0'), fac.id, fac.id
FROM generate_series(1, %(walks)s) AS i, fac, nq JOIN q ON TRUE
WHERE q.k = i %% nq.n
"""

_OBSERVATIONS = (
    """
CREATE TEMP TABLE bench_obs ON COMMIT DROP AS
WITH w AS (
    SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, facilitator_id,
           ST_Transform(ST_LineInterpolatePoint(geom, 0.5), 2154) AS c
    FROM walks WHERE title LIKE 'Marche de banc d''essai %%'
), nw AS (SELECT count(*) AS n FROM w)
SELECT gen_random_uuid() AS id, w.id AS walk_id, w.facilitator_id AS uid,
       ST_Transform(ST_Translate(w.c,
           250 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()),
           250 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())), 4326) AS geom,
       now() - make_interval(days => 8 + (i %% 600)) AS observed_at,
       (ARRAY['reperage', 'visibilite', 'animation', 'aide', 'entretien', 'usages'])
           [1 + (i * 7) %% 6] AS theme,
       (i * 13) %% 4 AS rating, (i * 17) %% 4 AS feeling,
       CASE WHEN i %% 10 = 0 THEN 'gusp' ELSE 'marche' END AS kind
FROM generate_series(1, %(n)s) AS i, nw JOIN w ON TRUE
WHERE w.k = i %% nw.n
""",
    """
INSERT INTO observations (id, kind, walk_id, author_user_id, payload_hash, moderation, followup)
SELECT id, kind, walk_id, uid, sha256(id::text::bytea), 'publiee',
       CASE WHEN kind = 'gusp'
            THEN (ARRAY['nouveau', 'transmis', 'resolu'])[1 + abs(hashtext(id::text)) %% 3]
            ELSE 'hors_suivi' END
FROM bench_obs
""",
    """
INSERT INTO observation_versions (observation_id, version, geom, observed_at, theme, rating,
                                  feeling, comment, category, qpv_codes, author_user_id)
SELECT o.id, 1, o.geom, o.observed_at,
       CASE WHEN o.kind = 'marche' THEN o.theme END,
       CASE WHEN o.kind = 'marche' THEN o.rating END,
       CASE WHEN o.kind = 'marche' THEN o.feeling END,
       'Observation de synthèse n° ' || left(o.id::text, 8),
       CASE WHEN o.kind = 'gusp' THEN 'eclairage_panne' END,
       ARRAY(SELECT q.code FROM qpv q WHERE ST_Intersects(q.geom, o.geom)), o.uid
FROM bench_obs o
""",
)


def seed(conn: Any, n: int, territory: str = "nantes-metropole") -> float:
    """Insert ``n`` synthetic observations (one walk per 500, all published); seconds taken."""
    started = time.perf_counter()
    with conn.transaction():
        conn.execute("SELECT setseed(0.44)")
        walks = max(1, n // OBSERVATIONS_PER_WALK)
        conn.execute(_WALKS, {"territory": territory, "walks": walks})
        for statement in _OBSERVATIONS:
            conn.execute(statement, {"n": n})
    conn.execute("ANALYZE observations")
    conn.execute("ANALYZE observation_versions")
    return time.perf_counter() - started


def naive_map(conn: Any) -> str:
    """The reference: every walk observation as its own Folium CircleMarker with a tooltip."""
    rows = conn.execute(
        "SELECT ST_Y(geom), ST_X(geom), theme, rating FROM observation_current "
        "WHERE theme IS NOT NULL ORDER BY observed_at"
    ).fetchall()
    m = base_map("Carte naïve", None, None)
    colours = ("#b2182b", "#ef8a62", "#67a9cf", "#2166ac")
    for lat, lon, theme, rating in rows:
        folium.CircleMarker(
            location=[lat, lon],
            radius=5,
            color=colours[rating],
            fill=True,
            tooltip=f"{theme} : {rating}",
        ).add_to(m)
    return render_html(m)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A private cluster in a temporary directory (fsync off), with the QPV of the département."""
    root = Path(tempfile.mkdtemp(prefix="cartegalite-bench-maps-"))
    root.chmod(0o755)
    cluster = LocalCluster(root=root, port=_free_port(), fast=True)
    cluster.start()
    try:
        cluster.create_database("bench_maps")
        url = cluster.url("bench_maps")
        with connect(url, autocommit=True) as conn:
            migrate(conn)
            with conn.transaction():
                qpv.upsert(conn, qpv.read_qpv(SHARED / "qpv" / "qpv_2015_dep44.geojson"))
        yield url
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def _timed(fn: Any, repetitions: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repetitions):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return samples, result


def measure(
    n_observations: int,
    repetitions: int = 3,
    database_url: str | None = None,
    naive_repetitions: int = 1,
) -> dict[str, Any]:
    """Seed ``n_observations`` and time the safety map against the naive map.

    Returns seconds (median, min, max) and bytes of both, the ratios, and the aggregation the
    safety map chose. ``database_url`` must point to an empty, throw-away database; without it
    a private cluster is started and removed.
    """
    if database_url is None:
        with throwaway_database() as url:
            return measure(n_observations, repetitions, url, naive_repetitions)
    with connect(database_url, autocommit=True) as conn:
        migrate(conn)
        seeded = seed(conn, n_observations)
    settings = Settings(database_url=database_url, env="test", admin_token=TOKEN, tile_url=None)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(settings)) as client:
        client.get("/cartes/securite", headers=headers)  # warm-up (pool, caches)

        def ours() -> bytes:
            resp = client.get("/cartes/securite", headers=headers)
            assert resp.status_code == 200, resp.text[:300]
            return resp.content

        ours_s, page = _timed(ours, repetitions)
        night_s, night = _timed(
            lambda: (
                client.get("/cartes/securite?qpv=QP044005&creneau=nuit", headers=headers).content
            ),
            repetitions,
        )
    with connect(database_url, autocommit=True) as conn:
        naive_s, naive = _timed(lambda: naive_map(conn).encode("utf-8"), naive_repetitions)
    grouped = "regroupées par carrés de " in page.decode("utf-8")
    return {
        "n_observations": n_observations,
        "seed_seconds": round(seeded, 2),
        "ours_seconds": _stats(ours_s),
        "ours_bytes": len(page),
        "bellevue_night_seconds": _stats(night_s),
        "bellevue_night_bytes": len(night),
        "naive_seconds": _stats(naive_s),
        "naive_bytes": len(naive),
        "speedup": round(statistics.median(naive_s) / statistics.median(ours_s), 1),
        "bytes_ratio": round(len(naive) / len(page), 1),
        "grouped": grouped,
    }


def _stats(samples: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(samples), 3),
        "min": round(min(samples), 3),
        "max": round(max(samples), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="observations to seed")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--naive-repetitions", type=int, default=1)
    parser.add_argument("--database-url", default=None, help="an empty throw-away database")
    args = parser.parse_args()
    from bench.machine import describe

    result = measure(args.n, args.repetitions, args.database_url, args.naive_repetitions)
    print(", ".join(f"{k}: {v}" for k, v in describe().items() if v))
    mb = 1024 * 1024
    print(f"observations: {result['n_observations']:,} (seeded in {result['seed_seconds']} s)")
    print(
        f"safety map (build + serve): {result['ours_seconds']['median']} s "
        f"({result['ours_seconds']['min']}–{result['ours_seconds']['max']}), "
        f"{result['ours_bytes'] / mb:.2f} MiB, grouped: {result['grouped']}"
    )
    print(
        f"Bellevue at night: {result['bellevue_night_seconds']['median']} s, "
        f"{result['bellevue_night_bytes'] / mb:.2f} MiB"
    )
    print(
        f"naive CircleMarker map: {result['naive_seconds']['median']} s, "
        f"{result['naive_bytes'] / mb:.2f} MiB"
    )
    print(f"→ {result['speedup']}× faster, {result['bytes_ratio']}× fewer bytes")


if __name__ == "__main__":
    main()
