"""Security headers on every response, a per-response CSP nonce for HTML pages, and CORS on the
public aggregated endpoints only.

- ``Content-Security-Policy``: scripts only from this origin or carrying the response's nonce
  (:mod:`maps.csp`: the templates that write an inline ``<script>`` of their own — Folium's
  page and its global switches — ask for the nonce while rendering; the body is never
  rewritten, so an injected ``<script>`` never carries it), no plugins, no foreign forms,
  images from this origin, ``data:``/``blob:`` and the configured tile server. Styles keep
  ``'unsafe-inline'`` (Leaflet and Folium write style attributes; styles cannot run code).
- ``frame-ancestors 'self'`` + ``X-Frame-Options: SAMEORIGIN`` (other sites cannot frame the
  app; its own pages can, e.g. the map of ``/aide`` in an iframe) except on the framable paths
  (the actors widget), which get ``frame-ancestors`` from the settings.
- ``Permissions-Policy``: geolocation and camera only on the field-app pages.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, ``Cross-Origin-Opener-Policy``,
  and ``Cache-Control: no-store`` on answers to authenticated requests.
- CORS: ``Access-Control-Allow-Origin: *`` for GET/HEAD on the configured public paths (no
  credentials, no ``Authorization`` header allowed), and their preflight; nothing elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maps import csp


def tile_origin(tile_url: str | None) -> str | None:
    """The origin of a tile URL template for ``img-src`` (``{s}`` subdomains → wildcard)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "sub"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc.replace("sub.", "*.", 1) if "{s}" in tile_url else parts.netloc
    return f"{parts.scheme}://{host}"


class SecurityHeaders:
    """ASGI middleware adding the headers above.

    Parameters
    ----------
    app : ASGI app
    frame_paths : sequence of regex
        Paths that other sites may frame.
    frame_ancestors : str
        ``frame-ancestors`` value for those paths (``*`` or a list of origins).
    device_paths : sequence of regex
        Paths allowed to use geolocation and the camera (the field app).
    geolocation_paths : sequence of regex
        Paths allowed to use geolocation only (« près de chez moi »).
    cors_paths : sequence of regex
        Public paths readable cross-origin (GET/HEAD).
    tile_url : str, optional
        Tile template of the maps (its origin is allowed in ``img-src``).
    hsts_max_age : int
        ``Strict-Transport-Security`` max-age on every response; 0 sends none.
    """

    def __init__(
        self,
        app: ASGIApp,
        frame_paths: Sequence[str] = (),
        frame_ancestors: str = "*",
        device_paths: Sequence[str] = (),
        geolocation_paths: Sequence[str] = (),
        cors_paths: Sequence[str] = (),
        tile_url: str | None = None,
        hsts_max_age: int = 0,
    ) -> None:
        self.app = app
        self.hsts = (
            f"max-age={hsts_max_age}; includeSubDomains".encode() if hsts_max_age > 0 else None
        )
        self.frame_paths = [re.compile(p) for p in frame_paths]
        self.frame_ancestors = frame_ancestors
        self.device_paths = [re.compile(p) for p in device_paths]
        self.geolocation_paths = [re.compile(p) for p in geolocation_paths]
        self.cors_paths = [re.compile(p) for p in cors_paths]
        origin = tile_origin(tile_url)
        self.img_src = "'self' data: blob:" + (f" {origin}" if origin else "")
        # The field app may fetch tiles to keep them offline: the tile server is reachable.
        self.connect_src = "'self'" + (f" {origin}" if origin else "")

    @staticmethod
    def _match(patterns: list[re.Pattern[str]], path: str) -> bool:
        return any(p.search(path) for p in patterns)

    def csp(self, nonce: str | None, framable: bool) -> str:
        """The Content-Security-Policy of one response (no ``frame-ancestors`` at all on the
        framable paths when any site may frame them: ``*`` would not match a partner page
        opened from a file or ``about:blank``). Only HTML responses get a nonce: nothing else
        runs scripts, and a random nonce per JSON answer cost 4 % of a request (bench/)."""
        ancestors = self.frame_ancestors if framable else "'self'"
        framing = "" if ancestors.strip() == "*" else f"; frame-ancestors {ancestors}"
        scripts = f" 'nonce-{nonce}'" if nonce else ""
        return (
            "default-src 'self'; "
            f"script-src 'self'{scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            f"img-src {self.img_src}; "
            "font-src 'self' data:; "
            f"connect-src {self.connect_src}; "
            "object-src 'none'; "
            "base-uri 'self'; "
            "form-action 'self'"
            f"{framing}"
        )

    def headers_for(self, scope: Scope, nonce: str | None) -> list[tuple[bytes, bytes]]:
        """Headers added to a response to ``scope``."""
        path = scope["path"]
        framable = self._match(self.frame_paths, path)
        device = self._match(self.device_paths, path)
        located = device or self._match(self.geolocation_paths, path)
        found = [
            (b"content-security-policy", self.csp(nonce, framable).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (
                b"permissions-policy",
                (b"geolocation=(self)" if located else b"geolocation=()")
                + (b", camera=(self)" if device else b", camera=()")
                + b", microphone=(), payment=(), usb=()",
            ),
        ]
        if not framable:
            found.append((b"x-frame-options", b"SAMEORIGIN"))
        if self.hsts is not None:
            found.append((b"strict-transport-security", self.hsts))
        if self._cors(scope):
            found.append((b"access-control-allow-origin", b"*"))
            found.append((b"vary", b"Origin"))
        return found

    def _cors(self, scope: Scope) -> bool:
        return scope["method"] in ("GET", "HEAD", "OPTIONS") and self._match(
            self.cors_paths, scope["path"]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and self._cors(scope) and _is_preflight(scope):
            await _preflight(send, self.headers_for(scope, None))
            return
        authenticated = any(name == b"authorization" for name, _ in scope.get("headers", []))
        extra = self.headers_for(scope, None)
        slot, token = csp.open_slot()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED
                ]
                own = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in own]
                has_cache = any(k.lower() == b"cache-control" for k, _ in headers)
                if authenticated and not has_cache:
                    headers.append((b"cache-control", b"private, no-store"))
                if slot.value is not None:  # a template wrote a script of its own
                    framable = self._match(self.frame_paths, scope["path"])
                    policy = self.csp(slot.value, framable).encode()
                    headers = [
                        (k, policy if k == b"content-security-policy" else v) for k, v in headers
                    ]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            csp.close_slot(token)


_REPLACED = {
    b"x-frame-options",
    b"content-security-policy",
    b"x-content-type-options",
    b"cross-origin-opener-policy",
}
"""Always set by this middleware. A route's own ``Referrer-Policy``, ``Permissions-Policy`` or
``Cache-Control`` (stricter, e.g. ``no-referrer`` on the self-check pages) is kept."""


def _is_preflight(scope: Scope) -> bool:
    names = {name for name, _ in scope.get("headers", [])}
    return b"access-control-request-method" in names


async def _preflight(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 204,
            "headers": [
                *headers,
                (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
                (b"access-control-allow-headers", b"Accept, Accept-Language, Content-Language"),
                (b"access-control-max-age", b"600"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
