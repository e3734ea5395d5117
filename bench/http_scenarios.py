"""Scenarios 1–4: the service as deployed (uvicorn) under wrk, next to its reference, same run.

Each scenario is one wrk Lua script (``bench/lua``) with randomised requests and, per side, the
environment that points it at that side's path. A measurement is a run at 1 connection (p50,
unloaded) and a run at 16 connections (throughput, p99); ours and the reference alternate inside
each repetition so that they share the machine's noise.
"""

from __future__ import annotations

import json
import os
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.db import ADMIN_TOKEN
from bench.wrk import Load, run_wrk
from surveys.grid import grid

NANTES = (-1.64, 47.17, -1.48, 47.26)
"""Where random points and boxes are drawn (Nantes and its first ring, inside the territory)."""
BOX_DEG = "0.0198,0.0135"
"""≈ 1.5 km × 1.5 km at 47.2° N."""
OGC_PROPERTIES = (
    "nom,actor_type,adresse,code_postal,commune,code_insee,telephone,courriel,site_web,"
    "horaires_accueil,hours_text,grounds,domains,publics,source,source_date,last_verified_on"
)
"""The columns behind the properties of our ``actors`` collection (planning.repo.collections),
asked from tipg too: the same payload."""


@dataclass(frozen=True)
class Side:
    """One server of a scenario: its base URL and the Lua environment pointing at its path."""

    label: str
    base: str
    env: dict[str, str]


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    script: str
    ours: Side
    ref: Side
    heavy: bool = False
    """Seconds-long requests: longer runs and a longer client timeout."""


@dataclass
class Samples:
    """Per-repetition figures of one side."""

    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    errors: list[float] = field(default_factory=list)

    def add(self, unloaded: Load, loaded: Load) -> None:
        self.rps.append(loaded.rps)
        self.p50.append(unloaded.p50_ms)
        self.p99.append(loaded.p99_ms)
        self.errors.append(float(unloaded.errors + loaded.errors))


def _post(base: str, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def participant(base: str) -> tuple[str, str]:
    """Through the API: a facilitator, an open walk and one participant; (walk id, token)."""
    user = _post(
        base,
        "/api/users",
        {"login": f"bench.{uuid.uuid4().hex[:8]}", "role": "facilitator"},
        ADMIN_TOKEN,
    )
    walk = _post(
        base,
        "/api/walks",
        {"title": "Banc d'essai : envois", "date": datetime.now(UTC).date().isoformat()}
        | {"time_slot": "nuit"},
        user["token"],
    )
    joined = _post(
        base, "/api/walks/join", {"invite_code": walk["invite_code"], "pseudonym": "Banc"}
    )
    return walk["id"], joined["token"]


def submit_env(path: str, walk_id: str, token: str) -> dict[str, str]:
    """Lua environment of the submission script."""
    themes = ";".join(f"{p.code}:{'|'.join(p.item_codes)}" for p in grid().principles)
    when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "SUBMIT_PATH": path,
        "WALK_ID": walk_id,
        "TOKEN": token,
        "OBSERVED_AT": when,
        "BBOX": ",".join(map(str, NANTES)),
        "THEMES": themes,
    }


def get_env(path: str) -> dict[str, str]:
    """Lua environment of the GET script."""
    return {"GET_PATH": path, "BBOX": ",".join(map(str, NANTES)), "BOX_DEG": BOX_DEG}


