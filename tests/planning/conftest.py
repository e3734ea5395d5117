"""Fixtures of the planning tests: a session template holding the QPV, the 101 real actors, the
76 real collèges of Nantes Métropole and a seeded year of walks, observations, GUSP issues,
actions and one exhibition showing (:mod:`tests.planning.seed`), cloned for each test.

The seeded records are returned as :class:`tests.planning.seed.Seeded`: the tests compute what
they expect from those records with plain Python, never with the app's SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from actors.importer import import_file
from exhibitions import service as exhibitions
from exhibitions.annuaire import read_schools
from geo.localdb import LocalCluster
from geo.postgis import connect
from tests.conftest import clone_database, drop_database
from tests.planning.seed import Seeded, seed

PLANNING_TEMPLATE = "cg_planning_template"


@pytest.fixture(scope="session")
def seeded(pg_cluster: LocalCluster, template_db: str, shared_data: Path) -> Seeded:
    """Build the template once: actors, collèges, then the seeded surveys data."""
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(PLANNING_TEMPLATE), sql.Identifier(template_db)
            )
        )
    schools = shared_data / "schools"
    with connect(pg_cluster.url(PLANNING_TEMPLATE), autocommit=True) as conn:
        import_file(conn, shared_data / "actors" / "actors_dep44.geojson")
        read = read_schools(
            schools / "colleges_nantes_metropole.geojson",
            education_prioritaire=schools / "education_prioritaire_colleges_publics_dep44.csv",
        )
        exhibitions.import_schools(conn, read, "nantes-metropole")
        return seed(conn)


@pytest.fixture
def db_url(pg_cluster: LocalCluster, seeded: Seeded) -> Iterator[str]:
    """In this package the test database holds the seeded data."""
    name = clone_database(pg_cluster, PLANNING_TEMPLATE)
    try:
        yield pg_cluster.url(name)
    finally:
        drop_database(pg_cluster, name)


@pytest.fixture
def planner(seeded: Seeded) -> dict[str, str]:
    return {"Authorization": f"Bearer {seeded.tokens['planner']}"}


@pytest.fixture
def facilitator(seeded: Seeded) -> dict[str, str]:
    return {"Authorization": f"Bearer {seeded.tokens['facilitator']}"}


def qpv_shapes(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    """The QPV 2015 polygons (shapely), read as WKB: the tests' own geometry."""
    import shapely

    return {
        code: shapely.from_wkb(bytes(wkb))
        for code, wkb in conn.execute(
            "SELECT code, ST_AsBinary(geom) FROM qpv WHERE generation = 2015"
        )
    }
