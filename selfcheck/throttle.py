"""A small in-memory limiter for the anonymous testimonies, so that the statistics cannot be
flooded, on top of the app's generic per-IP limits (``api.ratelimit``). Per process: with N
workers the limit is N times higher.

Keys are kept as keyed hashes (a random secret per process), so no IP address is held as such,
and nothing is ever written anywhere."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 100_000
"""Beyond this many keys, the oldest are forgotten (memory stays bounded)."""


class Throttle:
    """At most ``limit`` events per ``window_s`` seconds for each key (sliding window)."""

    def __init__(
        self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("limit ≥ 1 and window_s > 0 required")
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._secret = secrets.token_bytes(16)
        self._events: dict[bytes, deque[float]] = {}
        self._lock = threading.Lock()

    def _key(self, text: str) -> bytes:
        return hmac.new(self._secret, text.encode(), hashlib.sha256).digest()[:16]

    def hit(self, key: str) -> int | None:
        """Count one event for ``key``; None when allowed, else the seconds to wait."""
        now = self._clock()
        hashed = self._key(key)
        with self._lock:
            events = self._events.pop(hashed, None) or deque()
            while events and events[0] <= now - self.window_s:
                events.popleft()
            if len(events) >= self.limit:
                self._events[hashed] = events
                return max(1, math.ceil(events[0] + self.window_s - now))
            events.append(now)
            self._events[hashed] = events  # re-inserted: dict order = least recently used first
            while len(self._events) > MAX_KEYS:
                del self._events[next(iter(self._events))]
            return None