def scenarios(ours: str, ref: str, tipg: str, walk_id: str, token: str) -> list[Scenario]:
    """The four HTTP scenarios, given the base URLs of the three servers."""
    return [
        Scenario(
            "submit",
            "submit one observation (validated, QPV-attributed, idempotent, durable)",
            "submit.lua",
            Side("POST /api/observations", ours, submit_env("/api/observations", walk_id, token)),
            Side("bare INSERT … RETURNING", ref, submit_env("/observations", walk_id, "")),
        ),
        Scenario(
            "nearest",
            "nearest 10 actors (filters off)",
            "get.lua",
            Side(
                "GET /api/actors/nearest",
                ours,
                get_env("/api/actors/nearest?lon={lon}&lat={lat}&limit=10"),
            ),
            Side(
                "bare KNN, JSON built by PostgreSQL", ref, get_env("/nearest?lon={lon}&lat={lat}")
            ),
        ),
        Scenario(
            "ogc",
            "OGC items, bbox ≈ 1.5 km, limit 100",
            "get.lua",
            Side(
                "GET /ogc/collections/actors/items",
                ours,
                get_env("/ogc/collections/actors/items?bbox={bbox}&limit=100"),
            ),
            Side(
                "tipg",
                tipg,
                get_env(
                    "/collections/public.actor/items?bbox={bbox}&limit=100"
                    f"&properties={OGC_PROPERTIES}"
                ),
            ),
        ),
        Scenario(
            "grid",
            "public aggregated grid, whole Métropole",
            "get.lua",
            Side("GET /api/public/observations", ours, get_env("/api/public/observations")),
            Side("bare SQL of the same aggregation", ref, get_env("/grid")),
            heavy=True,
        ),
    ]


@dataclass(frozen=True)
class Timing:
    """Durations of the wrk runs (seconds)."""

    unloaded: float
    loaded: float
    heavy_unloaded: float
    heavy_loaded: float

    def of(self, scenario: Scenario) -> tuple[float, float, float]:
        """(unloaded seconds, loaded seconds, client timeout) for ``scenario``."""
        if scenario.heavy:
            return self.heavy_unloaded, self.heavy_loaded, 120.0
        return self.unloaded, self.loaded, 10.0


HEAVY_ROUNDS = 2
"""A heavy scenario's loaded run lasts at least this many rounds of 16 requests (each round
taking ~16 × p50 / cores), so that its throughput and p99 rest on more than a few requests."""


def measure(side: Side, scenario: Scenario, timing: Timing) -> tuple[Load, Load]:
    """One repetition for one side: (1 connection, 16 connections)."""
    unloaded_s, loaded_s, timeout = timing.of(scenario)
    one = run_wrk(side.base, scenario.script, 1, unloaded_s, env=side.env, timeout=timeout)
    while scenario.heavy and one.requests < 3 and unloaded_s < 60:  # a median needs samples
        unloaded_s *= 3
        one = run_wrk(side.base, scenario.script, 1, unloaded_s, env=side.env, timeout=timeout)
    if scenario.heavy:
        rounds = HEAVY_ROUNDS * 16 * one.p50_ms / 1000 / max(1, os.cpu_count() or 1)
        loaded_s = min(max(loaded_s, rounds), 25.0)
    many = run_wrk(side.base, scenario.script, 16, loaded_s, env=side.env, timeout=timeout)
    return one, many


def warm(side: Side, scenario: Scenario) -> None:
    """A short untimed run (pools filled, caches and plans warm)."""
    run_wrk(side.base, scenario.script, 4, 1, env=side.env, timeout=120.0)


def run_scenario(
    scenario: Scenario,
    repetitions: int,
    timing: Timing,
    say: Callable[[str], None],
) -> tuple[Samples, Samples]:
    """Warm both sides, then ``repetitions`` × (ours, reference); the samples of each side."""
    ours, ref = Samples(), Samples()
    warm(scenario.ours, scenario)
    warm(scenario.ref, scenario)
    for rep in range(repetitions):
        for side, samples in ((scenario.ours, ours), (scenario.ref, ref)):
            samples.add(*measure(side, scenario, timing))
            say(
                f"  {scenario.key} #{rep + 1} {side.label}: {samples.rps[-1]:.0f} req/s, "
                f"p50 {samples.p50[-1]:.2f} ms, p99 {samples.p99[-1]:.1f} ms, "
                f"errors {samples.errors[-1]:.0f}"
            )
    return ours, ref
