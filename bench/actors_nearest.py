"""How fast does ``GET /api/actors/nearest`` answer over HTTP on this machine?

Starts a throw-away PostgreSQL cluster, prepares it like ``cartegalite serve`` (migrations, the
real QPV), imports the 101 real actors of ``../shared/data/actors`` with the real importer,
optionally adds synthetic actors (copies of the real ones at random positions in
Loire-Atlantique, source ``synthetic-bench``) to see the KNN index at scale, runs the real app
under uvicorn in a separate process and drives it with ``wrk`` (a Lua script drawing a random
position in Nantes Métropole and one of three queries per request: the 10 nearest; the 3
nearest handling a discrimination in employment; the 5 nearest open now). Prints requests/s
and p50/p99 latency, plus the time of the KNN query inside PostgreSQL.

    .venv/bin/python bench/actors_nearest.py [--synthetic 0 10000 100000] [--seconds 10]
        [--connections 1 16] [--workers 1 2]

``wrk`` comes with ``bash scripts/setup.sh --bench``; without it a Python client (threads,
keep-alive) is used. Client and server share the machine's cores: figures are a floor.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actors.importer import import_file  # noqa: E402
from app import bootstrap  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.servers import free_port, uvicorn_process  # noqa: E402
from geo.localdb import LocalCluster  # noqa: E402
from geo.postgis import connect  # noqa: E402

ENVELOPE = (-1.82, 47.09, -1.36, 47.35)  # inside the nantes-metropole territory
MIX = {
    "plain": "limit=10",
    "discrimination": "limit=3&domain=emploi&discrimination=true",
    "open_now": "limit=5&open_now=true",
}
QUERIES = tuple(MIX.values())
LUA = r"""
local queries = {%(queries)s}
setup = function(thread) thread:set("seed", math.random(1, 1000000000)) end
init = function(args) math.randomseed(seed + os.time()) end
request = function()
  local lon = %(x0)f + math.random() * (%(x1)f - %(x0)f)
  local lat = %(y0)f + math.random() * (%(y1)f - %(y0)f)
  local q = queries[math.random(1, #queries)]
  return wrk.format("GET", string.format("/api/actors/nearest?lon=%%.6f&lat=%%.6f&%%s",
    lon, lat, q))
end
"""
SYNTHETIC = """
WITH t AS (SELECT row_number() OVER (ORDER BY id) - 1 AS i, a.* FROM actor a),
     n AS (SELECT count(*) AS c FROM t)
INSERT INTO actor (source, source_id, nom, actor_type, grounds, domains, publics, networks,
                   horaires_accueil, hours_text, hours_origin, telephone, derived_fields,
                   search_text, commune_key, geom)
SELECT 'synthetic-bench', 'syn-' || g, 'Lieu synthétique ' || g, t.actor_type, t.grounds,
       t.domains, t.publics, t.networks, t.horaires_accueil, t.hours_text, t.hours_origin,
       t.telephone, t.derived_fields, '', '',
       ST_SetSRID(ST_MakePoint(-2.55 + random() * 1.6, 46.9 + random() * 0.95), 4326)
FROM generate_series(1, %(n)s) g JOIN t ON t.i = g %% (SELECT c FROM n)
"""
KNN = """
EXPLAIN (ANALYZE, FORMAT JSON)
SELECT id, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography)
FROM actor
WHERE visibility = 'public' AND status = 'active'
ORDER BY geom::geography <-> ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography
LIMIT 20
"""


def prepare(url: str, synthetic: int) -> int:
    """Migrations + QPV (as ``serve``), the real actors, synthetic ones; returns the count."""
    bootstrap.prepare(Settings.from_env({**os.environ, "DATABASE_URL": url}), url)
    with connect(url, autocommit=True) as conn:
        summary = import_file(
            conn, ROOT.parent / "shared" / "data" / "actors" / "actors_dep44.geojson"
        )
        print(f"real actors imported: {summary.inserted} ({len(summary.rejected)} rows refused)")
        if synthetic:
            conn.execute(SYNTHETIC, {"n": synthetic})
        conn.execute("ANALYZE actor")
        row = conn.execute("SELECT count(*) FROM actor").fetchone()
    return int(row[0]) if row else 0


def knn_in_db(url: str, samples: int = 200) -> float:
    """Median execution time (ms) of the KNN-20 query inside PostgreSQL."""
    import random

    rng = random.Random(1)
    times = []
    with psycopg.connect(url) as conn:
        for _ in range(samples):
            lon = rng.uniform(ENVELOPE[0], ENVELOPE[2])
            lat = rng.uniform(ENVELOPE[1], ENVELOPE[3])
            plan = conn.execute(KNN, {"lon": lon, "lat": lat}).fetchone()
            assert plan is not None
            times.append(float(plan[0][0]["Execution Time"]))
            uses_index = "actor_geog_idx" in str(plan[0])
    print(f"  KNN plan uses actor_geog_idx: {uses_index}")
    return statistics.median(times)


def run_wrk(
    base: str, seconds: int, connections: int, queries: tuple[str, ...] = QUERIES
) -> dict[str, float]:
    script = LUA % {
        "queries": ", ".join(f'"{q}"' for q in queries),
        "x0": ENVELOPE[0],
        "y0": ENVELOPE[1],
        "x1": ENVELOPE[2],
        "y1": ENVELOPE[3],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            f.name,
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(f.name)
    return {
        "req_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),  # type: ignore[union-attr]
        "errors": float(len(re.findall(r"Non-2xx|Socket errors", out))),
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_python(
    base: str, seconds: int, connections: int, queries: tuple[str, ...] = QUERIES
) -> dict[str, float]:
    """Fallback client: ``connections`` threads with keep-alive, for ``seconds``."""
    import random

    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        with httpx2.Client(base_url=base, timeout=10) as client:
            while time.monotonic() < stop:
                lon = rng.uniform(ENVELOPE[0], ENVELOPE[2])
                lat = rng.uniform(ENVELOPE[1], ENVELOPE[3])
                t0 = time.perf_counter()
                r = client.get(
                    f"/api/actors/nearest?lon={lon:.6f}&lat={lat:.6f}&{rng.choice(queries)}"
                )
                dt = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(dt)
                    failures[0] += r.status_code != 200

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "req_s": len(latencies) / seconds,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
        "errors": float(failures[0]),
    }


def check_answers(base: str) -> None:
    """One request of each kind must answer 200 with features ordered by distance."""
    for query in QUERIES:
        body = httpx2.get(f"{base}/api/actors/nearest?lon=-1.5536&lat=47.2184&{query}").json()
        distances = [f["properties"]["distance_m"] for f in body["features"]]
        assert distances == sorted(distances), query


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, nargs="+", default=[0, 10_000, 100_000])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument(
        "--queries",
        nargs="+",
        choices=sorted(MIX),
        default=sorted(MIX),
        help="which requests to draw from (default: the three, equally)",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} — {platform.platform()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}; client: {'wrk' if shutil.which('wrk') else 'python'}"
    )
    print(f"queries: {', '.join(args.queries)}; « open now » evaluated at the time of the run")
    root = Path(tempfile.mkdtemp(prefix="cartegalite-bench-actors-"))
    root.chmod(0o755)
    cluster = LocalCluster(root=root, port=free_port(), fast=True)
    cluster.start()
    rows = []
    try:
        for extra in args.synthetic:
            name = f"bench_{extra}"
            cluster.create_database(name)
            url = cluster.url(name)
            total = prepare(url, extra)
            in_db = knn_in_db(url)
            for workers in args.workers:
                env = {"DATABASE_URL": url, "CARTEGALITE_POOL_MAX": "20"}
                with uvicorn_process(
                    "api.main:app_from_env", env, workers, ready_path="/health", name="nearest"
                ) as base:
                    check_answers(base)
                    runner = run_wrk if shutil.which("wrk") else run_python
                    for connections in args.connections:
                        queries = tuple(MIX[q] for q in args.queries)
                        result = runner(base, args.seconds, connections, queries)
                        rows.append((total, workers, connections, in_db, result))
                        print(
                            f"{total:>7} actors, {workers} worker(s), {connections} connection(s):"
                            f" {result['req_s']:.0f} req/s, p50 {result['p50']:.1f} ms, "
                            f"p99 {result['p99']:.1f} ms (KNN in PostgreSQL: {in_db:.2f} ms)"
                        )
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
    print(
        "\n| actors | workers | connections | req/s | p50 (ms) | p99 (ms) "
        "| KNN-20 in PostgreSQL (ms) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for total, workers, connections, in_db, r in rows:
        print(
            f"| {total} | {workers} | {connections} | {r['req_s']:.0f} | {r['p50']:.1f} "
            f"| {r['p99']:.1f} | {in_db:.2f} |"
        )


if __name__ == "__main__":
    main()
