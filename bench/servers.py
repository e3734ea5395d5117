"""Start the services under test as separate processes, the way they are deployed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = ROOT / "var" / "bench" / "logs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {timeout:.0f} s")


@contextmanager
def uvicorn_process(
    target: str,
    env: dict[str, str],
    workers: int = 1,
    python: str = sys.executable,
    ready_path: str = "/",
    factory: bool = True,
    name: str = "server",
) -> Iterator[str]:
    """Run ``uvicorn target`` on a free port; yield its base URL.

    The server's output goes to ``var/bench/logs/<name>.log`` (a pipe nobody reads would block
    it once full); its tail is shown when the server does not come up.
    """
    port = free_port()
    cmd = [
        python,
        "-m",
        "uvicorn",
        target,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if factory:
        cmd.append("--factory")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"{name}.log"
    # the load generator is one IP and few tokens: no rate limits unless asked
    env = {"CARTEGALITE_RATE_LIMIT": "off", **os.environ, **env}
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_http(base + ready_path)
        except RuntimeError as exc:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"{exc}\n{log}:\n{tail}") from exc
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
