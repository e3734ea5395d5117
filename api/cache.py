"""A per-process cache of computed response bodies: served again for ``ttl_s`` seconds, and
computed once when many requests miss together (single flight).

For expensive anonymous aggregates (the public grid costs ~1.5 s of PostgreSQL over a million
observations): without it, sixteen concurrent requests ran sixteen identical aggregations and
timed out (measured in bench/).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

from fastapi import Request

log = logging.getLogger("cartegalite.cache")


class ResponseCache:
    """Bodies by key, each fresh for ``ttl_s`` seconds; at most ``max_entries`` (oldest dropped).

    An entry past its TTL is still served for another ``ttl_s`` while **one** background task
    recomputes it (stale-while-revalidate): without that, every expiry made all concurrent
    readers wait for a 1.4 s aggregation (bench/: p99 3.5 s once a minute). Older
    than twice the TTL, or after :meth:`clear`, the next reader waits for a fresh body.
    """

    def __init__(self, ttl_s: float, max_entries: int = 256) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._refreshing: dict[Hashable, asyncio.Task[None]] = {}
        self._generation = 0

    def clear(self) -> None:
        """Forget every body (after a change the cached aggregates must not outlive); a
        computation already running when this is called does not store its result."""
        self._generation += 1
        self._entries.clear()

    def _store(self, key: Hashable, body: bytes, generation: int) -> None:
        if generation != self._generation:
            return
        self._entries[key] = (time.monotonic() + self.ttl_s, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        """The cached body of ``key``, or the one ``compute`` makes (once for concurrent misses)."""
        if self.ttl_s <= 0:
            return await compute()
        entry = self._entries.get(key)
        if entry is not None:
            expires, body = entry
            now = time.monotonic()
            if now < expires:
                return body
            if now < expires + self.ttl_s:
                self._refresh(key, compute)
                return body
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self._entries.get(key)
            if entry is not None and time.monotonic() < entry[0]:
                return entry[1]
            generation = self._generation
            body = await compute()
            self._store(key, body, generation)
        return body

    def _refresh(self, key: Hashable, compute: Callable[[], Awaitable[bytes]]) -> None:
        if key in self._refreshing:
            return

        async def refresh() -> None:
            try:
                async with self._locks.setdefault(key, asyncio.Lock()):
                    entry = self._entries.get(key)
                    if entry is not None and time.monotonic() < entry[0]:
                        return  # a blocking reader refreshed it meanwhile
                    generation = self._generation
                    body = await compute()
                    self._store(key, body, generation)
            except Exception as exc:  # the stale body keeps being served until 2 x TTL
                log.error("public aggregate refresh failed: %s", type(exc).__name__)
            finally:
                self._refreshing.pop(key, None)

        self._refreshing[key] = asyncio.get_running_loop().create_task(refresh())


def forget_public_aggregates(request: Request) -> None:
    """Drop this worker's cached aggregates: called after an erasure, a deletion, a correction
    or a moderation decision, so that what was removed leaves the public counts at once here
    (other workers within twice ``CARTEGALITE_PUBLIC_CACHE_S``: :class:`api.cache.ResponseCache`
    serves a stale body for one more TTL while it refreshes)."""
    cache = getattr(request.app.state, "public_cache", None)
    if cache is not None:
        cache.clear()
