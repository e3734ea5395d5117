"""Shared fixtures: a throw-away PostgreSQL + PostGIS cluster for the whole session, a migrated
template database (with the real QPV of Loire-Atlantique imported), a fresh clone of it per test,
the app built on that clone, and the real data of ``../shared/data``.

Nothing here is mocked. A missing database or data file fails the suite; it never skips.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from api.main import create_app
from app.settings import PROJECT_ROOT, Settings
from geo import qpv
from geo.localdb import LocalCluster
from geo.migrate import migrate
from geo.postgis import connect

pytest_plugins = ["tests.browser", "tests.smtp"]

ADMIN_TOKEN = "cg_test-admin-token-0123456789abcdef"
TEMPLATE_DB = "cg_template"
SHARED_DATA = Path(
    os.environ.get("CARTEGALITE_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data")
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real open data; not committed)."""
    if not (SHARED_DATA / "qpv").is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA} (set CARTEGALITE_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[LocalCluster]:
    """A private cluster for this test session (fsync off), never the run cluster."""
    root = Path(tempfile.mkdtemp(prefix="cartegalite-test-pg-"))
    root.chmod(0o755)  # as root, the cluster belongs to 'postgres', which must reach it
    cluster = LocalCluster(root=root, port=free_port(), fast=True)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def template_db(pg_cluster: LocalCluster, shared_data: Path) -> str:
    """A database with every migration applied and the 19 QPV 2015 of Loire-Atlantique."""
    pg_cluster.create_database(TEMPLATE_DB)
    with connect(pg_cluster.url(TEMPLATE_DB), autocommit=True) as conn:
        migrate(conn)
        read = qpv.read_qpv(shared_data / "qpv" / "qpv_2015_dep44.geojson")
        with conn.transaction():
            qpv.upsert(conn, read)
    return TEMPLATE_DB


_counter = itertools.count()


def clone_database(cluster: LocalCluster, template: str) -> str:
    name = f"t_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return name


def drop_database(cluster: LocalCluster, name: str) -> None:
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def db_url(pg_cluster: LocalCluster, template_db: str) -> Iterator[str]:
    """URL of a fresh clone of the template, dropped after the test (real commits allowed)."""
    name = clone_database(pg_cluster, template_db)
    try:
        yield pg_cluster.url(name)
    finally:
        drop_database(pg_cluster, name)


@pytest.fixture
def conn(db_url: str) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection to the test's own database."""
    with connect(db_url, autocommit=True) as c:
        yield c


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(
        database_url=db_url,
        env="test",
        admin_token=ADMIN_TOKEN,
        tile_url=None,
        pool_max=20,
        public_cache_s=0,  # tests change data between requests; the cache has its own tests
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app on the test's database, lifespan included."""
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
