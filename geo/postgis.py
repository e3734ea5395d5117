"""PostgreSQL + PostGIS plumbing: connection pool factory, shapely adapters, COPY helpers."""

from __future__ import annotations

import select
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
import shapely
from psycopg import sql
from psycopg.adapt import Dumper
from psycopg_pool import ConnectionPool
from shapely.geometry.base import BaseGeometry

from geo.crs import WGS84


class ShapelyDumper(Dumper):
    """Send shapely geometries to PostGIS as hex EWKB with SRID 4326 embedded."""

    def dump(self, obj: BaseGeometry) -> bytes:
        if shapely.get_srid(obj) == 0:
            obj = shapely.set_srid(obj, WGS84)
        return bytes(str(shapely.to_wkb(obj, hex=True, include_srid=True)).encode())


def configure(conn: psycopg.Connection[Any]) -> None:
    """Register the project's adapters on ``conn`` (pool ``configure`` hook)."""
    conn.adapters.register_dumper(BaseGeometry, ShapelyDumper)


def connect(url: str, **kwargs: Any) -> psycopg.Connection[Any]:
    """Open one connection with the project's adapters registered."""
    conn = psycopg.connect(url, **kwargs)
    configure(conn)
    return conn


def check_idle(conn: psycopg.Connection[Any]) -> None:
    """Pool ``check`` run when a connection leaves the pool: raise if it is dead.

    An idle connection has nothing to read unless the server ended it (a restart,
    ``pg_terminate_backend``, a crash: the socket then holds the error notice or EOF). So a
    non-blocking ``select`` decides, and only a connection with something to read pays the
    round trip of psycopg's own check (an empty query). Saves one round trip per request
    (measured in bench/).
    """
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("connection closed")
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError) as exc:
        raise psycopg.OperationalError("connection socket unusable") from exc
    if readable:
        ConnectionPool.check_connection(conn)


def make_pool(
    url: str,
    min_size: int = 1,
    max_size: int = 10,
    timeout: float = 5.0,
    statement_timeout_ms: int | None = 15_000,
    lock_timeout_ms: int | None = None,
    idle_in_transaction_ms: int | None = None,
    jit: bool = False,
) -> ConnectionPool:
    """Build (but do not open) a connection pool.

    Parameters
    ----------
    url : str
        libpq connection string or URL.
    min_size, max_size : int
        Pool bounds.
    timeout : float
        Seconds a caller waits for a connection before ``PoolTimeout``.
    statement_timeout_ms, lock_timeout_ms, idle_in_transaction_ms : int, optional
        Server-side limits applied to every pooled connection (a slow or blocked database
        then fails fast instead of holding requests).
    jit : bool
        PostgreSQL's JIT compilation. Off by default: the app's queries are short, and PostGIS
        functions' high declared costs made the planner JIT-compile the public aggregate, which
        cost more (≈ 1.3 s) than the query itself (measured in bench/).

    Every connection is checked when it leaves the pool, so that connections broken by a
    database restart are replaced instead of failing a request.
    """
    limits = {
        "statement_timeout": statement_timeout_ms,
        "lock_timeout": lock_timeout_ms,
        "idle_in_transaction_session_timeout": idle_in_transaction_ms,
    }
    settings = [] if jit else ["-c jit=off"]
    settings += [f"-c {name}={int(ms)}" for name, ms in limits.items() if ms]
    options = " ".join(settings)
    return ConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        timeout=timeout,
        kwargs={
            "autocommit": True,
            "connect_timeout": max(2, int(timeout)),
            **({"options": options} if options else {}),
        },
        configure=configure,
        check=check_idle,
        reconnect_timeout=60.0,
        open=False,
        name="cartegalite",
    )


def postgis_version(conn: psycopg.Connection[Any]) -> str | None:
    """PostGIS library version, or ``None`` when the extension is not installed."""
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'").fetchone()
    return row[0] if row else None


def copy_rows(
    conn: psycopg.Connection[Any],
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Bulk-load ``rows`` into ``table`` with ``COPY … FROM STDIN``.

    Geometries must be given as shapely objects (sent as EWKB); returns the number of rows.
    """
    query = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(*table.split(".")),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
    )
    count = 0
    with conn.cursor() as cur, cur.copy(query) as copy:
        for row in rows:
            copy.write_row(
                [
                    shapely.to_wkb(shapely.set_srid(v, WGS84), hex=True, include_srid=True)
                    if isinstance(v, BaseGeometry)
                    else v
                    for v in row
                ]
            )
            count += 1
    return count
