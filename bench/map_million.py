"""Issue 19: the safety map over the benchmark database's observations (1,000,000 in the default
run): built and served through the app with an admin token, its size, and where the time goes
(each stage of ``surveys.service.maps.safety`` timed on its own, in one transaction)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from accounts.models import Principal, Role
from api.main import create_app
from app.settings import Settings
from bench import db
from geo.postgis import connect
from surveys import policy, states
from surveys.mapdata import MapFilters
from surveys.repo import maps as repo
from surveys.service.maps import (
    GROUP_LIMIT,
    HEAT_ACROSS,
    HEAT_LIMIT,
    ISSUE_TABLE_LIMIT,
    MARKS_ACROSS,
)

LIMIT_S = 1.5
LIMIT_BYTES = 2_000_000


@dataclass(frozen=True)
class MillionMap:
    seconds: list[float]
    bytes: int
    stages: dict[str, float]


def measure(url: str, repetitions: int) -> MillionMap:
    """``GET /cartes/securite`` ``repetitions`` times after one warm-up, then the stages."""
    settings = Settings(database_url=url, env="test", admin_token=db.ADMIN_TOKEN, tile_url=None)
    headers = {"Authorization": f"Bearer {db.ADMIN_TOKEN}"}
    seconds, size = [], 0
    with TestClient(create_app(settings)) as client:
        client.get("/cartes/securite", headers=headers)
        for _ in range(repetitions):
            started = time.perf_counter()
            resp = client.get("/cartes/securite", headers=headers)
            seconds.append(time.perf_counter() - started)
            if resp.status_code != 200:
                raise RuntimeError(f"/cartes/securite answered {resp.status_code}")
            size = len(resp.content)
    return MillionMap(seconds, size, stages(url))


def stages(url: str) -> dict[str, float]:
    """Seconds of each database stage of the safety map, for an admin (everything visible)."""
    admin = Principal(role=Role.ADMIN, token_id=0)
    scope, view = policy.scope(admin), policy.view(admin)
    followup, moderation = states.followup(), states.moderation()
    out: dict[str, float] = {}
    with connect(url) as conn, conn.transaction():
        conn.execute("SET LOCAL jit = off")
        names = repo.qpv_names(conn, 2015)

        def timed(name: str, fn: Callable[[], Any]) -> None:
            started = time.perf_counter()
            fn()
            out[name] = time.perf_counter() - started

        timed(
            "snapshot (visible observations copied once)",
            lambda: repo.snapshot(
                conn,
                scope,
                view,
                MapFilters(),
                open_states=list(followup.states_in("open")),
                tracked_states=[*followup.states_in("open"), *followup.states_in("closed")],
                hidden_states=list(moderation.states_in("hidden")),
            ),
        )
        timed("counts and extent", lambda: (repo.counts(conn), repo.extent(conn)))
        timed("marks per cell", lambda: repo.mark_groups(conn, GROUP_LIMIT, MARKS_ACROSS))
        timed("heat of low feeling", lambda: repo.heat(conn, HEAT_LIMIT, HEAT_ACROSS))
        timed("issues per cell", lambda: repo.issue_groups(conn, GROUP_LIMIT, MARKS_ACROSS))
        timed("issue table", lambda: repo.issue_points(conn, ISSUE_TABLE_LIMIT))
        timed("QPV × slot × theme table", lambda: repo.stats(conn, list(names)))
        timed("walks", lambda: repo.walks(conn, scope, MapFilters()))
    return out


def describe(result: MillionMap) -> str:
    """The stages, slowest first, and what is left for the page (Python, Folium, HTML)."""
    total = statistics.median(result.seconds)
    parts = sorted(result.stages.items(), key=lambda kv: -kv[1])
    database = sum(result.stages.values())
    shown = "; ".join(f"{name} {s:.2f} s" for name, s in parts)
    return (
        f"where the time goes (database stages, one run): {shown}; page building and the rest "
        f"≈ {max(0.0, total - database):.2f} s. The snapshot copies every visible observation "
        f"once and each later grouping reads it again: under {LIMIT_S} s needs one pass that "
        f"groups while it reads (vector tiles per view, or cells kept by the database as for "
        f"the public aggregate)"
    )
