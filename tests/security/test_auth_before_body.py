"""The caller is authenticated before the body is read: an anonymous write to a staff or
participant route gets its 401 without its body being parsed (invalid JSON → 401, not 422),
a slow anonymous upload never holds the event loop (``/health`` answers meanwhile, and the
401 comes before the body has even been sent), and anonymous bodies are capped."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx2
import pytest

from tests.security.live import Server, uvicorn_server


@pytest.fixture
def server(db_url: str) -> Iterator[Server]:
    with uvicorn_server(db_url) as live:
        yield live


def _open(server: Server) -> socket.socket:
    parts = urlsplit(server.url)
    return socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=20)


def test_invalid_json_from_an_anonymous_caller_gets_401(server: Server) -> None:
    for path in ("/api/observations", "/api/observations/batch", "/api/walks"):
        resp = httpx2.post(
            server.url + path, content=b"{pas du json", headers={"Content-Type": "application/json"}
        )
        assert resp.status_code == 401, (path, resp.text)
    big = b"[" + b'{"x": 1},' * 800_000 + b"oops"  # 7 MB of invalid JSON
    resp = httpx2.post(
        server.url + "/api/observations/batch",
        content=big,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert resp.status_code == 401, resp.text[:200]


def test_a_slow_anonymous_upload_is_refused_before_its_body_and_health_answers(
    server: Server,
) -> None:
    sock = _open(server)
    try:
        sock.sendall(
            b"POST /api/observations/batch HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 7800000\r\n\r\n[{"
        )
        # the upload is still in progress: the event loop serves others
        assert httpx2.get(server.url + "/health", timeout=10).status_code == 200
        # and the answer to the upload comes before the rest of its body was sent
        head = sock.recv(4096)
        assert head.startswith(b"HTTP/1.1 401"), head[:80]
    finally:
        sock.close()
    assert server.alive()


def test_anonymous_bodies_are_capped_on_public_write_routes(server: Server) -> None:
    resp = httpx2.post(
        server.url + "/api/walks/join",
        content=b'{"invite_code": "' + b"A" * 200_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 413 and "sans jeton" in resp.json()["detail"]
    small = httpx2.post(server.url + "/api/walks/join", json={"invite_code": "ZZZZ-ZZZZ"})
    assert small.status_code in (404, 422)  # a small one is read and judged on its content
