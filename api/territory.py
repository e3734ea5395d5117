"""Which territory a request addresses (issue 20): the host it was sent to (a territory's
``territory_host``), or a ``/t/<id>`` path prefix, else the instance's default
(``CARTEGALITE_TERRITORY``). Pure ASGI middleware, outermost: it strips the prefix before
routing and puts ``territory`` (and ``territory_prefix``) in the request state; the settings a
route receives (:func:`api.deps.get_settings`) are the instance's with that territory, its
QPV generation and its help lines.

Under a prefix, the root-relative links, form actions and redirects of HTML answers are
prefixed too, so that browsing stays in the territory (scripts' own requests are not
rewritten: serve a territory from its host for the field app and the maps).
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geo import territories

log = logging.getLogger("cartegalite.api")

PREFIX = re.compile(r"^/t/([a-z0-9-]{2,60})(/.*)?$")
_LINKS = re.compile(rb'((?:href|src|action)=")/(?!/)')
REFRESH_S = 30.0
MISS_REFRESH_S = 1.0


@dataclass
class Catalogue:
    """The territories known to the database (ids, hosts, generation, help-line file)."""

    ids: set[str] = field(default_factory=set)
    hosts: dict[str, str] = field(default_factory=dict)
    details: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    """id → (first QPV generation, help-line file)."""
    loaded_at: float = 0.0


LOAD_TIMEOUT_S = 0.5
"""How long a catalogue reload waits for a connection (the database may be down: the request
then goes on with the catalogue it had)."""
SKIPPED = ("/health", "/static/")
"""Paths that never depend on the territory (and must answer while the database is down)."""


def load(pool: Any) -> Catalogue:
    with pool.connection(timeout=LOAD_TIMEOUT_S) as conn:
        rows = conn.execute(
            "SELECT id, qpv_generations[1], helplines_file FROM territory"
        ).fetchall()
        return Catalogue(
            ids={r[0] for r in rows},
            hosts=territories.hosts(conn),
            details={r[0]: (int(r[1]), r[2]) for r in rows},
            loaded_at=time.monotonic(),
        )


async def catalogue(app: Any, missed: bool = False) -> Catalogue:
    """The cached catalogue, reloaded every :data:`REFRESH_S` (sooner after a miss: a
    territory just added answers within a second)."""
    current: Catalogue | None = getattr(app.state, "territories", None)
    age = time.monotonic() - current.loaded_at if current else float("inf")
    if current is None or age > REFRESH_S or (missed and age > MISS_REFRESH_S):
        try:
            current = await to_thread.run_sync(load, app.state.pool)
        except Exception as exc:  # database unreachable: keep what we knew, retry later
            log.warning("territory catalogue not reloaded: %s", type(exc).__name__)
            kept = current or Catalogue()
            current = Catalogue(kept.ids, kept.hosts, kept.details, time.monotonic())
        app.state.territories = current
    return current


class TerritoryResolver:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "app" not in scope:
            await self.app(scope, receive, send)
            return
        app = scope["app"]
        if getattr(app.state, "pool", None) is None:  # not started yet
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.startswith(SKIPPED):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        found = PREFIX.match(path)
        if found:
            wanted = found.group(1)
            cat = await catalogue(app)
            if wanted not in cat.ids:
                cat = await catalogue(app, missed=True)
            if wanted not in cat.ids:
                await _not_found(send, wanted)
                return
            prefix = f"/t/{wanted}"
            rest = found.group(2) or "/"
            scope = {**scope, "path": rest, "raw_path": rest.encode("utf-8")}
            state["territory"], state["territory_prefix"] = wanted, prefix
            await self.app(scope, receive, _prefixing(send, prefix))
            return
        host = _host(scope)
        if host:
            cat = await catalogue(app)
            wanted = cat.hosts.get(host) or cat.hosts.get(host.split(":", 1)[0])
            if not wanted:  # a host just added answers within a second (one reload a second)
                cat = await catalogue(app, missed=True)
                wanted = cat.hosts.get(host) or cat.hosts.get(host.split(":", 1)[0])
            if wanted:
                state["territory"] = wanted
        await self.app(scope, receive, send)


def _host(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"host":
            return str(value.decode("latin-1").lower())
    return ""


async def _not_found(send: Send, wanted: str) -> None:
    body = json.dumps({"detail": f"territoire inconnu : {wanted}"}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _prefixing(send: Send, prefix: str) -> Send:
    """Prefix root-relative URLs of HTML bodies and of redirects."""
    start: Message | None = None
    chunks: list[bytes] = []
    raw = prefix.encode()

    async def wrapped(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            headers = []
            html = False
            for name, value in message.get("headers", []):
                if name == b"location" and value.startswith(b"/") and not value.startswith(b"//"):
                    value = raw + value
                if name == b"content-type" and value.startswith(b"text/html"):
                    html = True
                headers.append((name, value))
            message = {**message, "headers": headers}
            if not html:
                await send(message)
                return
            start = message
            return
        if start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = _LINKS.sub(rb"\1" + raw + b"/", b"".join(chunks))
        headers = [(n, v) for n, v in start["headers"] if n != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped
