"""Fixtures of the directory tests: the shared real actors imported once into a template
database (cloned for each test that needs them), and a client on such a clone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from actors.importer import import_file
from actors.models import ImportSummary
from api.main import create_app
from app.settings import Settings
from geo.localdb import LocalCluster
from geo.postgis import connect
from tests.conftest import ADMIN_TOKEN, clone_database, drop_database

ACTORS_TEMPLATE = "cg_actors_template"


@pytest.fixture(scope="session")
def actors_file(shared_data: Path) -> Path:
    path = shared_data / "actors" / "actors_dep44.geojson"
    if not path.is_file():
        pytest.fail(f"shared actors file not found: {path}")
    return path


@pytest.fixture(scope="session")
def actors_import(pg_cluster: LocalCluster, template_db: str, actors_file: Path) -> ImportSummary:
    """Template with the migrated schema, the QPV and the 101 shared actors imported."""
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{ACTORS_TEMPLATE}" TEMPLATE "{template_db}"')
    with connect(pg_cluster.url(ACTORS_TEMPLATE), autocommit=True) as conn:
        return import_file(conn, actors_file)


@pytest.fixture
def actors_db_url(pg_cluster: LocalCluster, actors_import: ImportSummary) -> Iterator[str]:
    """A fresh clone of the template holding the imported actors."""
    name = clone_database(pg_cluster, ACTORS_TEMPLATE)
    try:
        yield pg_cluster.url(name)
    finally:
        drop_database(pg_cluster, name)


@pytest.fixture
def actors_conn(actors_db_url: str) -> Iterator[psycopg.Connection[Any]]:
    with connect(actors_db_url, autocommit=True) as c:
        yield c


@pytest.fixture
def actors_settings(actors_db_url: str) -> Settings:
    return Settings(
        database_url=actors_db_url, env="test", admin_token=ADMIN_TOKEN, tile_url=None, pool_max=5
    )


@pytest.fixture
def settings(actors_settings: Settings) -> Settings:
    """In this directory the app (``client``, ``live_server``, ``page``) runs on the clone
    holding the imported actors."""
    return actors_settings


@pytest.fixture
def actors_client(actors_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(actors_settings)) as c:
        yield c
