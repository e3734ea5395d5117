"""Rate limits: in-process token buckets, per client IP and per bearer token.

Buckets live in the memory of one worker process: with ``WEB_CONCURRENCY`` > 1 each worker
counts on its own (the effective limit is multiplied by the number of workers). That is enough
against brute force and floods from one client; a shared store (Redis…) is not needed at the
scale of one city.

- every request counts against the ``ip`` bucket of its address (generous: a walk group of 15
  phones behind one box shares it), and requests with a bearer token against that token's
  ``token`` bucket;
- routes whose access rule names a bucket (``login``, ``join``) and writes without a token
  (``anon_write``) are counted per IP by :mod:`api.gate`; ``login_account`` per account name.

Refused requests get ``429`` with ``Retry-After`` (seconds) and the app's French JSON body.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

MAX_KEYS = 50_000
"""Buckets kept per name (least recently used dropped first): bounded memory under floods."""


class RateLimited(Exception):
    """Too many requests; retry after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("trop de requêtes")
        self.retry_after = retry_after


class TokenBuckets:
    """Named families of token buckets: ``hit(name, key)`` takes one token or raises.

    Parameters
    ----------
    limits : iterable of (name, burst, per_minute)
        Capacity and refill rate of each family.
    clock : callable
        Monotonic seconds (tests may pass their own).
    """

    def __init__(
        self,
        limits: Iterable[tuple[str, int, int]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {name: (float(burst), rate / 60.0) for name, burst, rate in limits}
        self.clock = clock
        self.buckets: dict[str, OrderedDict[str, tuple[float, float]]] = {
            name: OrderedDict() for name in self.limits
        }

    def hit(self, name: str, key: str, cost: float = 1.0) -> None:
        """Take ``cost`` tokens from bucket ``key`` of family ``name``; raise
        :class:`RateLimited` (with the wait in seconds) when it is empty."""
        capacity, rate = self.limits[name]
        family = self.buckets[name]
        now = self.clock()
        tokens, stamp = family.pop(key, (capacity, now))
        tokens = min(capacity, tokens + (now - stamp) * rate)
        if tokens < cost:
            family[key] = (tokens, now)
            raise RateLimited(max(1, math.ceil((cost - tokens) / rate)))
        family[key] = (tokens - cost, now)
        if len(family) > MAX_KEYS:
            family.popitem(last=False)


def client_ip(scope: Scope, trusted: Iterable[str] = ()) -> str:
    """The caller's address: the peer, or — when the peer is a trusted proxy — the last
    address of ``X-Forwarded-For`` that is not itself a trusted proxy."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    trusted_set = set(trusted)
    if not trusted_set or peer not in trusted_set:
        return str(peer)
    forwarded = b""
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            forwarded = value
    hops = [h.strip() for h in forwarded.decode("latin-1").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted_set and _is_ip(hop):
            return hop
    return str(peer)


def request_scheme(scope: Scope, trusted: Iterable[str] = ()) -> str:
    """The scheme the client used: ``X-Forwarded-Proto`` when the peer is a trusted proxy
    (a TLS terminator in front of the service), the connection's own scheme otherwise."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if peer in set(trusted):
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-proto":
                proto = value.decode("latin-1").split(",")[0].strip().lower()
                if proto in ("http", "https"):
                    return str(proto)
    return str(scope.get("scheme", "http"))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def bearer_key(scope: Scope) -> str | None:
    """A stable key for the bearer token of a request (its SHA-256, never the token)."""
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return hashlib.sha256(value[7:].strip()).hexdigest()
    return None


def too_many(retry_after: int) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Headers and body of a 429 answer."""
    body = json.dumps(
        {"detail": f"trop de requêtes, réessayez dans {retry_after} s"}, ensure_ascii=False
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
    ]
    return headers, body


class RateLimit:
    """ASGI middleware: the ``ip`` bucket for every request, the ``token`` bucket for requests
    carrying a bearer token. ``buckets`` is shared with the gate (``app.state.limiter``)."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets, trusted: Iterable[str] = ()) -> None:
        self.app = app
        self.buckets = buckets
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self.buckets.hit("ip", client_ip(scope, self.trusted))
            key = bearer_key(scope)
            if key is not None:
                self.buckets.hit("token", key)
        except RateLimited as exc:
            headers, body = too_many(exc.retry_after)
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
