"""The migration runner on a real, empty PostGIS database."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest

from geo.localdb import LocalCluster
from geo.migrate import MigrationError, available, migrate
from geo.postgis import connect
from tests.conftest import drop_database


@pytest.fixture
def empty_db(pg_cluster: LocalCluster) -> Any:
    name = "t_empty_migrate"
    drop_database(pg_cluster, name)
    pg_cluster.create_database(name)
    yield pg_cluster.url(name)
    drop_database(pg_cluster, name)


def test_migrations_apply_on_empty_database_and_are_idempotent(empty_db: str) -> None:
    with connect(empty_db, autocommit=True) as conn:
        applied = migrate(conn)
        assert [m.version for m in applied] == [m.version for m in available()]
        assert migrate(conn) == []
        rows = conn.execute("SELECT version, checksum FROM schema_migrations ORDER BY 1").fetchall()
        assert [(v, c) for v, c in rows] == [(m.version, m.checksum) for m in available()]
        assert conn.execute(
            "SELECT extversion FROM pg_extension WHERE extname='postgis'"
        ).fetchone()
        columns = {
            r[0]: r[1]
            for r in conn.execute(
                "SELECT f_geometry_column, type FROM geometry_columns WHERE f_table_name = 'qpv'"
            )
        }
        assert columns == {"geom": "MULTIPOLYGON", "geom_l93": "MULTIPOLYGON"}


def test_concurrent_runners_apply_each_migration_once(empty_db: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with connect(empty_db, autocommit=True) as conn:
                migrate(conn)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(empty_db) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT version) FROM schema_migrations"
        ).fetchone()
    assert row == (len(available()), len(available()))


def test_changed_migration_is_refused(empty_db: str) -> None:
    with connect(empty_db, autocommit=True) as conn:
        migrate(conn)
        conn.execute("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1")
        with pytest.raises(MigrationError, match="changed after being applied"):
            migrate(conn)


def test_unique_code_and_generation(conn: psycopg.Connection[Any]) -> None:
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute(
            "INSERT INTO qpv (code, generation, name, source, geom) "
            "SELECT code, generation, name, source, geom FROM qpv WHERE code = 'QP044005'"
        )


def test_invalid_geometry_cannot_be_stored(conn: psycopg.Connection[Any]) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO qpv (code, generation, name, source, geom) VALUES "
            "('QP044099', 2015, 'X', 'test', "
            "ST_Multi(ST_GeomFromText('POLYGON((0 0,1 1,1 0,0 1,0 0))', 4326)))"
        )
