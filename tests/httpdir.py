"""A local HTTP server over a directory, standing in for an official download site
(data.gouv.fr, equipements.sports.gouv.fr: unreachable here)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import free_port


def wait_http(url: str, timeout: float = 60) -> bytes:
    """The body at ``url`` once it answers (AssertionError after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return bytes(resp.read())
        except Exception as exc:
            last = exc
            time.sleep(0.2)
    raise AssertionError(f"{url} not reachable: {last}")


@contextmanager
def serve_directory(directory: Path, first_file: str) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` serving ``directory``, once ``first_file`` is reachable."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/{first_file}")
        yield base
    finally:
        server.terminate()
        server.wait()
