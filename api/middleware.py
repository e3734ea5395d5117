"""ASGI middleware of the app."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = json.dumps({"detail": "requête trop volumineuse"}, ensure_ascii=False).encode()


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its limit (an ``HTTPException`` so
    that FastAPI's body parsing lets it through as a 413 instead of a generic 400)."""

    def __init__(self) -> None:
        super().__init__(413, "requête trop volumineuse")


class BodyLimit:
    """Refuse request bodies over a size limit with ``413`` and the app's French JSON body.

    Parameters
    ----------
    app : ASGI app
    default : int
        Limit in bytes for every path.
    overrides : sequence of (regex, int)
        Larger (or smaller) limits for paths matching a pattern (e.g. photo uploads).

    Bodies announced by ``Content-Length`` are refused before reading; chunked bodies are
    counted as they arrive.
    """

    def __init__(
        self, app: ASGIApp, default: int, overrides: Sequence[tuple[str, int]] = ()
    ) -> None:
        self.app = app
        self.default = default
        self.overrides = [(re.compile(p), n) for p, n in overrides]

    def limit_for(self, path: str) -> int:
        for pattern, limit in self.overrides:
            if pattern.search(path):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send)


async def _refuse(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(TOO_LARGE)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": TOO_LARGE})
