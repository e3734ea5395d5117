"""The pool's checkout check: a dead connection is replaced, a live one costs no round trip."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from geo.postgis import check_idle, connect, make_pool


def _last_query(conn: psycopg.Connection[Any], pid: int) -> str:
    row = conn.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
    assert row is not None
    return str(row[0])


@pytest.mark.parametrize(
    ("check", "round_trip"), [(check_idle, False), (ConnectionPool.check_connection, True)]
)
def test_check_idle_passes_a_live_connection_without_a_round_trip(
    db_url: str, conn: psycopg.Connection[Any], check: Any, round_trip: bool
) -> None:
    with connect(db_url, autocommit=True) as live:
        live.execute("SELECT 'marker'")
        check(live)
        last = _last_query(conn, live.info.backend_pid)
        # psycopg's own check sends an empty query (the server's last query becomes "")
        assert (last == "") is round_trip and (last == "SELECT 'marker'") is not round_trip


def test_check_idle_refuses_a_terminated_backend(
    db_url: str, conn: psycopg.Connection[Any]
) -> None:
    with connect(db_url, autocommit=True) as victim:
        pid = victim.info.backend_pid
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        time.sleep(0.2)  # the notice reaches the socket
        with pytest.raises(psycopg.OperationalError):
            check_idle(victim)


def test_pool_replaces_connections_whose_backend_died(
    db_url: str, conn: psycopg.Connection[Any]
) -> None:
    pool = make_pool(db_url, min_size=2, max_size=2)
    pool.open(wait=True)
    try:
        with pool.connection() as a, pool.connection() as b:
            pids = {a.info.backend_pid, b.info.backend_pid}
        for pid in pids:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        time.sleep(0.2)
        for _ in range(4):  # every checkout works: dead ones are detected and replaced
            with pool.connection() as c:
                assert c.execute("SELECT 1").fetchone() == (1,)
                assert c.info.backend_pid not in pids
    finally:
        pool.close()
