"""What the benchmark ran on (printed in the header of every result)."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "-"


def _wrk() -> str:
    try:
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return "not installed"
    return (out.stdout or out.stderr).split("\n")[0].split(" Copyright")[0].strip()


def describe(server_version: str = "", postgis: str = "") -> dict[str, str]:
    """Machine and software versions as a flat dict."""
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            kb = int(fh.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "postgresql": server_version,
        "postgis": postgis,
        "fastapi": _version("fastapi"),
        "uvicorn": _version("uvicorn"),
        "psycopg": _version("psycopg"),
        "folium": _version("folium"),
        "wrk": _wrk(),
    }
