"""``make bench`` / ``cartegalite bench run [--quick]``: every scenario next to its reference, in
one run, as ratios; the table printed and written to ``bench/RESULTS.md``."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace

from rich.console import Console

from bench import (
    batch_scenarios,
    correctness,
    db,
    http_scenarios,
    map_million,
    map_scenario,
    reference,
    tipg,
)
from bench.http_scenarios import Samples, Scenario, Timing
from bench.machine import describe
from bench.report import Figure, Row, print_table, write_markdown
from bench.seed import Plan, seed, seeded_plan
from bench.servers import uvicorn_process
from bench.wrk import run_wrk
from geo.postgis import connect, postgis_version

RECOMMENDED_WORKERS = 2
"""uvicorn workers the README recommends on a 2-core machine (see the worker comparison)."""
POOL_MAX = 10
"""Connections per worker: the app's default (``CARTEGALITE_POOL_MAX``), also given to the
reference app and to tipg."""
SCENARIOS = ("workers", "submit", "nearest", "ogc", "grid", "map", "map1m", "stats", "import")

console = Console()


@dataclass(frozen=True)
class Config:
    """Sizes and durations of a run."""

    quick: bool
    plan: Plan
    database: str
    repetitions: int
    timing: Timing
    workers: int
    worker_seconds: float
    map_points: int
    naive_map_repetitions: int
    import_rows: int
    only: tuple[str, ...] = ()

    @classmethod
    def make(cls, quick: bool, workers: int | None = None, only: tuple[str, ...] = ()) -> Config:
        """The default run (1M observations, 100k actors, ~15 min) or the quick one (~2 min)."""
        unknown = set(only) - set(SCENARIOS)
        if unknown:
            raise ValueError(f"unknown scenarios {sorted(unknown)}; known: {', '.join(SCENARIOS)}")
        base = cls(
            quick=False,
            plan=Plan(),
            database=db.DB_NAME,
            repetitions=3,
            timing=Timing(unloaded=2, loaded=5, heavy_unloaded=6, heavy_loaded=12),
            workers=workers or RECOMMENDED_WORKERS,
            worker_seconds=4,
            map_points=100_000,
            naive_map_repetitions=3,
            import_rows=1_000_000,
            only=only,
        )
        if not quick:
            return base
        return replace(
            base,
            quick=True,
            plan=Plan(observations=50_000, actors=10_000),
            database=db.DB_NAME + "_quick",
            timing=Timing(unloaded=1, loaded=2, heavy_unloaded=2, heavy_loaded=3),
            worker_seconds=1,
            map_points=10_000,
            naive_map_repetitions=1,
            import_rows=50_000,
        )

    def wants(self, scenario: str) -> bool:
        return not self.only or scenario in self.only


def say(text: str) -> None:
    console.print(text, highlight=False)


def run(config: Config, write: bool = True) -> list[Row]:
    """Run the benchmarks of ``config``; print the table (and write bench/RESULTS.md)."""
    started = time.monotonic()
    load_before = os.getloadavg()
    url = ensure_seeded(config)
    with connect(url, autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        machine = describe(str(version[0]) if version else "", postgis_version(conn) or "")
    machine["tipg"] = tipg.version() if config.wants("ogc") else "-"
    machine["workers"] = str(config.workers)
    rows: list[Row] = []
    extra: list[str] = []
    if config.wants("workers"):
        extra += compare_workers(url, config)
    rows += http_rows(url, config, extra)
    if config.wants("map"):
        rows.append(map_row(config))
    if config.wants("map1m"):
        rows.append(map_million_row(url, config))
    if config.wants("stats"):
        rows.append(stats_row(url, config))
    if config.wants("import"):
        rows.append(import_row(config))
    load_after = os.getloadavg()
    machine["load average before"] = " / ".join(f"{v:.2f}" for v in load_before)
    machine["load average after"] = " / ".join(f"{v:.2f}" for v in load_after)
    machine["duration"] = f"{(time.monotonic() - started) / 60:.1f} min"
    print_table(rows, machine, config.quick, extra)
    if write:
        write_markdown(rows, machine, config.quick, extra)
    return rows


def ensure_seeded(config: Config) -> str:
    """The benchmark database holding ``config.plan`` (seeded now when it holds another one)."""
    url = db.database_url(config.database)
    with connect(url, autocommit=True) as conn:
        current = seeded_plan(conn)
    if current == config.plan:
        return url
    say(
        f"seeding {config.database}: {config.plan.observations:,} observations, "
        f"{config.plan.actors:,} actors"
    )
    start = time.monotonic()
    url = db.recreate(config.database)
    with connect(url, autocommit=True) as conn:
        seed(conn, config.plan)
    say(f"  seeded in {time.monotonic() - start:.0f} s")
    return url


def _env(url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "CARTEGALITE_ADMIN_TOKEN": db.ADMIN_TOKEN,
        "CARTEGALITE_TILE_URL": "none",
        "CARTEGALITE_POOL_MAX": str(POOL_MAX),
    }


@contextmanager
def servers(url: str, workers: int, with_tipg: bool) -> Iterator[tuple[str, str, str]]:
    """Ours, the reference app and tipg on ``url``, each with ``workers`` processes."""
    with ExitStack() as stack:
        ours = stack.enter_context(
            uvicorn_process(
                "api.main:app_from_env", _env(url), workers, ready_path="/health", name="ours"
            )
        )
        ref = stack.enter_context(
            uvicorn_process(
                "bench.reference:app_from_env",
                _env(url),
                workers,
                ready_path="/health",
                name="reference",
            )
        )
        tg = stack.enter_context(tipg.server(url, workers, POOL_MAX)) if with_tipg else ""
        yield ours, ref, tg


def compare_workers(url: str, config: Config) -> list[str]:
    """Our throughput at 16 connections with 1 and 2 workers (light scenarios, both servers up,
    runs alternating twice, best of each); a Markdown section with the recommendation."""
    say("[bold]workers[/]: 1 vs 2 uvicorn processes (ours, 16 connections)")
    figures: dict[str, dict[int, float]] = {}
    with ExitStack() as stack:
        bases = {
            n: stack.enter_context(
                uvicorn_process(
                    "api.main:app_from_env", _env(url), n, ready_path="/health", name=f"ours-{n}"
                )
            )
            for n in (1, 2)
        }
        walk, token = http_scenarios.participant(bases[1])
        per_workers = {
            n: {
                sc.key: sc
                for sc in http_scenarios.scenarios(base, base, base, walk, token)
                if not sc.heavy
            }
            for n, base in bases.items()
        }
        for key in per_workers[1]:
            for n in (1, 2):
                sc = per_workers[n][key]
                http_scenarios.warm(sc.ours, sc)
            for _ in range(2):
                for n in (1, 2):
                    sc = per_workers[n][key]
                    load = http_scenarios.run_wrk(
                        sc.ours.base, sc.script, 16, config.worker_seconds, env=sc.ours.env
                    )
                    best = max(figures.setdefault(key, {}).get(n, 0.0), load.rps)
                    figures[key][n] = best
            say(f"  {key}: 1 worker {figures[key][1]:.0f} req/s, 2 workers {figures[key][2]:.0f}")
    gains = [f[2] / f[1] for f in figures.values() if f.get(1)]
    mean_gain = 1.0
    for g in gains:
        mean_gain *= g
    mean_gain **= 1 / max(1, len(gains))
    recommended = 2 if mean_gain >= 1.10 else 1
    lines = [
        "## uvicorn workers (ours, 16 connections, same run, best of two alternating runs)",
        "",
        "| scenario | 1 worker (req/s) | 2 workers (req/s) | gain |",
        "| --- | --- | --- | --- |",
    ]
    for key, f in figures.items():
        lines.append(f"| {key} | {f[1]:.0f} | {f[2]:.0f} | {f[2] / f[1]:.2f}× |")
    lines += [
        "",
        f"Geometric mean gain of the second worker: {mean_gain:.2f}×; recommended on this "
        f"machine: **{recommended}** (2 when it brings ≥ 10 %).",
    ]
    return lines


def _ratio(ours: list[float], ref: list[float], invert: bool = False) -> Figure:
    pairs = [(b / a if invert else a / b) for a, b in zip(ours, ref, strict=True) if a and b]
    return Figure.of(pairs or [0.0])


def _figures(s: Samples) -> dict[str, Figure]:
    return {
        "rps": Figure.of(s.rps),
        "p50": Figure.of(s.p50),
        "p99": Figure.of(s.p99),
        "errors": Figure.of(s.errors),
    }


GRID_COLD_S = 0.1
"""Issue 19: one computation of the public aggregate at 1M observations (a cache miss)."""

TARGETS: dict[str, tuple[str, float]] = {
    "submit": ("≥ 0.6", 0.6),
    "nearest": ("≥ 0.6", 0.6),
    "grid": ("≥ 0.5", 0.5),
}


def http_rows(url: str, config: Config, extra: list[str] | None = None) -> list[Row]:
    """Scenarios 1–4, the nearest-actors correctness check, the clean-up of submissions, and
    the tail-latency floor of this machine (appended to ``extra``)."""
    keys = [k for k in ("submit", "nearest", "ogc", "grid") if config.wants(k)]
    if not keys:
        return []
    with connect(url, autocommit=True) as conn:
        reference.prepare(conn)
    rows = []
    with servers(url, config.workers, with_tipg="ogc" in keys) as (ours, ref, tg):
        walk, token = http_scenarios.participant(ours)
        note = ""
        if "nearest" in keys:
            note = correctness.check_nearest(
                url,
                {
                    "ours": ours + "/api/actors/nearest?lon={lon}&lat={lat}&limit=10",
                    "reference": ref + "/nearest?lon={lon}&lat={lat}",
                },
            )
            say(f"  correctness: {note}")
        for sc in http_scenarios.scenarios(ours, ref, tg, walk, token):
            if sc.key not in keys:
                continue
            say(f"[bold]{sc.key}[/]: {sc.title}")
            mine, theirs = http_scenarios.run_scenario(sc, config.repetitions, config.timing, say)
            rows.append(_http_row(sc, mine, theirs, note if sc.key == "nearest" else ""))
        if extra is not None:
            extra += tail_floor(ref, rows, config)
    _clean_submissions(url)
    for row in rows:
        if row.scenario.startswith("public aggregated grid"):
            row.note, cold, seconds = batch_scenarios.run_grid_cold(url, config.repetitions, say)
            row.target = f"throughput {TARGETS['grid'][0]}; one computation ≤ {GRID_COLD_S} s"
            served = bool(row.met)
            if row.ref["rps"].high == 0:  # every reference request timed out under load
                row.ratio = (
                    f"served: ∞ (the reference completed no request at 16 connections); "
                    f"one computation: {cold:.2f}× faster, {seconds:.2f} s"
                )
                served = True
            row.met = served and seconds <= GRID_COLD_S
    return rows


def tail_floor(ref: str, rows: list[Row], config: Config) -> list[str]:
    """p99 at 16 connections of a request that does nothing (the reference app's ``/health``:
    FastAPI, no database), against the p99 of every row: how much of a tail is this machine
    (two cores shared by wrk, the uvicorn workers and PostgreSQL) rather than the work."""
    loads = [
        run_wrk(ref, "get.lua", 16, config.timing.loaded, env=http_scenarios.get_env("/health"))
        for _ in range(config.repetitions)
    ]
    p99 = Figure.of([load.p99_ms for load in loads])
    p50 = Figure.of([load.p50_ms for load in loads])
    rps = Figure.of([load.requests / load.seconds for load in loads])
    lines = [
        "",
        "## Tail latency (16 connections)",
        "",
        f"Floor of this machine: a FastAPI endpoint that does nothing (reference `/health`, no "
        f"database), same wrk settings: rps {rps.show(' req/s', 0)}; p50 {p50.show(' ms', 2)}; "
        f"**p99 {p99.show(' ms', 1)}**. wrk's two threads, the uvicorn workers and PostgreSQL "
        f"share two cores: a request that waits for a core behind the others' time slices "
        f"makes the tail, whatever it does.",
        "",
        "| scenario | ours p99 | reference p99 | floor share of ours |",
        "| --- | --- | --- | --- |",
    ]
    for row in rows:
        ours, theirs = row.ours.get("p99"), row.ref.get("p99")
        if ours is None or theirs is None or not ours.median:
            continue
        share = min(1.0, p99.median / ours.median)
        lines.append(
            f"| {row.scenario} | {ours.show(' ms', 1)} | {theirs.show(' ms', 1)} | {share:.0%} |"
        )
    say("\n".join(lines))
    return [*lines, ""]


def _http_row(sc: Scenario, mine: Samples, theirs: Samples, note: str) -> Row:
    row = Row(sc.title, sc.ref.label, "", _figures(mine), _figures(theirs), note=note)
    if sc.key == "ogc":
        rps = _ratio(mine.rps, theirs.rps)
        p99 = _ratio(mine.p99, theirs.p99)
        row.target = "≥ 3× throughput, ≤ ½ p99"
        row.ratio = f"throughput {rps.show('×', 2)}; p99 {p99.show('×', 2)}"
        row.met = rps.median >= 3 and p99.median <= 0.5
        return row
    label, threshold = TARGETS[sc.key]
    rps = _ratio(mine.rps, theirs.rps)
    row.target = f"throughput {label}"
    row.ratio = rps.show("", 2)
    row.met = rps.median >= threshold
    return row


def _clean_submissions(url: str) -> None:
    """Remove what the submission scenario wrote (the seeded data stay as seeded)."""
    with connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute(
            "DELETE FROM observations WHERE walk_id IN (SELECT id FROM walks WHERE title = %s)",
            ("Banc d'essai : envois",),
        )
        conn.execute("TRUNCATE bench_ref.observation_versions")


def map_row(config: Config) -> Row:
    """Scenario 5 (the safety map's measure), or a pending row."""
    title = f"safety map, {config.map_points:,} observations (build + serve)"
    row = Row(title, "naive Folium CircleMarkers", "≥ 10× faster, ≤ 1/10 the bytes")
    say(f"[bold]map[/]: {title}")
    result = map_scenario.run(config.map_points, config.repetitions, config.naive_map_repetitions)
    if result is None:
        row.ratio = "pending"
        row.note = "bench/maps_safety.py is missing"
        return row
    row.ours = {"seconds": Figure.of(result.ours_seconds), "bytes": Figure.of(result.ours_bytes)}
    row.ref = {"seconds": Figure.of(result.naive_seconds), "bytes": Figure.of(result.naive_bytes)}
    speed = _ratio(result.ours_seconds, result.naive_seconds, invert=True)
    size = _ratio(result.ours_bytes, result.naive_bytes)
    row.ratio = f"{speed.show('× faster', 1)}; bytes {size.show('×', 3)}"
    row.met = speed.median >= 10 and size.median <= 0.1
    row.note = result.note
    return row


def map_million_row(url: str, config: Config) -> Row:
    """Issue 19: the safety map over every observation of the benchmark database."""
    title = f"safety map, {config.plan.observations:,} observations (build + serve)"
    say(f"[bold]map1m[/]: {title}")
    result = map_million.measure(url, config.repetitions)
    seconds = Figure.of(result.seconds)
    row = Row(
        title,
        "—",
        f"under {map_million.LIMIT_S} s and {map_million.LIMIT_BYTES / 1e6:g} MB",
        {"seconds": seconds, "bytes": Figure.of([float(result.bytes)])},
        {},
        f"{seconds.median:.2f} s, {result.bytes / 1e6:.2f} MB",
        seconds.median < map_million.LIMIT_S and result.bytes < map_million.LIMIT_BYTES,
        map_million.describe(result),
    )
    say(f"  {row.ratio}; {row.note}")
    return row


def stats_row(url: str, config: Config) -> Row:
    """Scenario 6."""
    title = f"per-QPV statistics over {config.plan.observations:,} observations"
    say(f"[bold]stats[/]: {title}")
    ours, ref, note = batch_scenarios.run_stats(url, config.repetitions, say)
    return _time_row(title, "bare PostGIS ST_Contains join + GROUP BY", ours, ref, 1.5, note)


def import_row(config: Config) -> Row:
    """Scenario 7."""
    plan = batch_scenarios.ImportPlan(config.import_rows, config.plan.seed + 1)
    title = f"import {config.import_rows:,} observations (CLI)"
    say(f"[bold]import[/]: {title}")
    template = batch_scenarios.prepare_import(plan, say)
    ours, ref, note = batch_scenarios.run_import(template, plan, config.repetitions, say)
    reference = "PostgreSQL COPY of the same rows into identical tables"
    return _time_row(title, reference, ours, ref, 2, note)


def _time_row(
    title: str, reference: str, ours: list[float], ref: list[float], limit: float, note: str
) -> Row:
    """A scenario timed in seconds whose target is at most ``limit`` times the reference."""
    ratio = _ratio(ours, ref)
    return Row(
        title,
        reference,
        f"time ≤ {limit:g}×",
        {"seconds": Figure.of(ours)},
        {"seconds": Figure.of(ref)},
        ratio.show("×", 2),
        ratio.median <= limit,
        note,
    )
