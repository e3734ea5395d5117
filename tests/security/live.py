"""A real uvicorn process serving the app (so that a crash shows as a dead server, not a dead
test run), started on a test database with the environment the CLI would give it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

from app.settings import PROJECT_ROOT
from tests.conftest import ADMIN_TOKEN, free_port


class Server:
    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.process = process
        self.log = log

    def logs(self) -> str:
        """What the server wrote to stderr so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def healthy(self) -> bool:
        try:
            return httpx2.get(self.url + "/health", timeout=10).status_code == 200
        except httpx2.HTTPError:
            return False


@contextmanager
def uvicorn_server(db_url: str, workers: int = 1, **env: str) -> Iterator[Server]:
    """Serve ``api.main:app_from_env`` on a free port until the block ends."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="cartegalite-uvicorn-", suffix=".log")[1])
    environ = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CARTEGALITE_ADMIN_TOKEN": ADMIN_TOKEN,
        "CARTEGALITE_ENV": "test",
        "CARTEGALITE_TILE_URL": "none",
        "CARTEGALITE_RATE_LIMIT": "off",
        **env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:app_from_env",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 30
    while not server.healthy():
        if time.monotonic() > deadline or not server.alive():
            process.kill()
            raise RuntimeError(f"uvicorn did not start: {server.logs()[-2000:]}")
        time.sleep(0.1)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)
