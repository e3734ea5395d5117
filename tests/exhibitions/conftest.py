"""Fixtures of the exhibitions tests: a session template holding the 76 real collèges of Nantes
Métropole (with their REP/REP+ status) on top of the QPV template, cloned for each test, and
helpers to create accounts and exhibitions through the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from exhibitions import service
from exhibitions.annuaire import read_schools
from geo.localdb import LocalCluster
from geo.postgis import connect
from tests.conftest import clone_database, drop_database

SCHOOLS_TEMPLATE = "cg_exh_template"
DEBUSSY = "0440286X"
BELLEVUE = "QP044005"


@pytest.fixture(scope="session")
def schools_dir(shared_data: Path) -> Path:
    path = shared_data / "schools"
    if not (path / "colleges_dep44.geojson").exists():
        pytest.fail(f"shared collèges not found in {path}")
    return path


@pytest.fixture(scope="session")
def schools_template(pg_cluster: LocalCluster, template_db: str, schools_dir: Path) -> str:
    """The QPV template plus the collèges of ``colleges_nantes_metropole.geojson`` joined with
    the éducation prioritaire list, imported once for the session."""
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(SCHOOLS_TEMPLATE), sql.Identifier(template_db)
            )
        )
    read = read_schools(
        schools_dir / "colleges_nantes_metropole.geojson",
        education_prioritaire=schools_dir / "education_prioritaire_colleges_publics_dep44.csv",
    )
    with connect(pg_cluster.url(SCHOOLS_TEMPLATE), autocommit=True) as conn:
        report = service.import_schools(conn, read, "nantes-metropole")
    assert report.inserted == 76
    return SCHOOLS_TEMPLATE


@pytest.fixture
def db_url(pg_cluster: LocalCluster, schools_template: str) -> Iterator[str]:
    """In this package the test database already holds the 76 collèges."""
    name = clone_database(pg_cluster, schools_template)
    try:
        yield pg_cluster.url(name)
    finally:
        drop_database(pg_cluster, name)


@pytest.fixture
def bare_conn(pg_cluster: LocalCluster, template_db: str) -> Iterator[psycopg.Connection[Any]]:
    """A database with the QPV but no school (for import tests)."""
    name = clone_database(pg_cluster, template_db)
    try:
        with connect(pg_cluster.url(name), autocommit=True) as c:
            yield c
    finally:
        drop_database(pg_cluster, name)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def make_user(
    client: TestClient, admin_headers: dict[str, str]
) -> Callable[[str, str], dict[str, str]]:
    """Create a staff account through the API; return its Authorization header."""

    def make(login: str, role: str) -> dict[str, str]:
        resp = client.post("/api/users", json={"login": login, "role": role}, headers=admin_headers)
        assert resp.status_code == 201, resp.text
        return bearer(resp.json()["token"])

    return make


@pytest.fixture
def make_exhibition(
    client: TestClient, admin_headers: dict[str, str]
) -> Callable[..., dict[str, Any]]:
    """Create an exhibition through the API (as admin); return its JSON."""

    def make(
        title: str = "Ma terre est ma couleur", copies: int = 2, **extra: Any
    ) -> dict[str, Any]:
        body = {"title": title, "partner": "MRAP", "themes": ["racisme"], "copies": copies, **extra}
        resp = client.post("/api/exhibitions", json=body, headers=admin_headers)
        assert resp.status_code == 201, resp.text
        return dict(resp.json())

    return make
