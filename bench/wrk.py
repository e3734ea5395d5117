"""Run wrk with a Lua script and parse the figures it prints."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).parent / "lua"


@dataclass(frozen=True)
class Load:
    """One wrk run."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    non2xx: int = 0

    @property
    def rps(self) -> float:
        """Successful responses per second (an error answered fast is not throughput)."""
        return (self.requests - self.non2xx) / self.seconds if self.seconds else 0.0


def run_wrk(
    url: str,
    script: str,
    connections: int,
    seconds: float,
    threads: int = 2,
    env: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Load:
    """Drive ``url`` with ``bench/lua/<script>`` for ``seconds``; return the figures.

    ``env`` is passed to the Lua script (read with ``os.getenv``); requests slower than
    ``timeout`` seconds count as errors.
    """
    cmd = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        f"{max(1, round(timeout))}s",
        "-s",
        str(LUA_DIR / script),
        url,
    ]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LUA_PATH": f"{LUA_DIR}/?.lua;;", **(env or {})},
        cwd=LUA_DIR,
    )
    match = re.search(r"BENCH_JSON (\{.*\})", proc.stdout)
    if proc.returncode != 0 or not match:
        raise RuntimeError(
            f"wrk failed ({proc.returncode}): {proc.stdout[-500:]}{proc.stderr[-500:]}"
        )
    data = json.loads(match.group(1))
    errors = sum(
        data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts", "non2xx")
    )
    return Load(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=int(errors),
        non2xx=int(data["non2xx"]),
    )
