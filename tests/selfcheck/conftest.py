"""Fixtures of the self-check tests: a template database holding the real actors of
``../shared/data`` (imported once per session; each test gets a fresh clone), the app on it,
and the QPV of Malakoff read from the shared file without the application's code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import shape

from actors.importer import import_file
from api.main import create_app
from app.settings import Settings
from geo.localdb import LocalCluster
from geo.postgis import connect
from selfcheck.models import Config
from tests.conftest import ADMIN_TOKEN, clone_database, drop_database

SELFCHECK_TEMPLATE = "cg_selfcheck_template"
MALAKOFF = "QP044013"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="session")
def selfcheck_template(pg_cluster: LocalCluster, template_db: str, shared_data: Path) -> str:
    """Migrated schema + the QPV + the shared actors (the directory the self-check orients to)."""
    path = shared_data / "actors" / "actors_dep44.geojson"
    if not path.is_file():
        pytest.fail(f"shared actors file not found: {path}")
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{SELFCHECK_TEMPLATE}" TEMPLATE "{template_db}"')
    with connect(pg_cluster.url(SELFCHECK_TEMPLATE), autocommit=True) as conn:
        import_file(conn, path)
    return SELFCHECK_TEMPLATE


@pytest.fixture
def sc_db_url(pg_cluster: LocalCluster, selfcheck_template: str) -> Iterator[str]:
    name = clone_database(pg_cluster, selfcheck_template)
    try:
        yield pg_cluster.url(name)
    finally:
        drop_database(pg_cluster, name)


@pytest.fixture
def sc_conn(sc_db_url: str) -> Iterator[psycopg.Connection[Any]]:
    with connect(sc_db_url, autocommit=True) as c:
        yield c


@pytest.fixture
def settings(sc_db_url: str) -> Settings:
    """In this directory the app (``client``, ``live_server``, ``page``) runs on a clone that
    holds the imported actors."""
    return Settings(
        database_url=sc_db_url, env="test", admin_token=ADMIN_TOKEN, tile_url=None, pool_max=5
    )


@pytest.fixture
def sc_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def config() -> Config:
    return Config(territory="nantes-metropole", generation=2015, min_count=5, group_min_count=3)


@pytest.fixture(scope="session")
def malakoff_centroid(shared_data: Path) -> tuple[float, float]:
    """Centroid of the Malakoff QPV computed with shapely from the shared file."""
    features = json.loads((shared_data / "qpv" / "qpv_2015_dep44.geojson").read_text())
    for feature in features["features"]:
        if feature["properties"]["code_qp"] == MALAKOFF:
            c = shape(feature["geometry"]).centroid
            return (c.x, c.y)
    pytest.fail("Malakoff (QP044013) not in the shared QPV file")


def staff(client: TestClient, role: str, login: str) -> dict[str, str]:
    """Headers of a new staff account."""
    response = client.post("/api/users", json={"login": login, "role": role}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
