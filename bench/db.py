"""The benchmark database: its own cluster under var/bench (or BENCH_DATABASE_URL), never the
user's database."""

from __future__ import annotations

import os
from pathlib import Path

from geo.localdb import LocalCluster, reachable_root
from geo.migrate import migrate
from geo.postgis import connect

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "cartegalite_bench"
PORT = int(os.environ.get("BENCH_PGPORT", "54339"))


def cluster() -> LocalCluster:
    root = reachable_root(ROOT)  # var/pg or its reachable substitute
    return LocalCluster(root=root.parent / "bench-pg", port=PORT)


def database_url() -> str:
    """BENCH_DATABASE_URL when set, else the bench cluster (started, database created, migrated).

    Refuses to run on the run database (DATABASE_URL) by construction: it never reads it.
    """
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        c = cluster()
        c.start()
        c.create_database(DB_NAME)
        url = c.url(DB_NAME)
    with connect(url, autocommit=True) as conn:
        migrate(conn)
        conn.execute("ALTER SYSTEM SET synchronous_commit = on")  # durable commits, as deployed
        conn.execute("SELECT pg_reload_conf()")
    return url
