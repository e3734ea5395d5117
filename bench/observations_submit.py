"""How many field observations per second does the API accept on this machine?

Starts a throw-away *durable* PostgreSQL cluster (fsync and synchronous_commit on, as in
production), prepares it like ``cartegalite serve`` (migrations, the real QPV of
``../shared/data``), runs the real app under uvicorn in a separate process, creates a walk and a
participant through HTTP, then drives ``POST /api/observations`` with ``wrk`` (a Lua script
generating a fresh client UUID and position per request) and ``POST /api/observations/batch``
with an asyncio client. "Accepted" is what the database holds afterwards, not what the client
thinks it sent.

    .venv/bin/python bench/observations_submit.py [--seconds 10] [--connections 16]
        [--workers 1 2]

Client and server share the machine's cores: the figures are a floor, not a ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import bootstrap  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.servers import free_port, uvicorn_process  # noqa: E402
from geo.localdb import LocalCluster  # noqa: E402

ADMIN = "cg_bench-admin-token-0123456789abcdef"
CENTRE = (-1.5249, 47.2153)  # Malakoff, Nantes

LUA = r"""
local counter = 0
local hex = "0123456789abcdef"
local function uuid4()
  local t = {}
  for i = 1, 32 do
    local r = math.random(1, 16)
    if i == 13 then r = 5 elseif i == 17 then r = 9 end
    t[i] = hex:sub(r, r)
  end
  local s = table.concat(t)
  return s:sub(1,8).."-"..s:sub(9,12).."-"..s:sub(13,16).."-"..s:sub(17,20).."-"..s:sub(21,32)
end
setup = function(thread) thread:set("seed", math.random(1, 1000000000)) end
init = function(args) math.randomseed(seed + os.time()) end
request = function()
  counter = counter + 1
  local lon = %(lon)f + (math.random() - 0.5) * 0.01
  local lat = %(lat)f + (math.random() - 0.5) * 0.01
  local body = string.format(
    '{"id":"%%s","kind":"marche","walk_id":"%(walk)s","location":{"type":"Point",' ..
    '"coordinates":[%%.6f,%%.6f]},"observed_at":"%(when)s","theme":"visibilite",' ..
    '"items":["eclairage"],"rating":1,"feeling":2,"comment":"éclairage faible n°%%d"}',
    uuid4(), lon, lat, counter)
  return wrk.format("POST", "/api/observations",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %(token)s"}, body)
end
"""


def prepare_walk(base: str) -> tuple[str, str]:
    """A facilitator, a walk and one participant token, through the API."""
    admin = {"Authorization": f"Bearer {ADMIN}"}
    login = f"bench{uuid.uuid4().hex[:8]}"
    user = httpx2.post(
        f"{base}/api/users", json={"login": login, "role": "facilitator"}, headers=admin
    ).json()
    staff = {"Authorization": f"Bearer {user['token']}"}
    walk = httpx2.post(
        f"{base}/api/walks",
        json={"title": "Banc d'essai", "date": "2026-05-01", "time_slot": "nuit"},
        headers=staff,
    ).json()
    joined = httpx2.post(
        f"{base}/api/walks/join", json={"invite_code": walk["invite_code"], "pseudonym": "Bench"}
    ).json()
    return walk["id"], joined["token"]


def count(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM observations").fetchone()
    return int(row[0]) if row else 0


def run_wrk(base: str, walk_id: str, token: str, seconds: int, connections: int) -> str:
    when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    script = LUA % {
        "lon": CENTRE[0],
        "lat": CENTRE[1],
        "walk": walk_id,
        "when": when,
        "token": token,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    return out


async def run_batches(base: str, walk_id: str, token: str, seconds: int, size: int) -> int:
    """Concurrent batches of ``size`` fresh observations for ``seconds``; items created."""
    headers = {"Authorization": f"Bearer {token}"}
    when = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    created = 0
    deadline = time.monotonic() + seconds

    async def worker(http: httpx2.AsyncClient) -> None:
        nonlocal created
        while time.monotonic() < deadline:
            items = [
                {
                    "id": str(uuid.uuid4()),
                    "kind": "marche",
                    "walk_id": walk_id,
                    "location": {"type": "Point", "coordinates": [CENTRE[0] + i * 1e-5, CENTRE[1]]},
                    "observed_at": when,
                    "theme": "entretien",
                    "rating": 2,
                }
                for i in range(size)
            ]
            resp = await http.post(
                "/api/observations/batch", json={"items": items}, headers=headers
            )
            created += resp.json()["created"]

    async with httpx2.AsyncClient(base_url=base, timeout=60) as http:
        await asyncio.gather(*(worker(http) for _ in range(4)))
    return created


def summary(out: str) -> str:
    keep = [
        line.strip()
        for line in out.splitlines()
        if re.match(r"\s*(Requests/sec|50%|90%|99%|Non-2xx|Socket errors|\d+ requests in)", line)
    ]
    return " | ".join(keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is required (apt install wrk)")

    root = Path(tempfile.mkdtemp(prefix="cartegalite-bench-pg-"))
    root.chmod(0o755)
    cluster = LocalCluster(root=root, port=free_port(), fast=False)  # durable, like production
    cluster.start()
    try:
        cluster.create_database("bench")
        url = cluster.url("bench")
        bootstrap.prepare(Settings.from_env({}).with_(admin_token=ADMIN), url)
        cpu = platform.processor() or platform.machine()
        print(
            f"machine: {platform.node()} — {os.cpu_count()} CPU {cpu}, "
            f"Python {platform.python_version()}, PostgreSQL durable (fsync on), "
            f"load average before: {os.getloadavg()[0]:.2f}"
        )
        for workers in args.workers:
            env = {
                "DATABASE_URL": url,
                "CARTEGALITE_ADMIN_TOKEN": ADMIN,
                "CARTEGALITE_POOL_MAX": "20",
            }
            with uvicorn_process(
                "api.main:app_from_env", env, workers, ready_path="/health", name="submit"
            ) as base:
                walk_id, token = prepare_walk(base)
                before = count(url)
                t0 = time.monotonic()
                out = run_wrk(base, walk_id, token, args.seconds, args.connections)
                elapsed = time.monotonic() - t0
                accepted = count(url) - before
                print(
                    f"\nuvicorn workers={workers}, {args.connections} connections, {args.seconds} s"
                )
                rate = accepted / elapsed
                print(
                    f"  single POST : {rate:6.0f} observations/s accepted (rows) — {summary(out)}"
                )
                before = count(url)
                t0 = time.monotonic()
                created = asyncio.run(run_batches(base, walk_id, token, args.seconds, args.batch))
                elapsed = time.monotonic() - t0
                stored = count(url) - before
                rate = stored / elapsed
                print(
                    f"  batch of {args.batch}: {rate:6.0f} observations/s accepted (rows; "
                    f"{created} reported created)"
                )
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
