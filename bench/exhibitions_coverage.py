"""Benchmark of the exhibitions coverage on the real collèges of Nantes Métropole.

Starts a throw-away PostgreSQL + PostGIS cluster (like the tests), imports the 19 QPV 2015 and
the 76 collèges of ``../shared/data``, books showings over three school years, then times:
the coverage query (service), the JSON and CSV endpoints and the page (Folium build included).

    .venv/bin/python bench/exhibitions_coverage.py [--showings 300] [--runs 200]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from app.settings import PROJECT_ROOT, Settings
from exhibitions import repo, service
from exhibitions.annuaire import read_schools
from exhibitions.models import SchoolYear, ShowingInput
from geo import qpv
from geo.localdb import LocalCluster
from geo.migrate import migrate
from geo.postgis import connect

SHARED = Path(os.environ.get("CARTEGALITE_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))
TOKEN = "cg_bench-admin-token-0123456789abcdef"


def timed(label: str, runs: int, fn: Callable[[], Any]) -> None:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    print(f"{label:<44} p50 {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms   n={runs}")


def load(conn: Any, showings: int) -> None:
    with conn.transaction():
        qpv.upsert(conn, qpv.read_qpv(SHARED / "qpv" / "qpv_2015_dep44.geojson"))
    started = time.perf_counter()
    read = read_schools(
        SHARED / "schools" / "colleges_dep44.geojson",
        education_prioritaire=SHARED
        / "schools"
        / "education_prioritaire_colleges_publics_dep44.csv",
    )
    report = service.import_schools(conn, read, "nantes-metropole")
    took = (time.perf_counter() - started) * 1000
    print(
        f"import colleges_dep44 (175 read, {report.kept} kept, {len(report.outside)} outside)"
        f"  {took:.0f} ms"
    )
    with conn.transaction():
        expo = repo.insert_exhibition(
            conn,
            {
                "title": "Bench",
                "partner": None,
                "themes": ("origine",),
                "age_min": None,
                "age_max": None,
                "description": None,
            },
            99,
            None,
        )
    uais = [r[0] for r in conn.execute("SELECT uai FROM school ORDER BY uai")]
    rng = random.Random(5)
    first = SchoolYear(2023).start
    for i in range(showings):  # copies never overlap: each copy moves every two weeks
        copy, slot = 1 + i % 99, i // 99
        start = first + timedelta(days=14 * slot + rng.randrange(3))
        repo.insert_showing(
            conn,
            ShowingInput(expo, copy, rng.choice(uais), start, start + timedelta(days=10), 3, 70),
            None,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--showings", type=int, default=300)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print(
        f"{platform.node()} — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    root = Path(tempfile.mkdtemp(prefix="cartegalite-bench-pg-"))
    root.chmod(0o755)
    cluster = LocalCluster(root=root, port=54399, fast=True)
    try:
        cluster.start()
        cluster.create_database("bench")
        url = cluster.url("bench")
        with connect(url, autocommit=True) as conn:
            migrate(conn)
            load(conn, args.showings)
            year = SchoolYear(2025)
            timed(
                "coverage query (service, 76 schools, 15 QPV)",
                args.runs,
                lambda: service.coverage(conn, "nantes-metropole", 2015, year, 500),
            )
        settings = Settings(database_url=url, env="test", admin_token=TOKEN, tile_url=None)
        with TestClient(create_app(settings)) as client:
            query = "school_year=2025-2026&generation=2015"
            for label, path in [
                ("GET /api/exhibitions/coverage", "/api/exhibitions/coverage"),
                ("GET /api/exhibitions/coverage.csv", "/api/exhibitions/coverage.csv"),
                ("GET /expositions/couverture (page)", "/expositions/couverture"),
            ]:
                timed(label, max(20, args.runs // 4), lambda p=path: client.get(f"{p}?{query}"))  # type: ignore[misc]
            size = len(client.get(f"/expositions/couverture?{query}").content)
            print(f"page size {size / 1024:.0f} KiB with {args.showings} showings")
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
