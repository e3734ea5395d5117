"""The response cache of the public aggregate: kept for its TTL, computed once for concurrent
misses, bounded; and the public endpoint really serves from it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.cache import ResponseCache
from api.main import create_app
from app.settings import Settings
from surveys import demo
from surveys.models import SurveyConfig

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in its own thread (browser tests leave a loop running in this one)."""
    box: list[T] = []
    thread = threading.Thread(target=lambda: box.append(asyncio.run(coroutine)))
    thread.start()
    thread.join()
    return box[0]


def test_concurrent_misses_compute_once_and_entries_expire() -> None:
    calls: list[str] = []

    async def scenario() -> list[bytes]:
        cache = ResponseCache(ttl_s=0.2, max_entries=2)

        async def compute() -> bytes:
            calls.append("a")
            await asyncio.sleep(0.05)
            return f"body {len(calls)}".encode()

        seen = list(await asyncio.gather(*(cache.get("a", compute) for _ in range(10))))
        seen.append(await cache.get("a", compute))  # fresh: from the cache
        await asyncio.sleep(0.25)  # expired, within the stale window
        seen += await asyncio.gather(*(cache.get("a", compute) for _ in range(5)))
        await asyncio.sleep(0.1)  # the one background refresh has finished
        seen.append(await cache.get("a", compute))
        await asyncio.sleep(0.45)  # older than twice the TTL: the reader waits
        seen.append(await cache.get("a", compute))
        return seen

    seen = run(scenario())
    assert seen[:11] == [b"body 1"] * 11
    assert seen[11:16] == [b"body 1"] * 5  # stale served at once, not recomputed five times
    assert seen[16] == b"body 2"
    assert seen[17] == b"body 3" and len(calls) == 3


def test_clear_forgets_and_a_computation_started_before_does_not_come_back() -> None:
    async def scenario() -> tuple[bytes, bytes]:
        cache = ResponseCache(ttl_s=60)
        started = asyncio.Event()

        async def slow_old() -> bytes:
            started.set()
            await asyncio.sleep(0.1)
            return b"before erasure"

        pending = asyncio.ensure_future(cache.get("k", slow_old))
        await started.wait()
        cache.clear()  # e.g. a GDPR erasure committed while the aggregate was computed
        first = await pending
        after = await cache.get("k", lambda: _value("after erasure"))
        return first, after

    first, after = run(scenario())
    assert first == b"before erasure"  # the reader that asked before gets its answer
    assert after == b"after erasure"  # but it was not stored


def test_entries_are_bounded_and_ttl_zero_disables() -> None:
    async def scenario() -> tuple[int, bytes, bytes]:
        cache = ResponseCache(ttl_s=60, max_entries=2)
        for key in ("a", "b", "c"):
            await cache.get(key, lambda k=key: _value(k))  # type: ignore[misc]
        size = len(cache._entries)
        off = ResponseCache(ttl_s=0)
        first = await off.get("a", lambda: _value("1"))
        second = await off.get("a", lambda: _value("2"))
        return size, first, second

    size, first, second = run(scenario())
    assert size == 2
    assert (first, second) == (b"1", b"2")


async def _value(text: str) -> bytes:
    return text.encode()


@pytest.fixture
def cached_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.with_(public_cache_s=3600))) as c:
        yield c


def test_public_aggregate_is_served_from_the_cache_until_it_expires(
    cached_client: TestClient, client: TestClient, conn: psycopg.Connection[Any]
) -> None:
    url = "/api/public/observations?demo=true"
    before = cached_client.get(url)
    assert before.status_code == 200 and before.json()["features"] == []
    demo.generate(conn, SurveyConfig())  # published, 40 days old: visible in the aggregate
    fresh = client.get(url)  # an app without cache sees them at once
    assert fresh.status_code == 200 and fresh.json()["total_publie"] > 0
    cached = cached_client.get(url)
    assert cached.json() == before.json()  # served again, not recomputed
    assert cached_client.get(url + "&kind=marche").json()["total_publie"] > 0  # another key
