"""The benchmark database: its own cluster under var/bench-pg (or BENCH_DATABASE_URL), never the
user's database."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from geo.localdb import LocalCluster, reachable_root
from geo.migrate import migrate
from geo.postgis import connect

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "cartegalite_bench"
PORT = int(os.environ.get("BENCH_PGPORT", "54339"))
ADMIN_TOKEN = "cg_bench-admin-token-0123456789abcdef"
"""Admin token of the benchmark database only (bootstrapped by the app started on it)."""


def cluster() -> LocalCluster:
    root = reachable_root(ROOT)  # var/pg or its reachable substitute
    return LocalCluster(root=root.parent / "bench-pg", port=PORT)


def database_url(name: str = DB_NAME) -> str:
    """BENCH_DATABASE_URL when set, else the bench cluster (started, database created, migrated).

    Refuses to run on the run database (DATABASE_URL) by construction: it never reads it.
    """
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        url = with_database(url, name) if name != DB_NAME else url
    else:
        c = cluster()
        c.start()
        c.create_database(name)
        url = c.url(name)
    with connect(url, autocommit=True) as conn:
        migrate(conn)
        conn.execute("ALTER SYSTEM SET synchronous_commit = on")  # durable commits, as deployed
        conn.execute("SELECT pg_reload_conf()")
    return url


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def drop(url: str) -> None:
    """Drop the database of ``url`` (connected through the server's ``postgres`` database)."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def clone(url: str, template_url: str) -> str:
    """Create the database of ``url`` as a copy of the one of ``template_url``."""
    drop(url)
    name = urlsplit(url).path.lstrip("/")
    template = urlsplit(template_url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return url


def recreate(name: str = DB_NAME) -> str:
    """A fresh bench database prepared like ``cartegalite serve`` does (migrations, QPV of
    ``../shared``, the real actors and collèges, the bench admin token); returns its URL."""
    from app import bootstrap
    from app.settings import Settings

    url = database_url(name)
    drop(url)
    url = database_url(name)
    settings = Settings.from_env({"DATABASE_URL": url, "CARTEGALITE_ADMIN_TOKEN": ADMIN_TOKEN})
    bootstrap.prepare(settings, url)
    return url
