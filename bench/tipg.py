"""tipg (developmentseed's OGC Features server on PostGIS) as the reference of the OGC items
scenario: installed in its own venv (``var/bench/tipg-venv``, ``pip install tipg``) and served by
uvicorn (with uvloop/httptools, like the app) on the same table."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.servers import ROOT, uvicorn_process

VENV = ROOT / "var" / "bench" / "tipg-venv"
COLLECTION = "public.actor"


def python() -> Path:
    """The venv's interpreter, created and filled on first use."""
    exe = VENV / "bin" / "python"
    if not exe.exists():
        VENV.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = subprocess.run([str(exe), "-c", "import tipg, uvloop, httptools"], check=False)
    if probe.returncode != 0:
        subprocess.run(
            [str(exe), "-m", "pip", "install", "-q", "tipg", "uvicorn[standard]"], check=True
        )
    return exe


def version() -> str:
    """Installed tipg version."""
    out = subprocess.run(
        [str(python()), "-c", "from importlib.metadata import version; print(version('tipg'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "?"


@contextmanager
def server(url: str, workers: int, pool_max: int) -> Iterator[str]:
    """tipg serving the ``actor`` table of ``url``; yields the base URL."""
    env = {
        "DATABASE_URL": url,
        "TIPG_DB_SCHEMAS": json.dumps(["public"]),
        "TIPG_DB_TABLES": json.dumps([COLLECTION]),
        "TIPG_DB_SPATIAL_EXTENT": "false",
        "TIPG_DB_DATETIME_EXTENT": "false",
        "DB_MIN_CONN_SIZE": "1",
        "DB_MAX_CONN_SIZE": str(pool_max),
    }
    with uvicorn_process(
        "tipg.main:app",
        env,
        workers=workers,
        python=str(python()),
        ready_path="/healthz",
        factory=False,
        name="tipg",
    ) as base:
        yield base
