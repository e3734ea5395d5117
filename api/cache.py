"""A per-process cache of computed response bodies: served again for ``ttl_s`` seconds, and
computed once when many requests miss together (single flight).

For expensive anonymous aggregates (the public grid costs ~1.5 s of PostgreSQL over a million
observations): without it, sixteen concurrent requests ran sixteen identical aggregations and
timed out (bench/, issue 10).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable


class ResponseCache:
    """Bodies by key, each kept ``ttl_s`` seconds; at most ``max_entries`` (oldest dropped)."""

    def __init__(self, ttl_s: float, max_entries: int = 256) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._locks: dict[Hashable, asyncio.Lock] = {}

    def clear(self) -> None:
        """Forget every body (after a change the cached aggregates must not outlive)."""
        self._entries.clear()

    def _fresh(self, key: Hashable) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        """The cached body of ``key``, or the one ``compute`` makes (once for concurrent misses)."""
        if self.ttl_s <= 0:
            return await compute()
        body = self._fresh(key)
        if body is not None:
            return body
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            body = self._fresh(key)
            if body is None:
                body = await compute()
                self._entries[key] = (time.monotonic() + self.ttl_s, body)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return body
