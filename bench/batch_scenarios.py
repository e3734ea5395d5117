"""Scenarios 6 and 7, timed in seconds next to their reference in the same run.

6. Per-QPV statistics: the query of the planners' dashboards
   (:func:`planning.repo.dashboard.walk_observations`, which reads the ``qpv_codes`` attributed at
   insert) over every QPV of the territory and all the observations, against the bare PostGIS
   ``ST_Contains`` join + ``GROUP BY`` computing the same rows; both must give the same figures.
7. ``cartegalite surveys import FILE.csv`` (a subprocess, as a user runs it) into a fresh copy of a
   database holding the walks, against PostgreSQL ``COPY`` of the very rows the import stored
   into tables identical to ``observations`` and ``observation_versions`` (same columns, CHECKs,
   indexes and foreign keys).
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
from psycopg import sql

from bench import db, seed
from bench.observations_gen import make_walks, observation_chunks
from bench.servers import ROOT
from geo.postgis import connect
from planning.repo import dashboard
from surveys.states import moderation

Say = Callable[[str], None]
IMPORT_DB = "cartegalite_bench_import"
WORK = ROOT / "var" / "bench"
COPY_TABLES = ("observations", "observation_versions")

REFERENCE_STATS = """
SELECT q.code, to_char(v.observed_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS month,
       v.theme, w.time_slot AS slot, count(*)::int AS n,
       count(v.feeling)::int AS n_feeling, coalesce(sum(v.feeling), 0)::int AS feeling_sum,
       count(v.rating)::int AS n_rating, coalesce(sum(v.rating), 0)::int AS rating_sum
FROM observations o
JOIN observation_versions v ON v.observation_id = o.id AND v.version = o.current_version
JOIN walks w ON w.id = o.walk_id
JOIN qpv q ON q.generation = 2015 AND q.code = ANY(%(codes)s) AND ST_Contains(q.geom, v.geom)
WHERE o.kind = 'marche' AND NOT v.deleted AND NOT o.demo AND o.moderation = ANY(%(moderation)s)
  AND v.observed_at >= %(start)s AND v.observed_at < %(end)s
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
"""
KEYS = ("code", "month", "theme", "slot", "n", "n_feeling", "feeling_sum", "n_rating", "rating_sum")


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_stats(url: str, repetitions: int, say: Say) -> tuple[list[float], list[float], str]:
    """Seconds of ours and of the reference per repetition, and a note on their agreement."""
    start = datetime(2015, 1, 1, tzinfo=UTC)
    end = datetime.now(UTC) + timedelta(days=1)
    states = moderation()
    shown = list(states.states_in("visible") + states.states_in("pending"))  # the staff view
    ours_s, ref_s = [], []
    with connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
        codes = dashboard.territory_codes(conn, "nantes-metropole", 2015)
        params = {"codes": codes, "moderation": shown, "start": start, "end": end}

        def ours() -> list[tuple[Any, ...]]:
            rows = dashboard.walk_observations(conn, codes, start, end, shown, 0, False)
            return [tuple(r[k] for k in KEYS) for r in rows]

        def reference() -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(REFERENCE_STATS, params).fetchall()]

        ours(), reference()  # warm
        for rep in range(repetitions):
            t_ours, mine = _timed(ours)
            t_ref, theirs = _timed(reference)
            ours_s.append(t_ours)
            ref_s.append(t_ref)
            say(f"  stats #{rep + 1}: ours {t_ours:.3f} s, ST_Contains join {t_ref:.3f} s")
    total = sum(r[4] for r in mine)
    note = (
        f"planning.repo.dashboard.walk_observations over the {len(codes)} QPV 2015 of the "
        f"territory: {len(mine):,} rows (QPV × month × theme × time slot), {total:,} walk "
        "observations; "
        + ("identical to the ST_Contains join" if mine == theirs else "**differs from the join**")
    )
    return ours_s, ref_s, note


def run_grid_cold(url: str, repetitions: int, say: Say) -> tuple[str, float, float]:
    """The public aggregate computed without the cache (what one request after expiry costs):
    the service (maintained counts, issue 19) and its serialisation against the reference's SQL
    building the same JSON from every observation. Returns the note, the median throughput
    ratio (reference time / ours) and our median seconds."""
    from app.settings import Settings
    from bench.reference import GRID, _grid_params
    from surveys.models import SurveyConfig
    from surveys.service import public

    settings = Settings(database_url=url)
    config = SurveyConfig(
        public_min_count=settings.public_min_count, public_delay_days=settings.public_delay_days
    )
    ours_s, ref_s = [], []
    with connect(url, autocommit=True) as conn:
        conn.execute("SET jit = off")  # as the app's and the reference's pools
        for rep in range(repetitions):
            t_ours, _ = _timed(lambda: public.observations_json(conn, config))
            t_ref, _ = _timed(lambda: conn.execute(GRID, _grid_params(settings)).fetchone())
            ours_s.append(t_ours)
            ref_s.append(t_ref)
            say(f"  grid, cache miss #{rep + 1}: ours {t_ours:.2f} s, bare SQL {t_ref:.2f} s")
    ratio = [o / r for o, r in zip(ours_s, ref_s, strict=True)]
    note = (
        f"served from the response cache (CARTEGALITE_PUBLIC_CACHE_S, 60 s per worker) as "
        f"deployed; one computation after expiry (in process, median of {repetitions}): ours "
        f"{statistics.median(ours_s):.2f} s vs bare SQL {statistics.median(ref_s):.2f} s, "
        f"{statistics.median(ratio):.2f}× its time (throughput ratio "
        f"{1 / statistics.median(ratio):.2f})"
    )
    return note, 1 / statistics.median(ratio), statistics.median(ours_s)


@dataclass(frozen=True)
class ImportPlan:
    rows: int
    seed: int

    @property
    def csv(self) -> Path:
        return WORK / f"import-{self.rows}-{self.seed}.csv"


def prepare_import(plan: ImportPlan, say: Say) -> str:
    """A template database with the walks the file refers to, and the CSV file; both kept
    between runs (re-made when the plan changes). Returns the template's URL."""
    url = db.database_url(IMPORT_DB)
    with connect(url, autocommit=True) as conn:
        ready = seed.seeded_plan_raw(conn) == asdict(plan) and plan.csv.exists()
    if ready:
        return url
    say(f"  preparing the import file ({plan.rows:,} rows) and its walks")
    url = db.recreate(IMPORT_DB)
    rng = np.random.default_rng(plan.seed)
    with connect(url, autocommit=True) as conn:
        qpv = seed.load_qpv(conn)
        walks = make_walks(
            rng, seed.metropole_qpv(conn, qpv), max(1, plan.rows // 50), 730, _today()
        )
        with conn.transaction():
            facilitator = seed.user(conn, seed.FACILITATOR, seed.Role.FACILITATOR)
            seed.user(conn, seed.IMPORTER, seed.Role.PLANNER)
            seed.load_walks(conn, walks, qpv, facilitator)
        _write_csv(plan, rng, walks, qpv)
        seed.write_meta_raw(conn, asdict(plan), {"rows": plan.rows})
        conn.execute("ANALYZE")
    return url


def _today() -> Any:
    return datetime.now(UTC).date()


CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "walk_id",
    "lon",
    "lat",
    "observed_at",
    "theme",
    "items",
)
CSV_COLUMNS += ("rating", "feeling", "works_well", "comment", "category")


def _write_csv(plan: ImportPlan, rng: np.random.Generator, walks: Any, qpv: Any) -> None:
    plan.csv.parent.mkdir(parents=True, exist_ok=True)
    part = plan.csv.with_suffix(".part")
    with part.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(CSV_COLUMNS)
        for chunk in observation_chunks(rng, walks, qpv, plan.rows, uuid.uuid4(), hashed=False):
            for r in chunk:
                o = r.obs
                out.writerow(
                    (
                        o.id,
                        o.kind.value,
                        o.walk_id or "",
                        repr(o.lon),
                        repr(o.lat),
                        o.observed_at.isoformat(),
                        o.theme or "",
                        "|".join(o.items),
                        "" if o.rating is None else o.rating,
                        "" if o.feeling is None else o.feeling,
                        "true" if o.works_well else "false",
                        o.comment or "",
                        o.category or "",
                    )
                )
    part.rename(plan.csv)


def run_import(
    template: str, plan: ImportPlan, repetitions: int, say: Say
) -> tuple[list[float], list[float], str]:
    """Seconds of the CLI import and of the reference COPY per repetition, and a note."""
    target = db.with_database(template, IMPORT_DB + "_run")
    dumps = {t: WORK / f"import-{plan.rows}-{plan.seed}.{t}.copy" for t in COPY_TABLES}
    ours_s, ref_s = [], []
    created = 0
    try:
        for rep in range(repetitions):
            db.clone(target, template)
            t_ours, created = _cli_import(target, plan.csv)
            if rep == 0:
                _dump(target, dumps)
            db.clone(target, template)
            t_ref = _reference_copy(target, dumps)
            ours_s.append(t_ours)
            ref_s.append(t_ref)
            say(f"  import #{rep + 1}: CLI {t_ours:.2f} s, COPY {t_ref:.2f} s")
    finally:
        db.drop(target)
        for path in dumps.values():
            path.unlink(missing_ok=True)
    note = f"{created:,} of {plan.rows:,} rows created (the others are outside the territory)"
    return ours_s, ref_s, note


def _cli_import(url: str, path: Path) -> tuple[float, int]:
    cli = Path(sys.executable).with_name("cartegalite")
    env = {**os.environ, "DATABASE_URL": url}
    start = time.perf_counter()
    proc = subprocess.run(
        [str(cli), "surveys", "import", str(path), "--author", seed.IMPORTER, "--show", "3"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"import failed: {proc.stdout[-1000:]}{proc.stderr[-1000:]}")
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM observation_versions").fetchone()
    return took, int(row[0]) if row else 0


def _dump(url: str, dumps: dict[str, Path]) -> None:
    """The rows the import stored, as COPY text (the reference loads exactly these)."""
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for table, path in dumps.items():
            query = sql.SQL("COPY {} TO STDOUT").format(sql.Identifier(table))
            with path.open("wb") as fh, cur.copy(query) as copy:
                for block in copy:
                    fh.write(block)


def _reference_copy(url: str, dumps: dict[str, Path]) -> float:
    with psycopg.connect(url, autocommit=True) as conn:
        identical_tables(conn)
        start = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            for table, path in dumps.items():
                query = sql.SQL("COPY {} FROM STDIN").format(sql.Identifier("bench_ref", table))
                with path.open("rb") as fh, cur.copy(query) as copy:
                    while block := fh.read(1 << 20):
                        copy.write(block)
        return time.perf_counter() - start


def identical_tables(conn: psycopg.Connection[Any]) -> None:
    """``bench_ref.observations`` and ``bench_ref.observation_versions``: same columns, CHECKs,
    indexes (``LIKE … INCLUDING ALL``) and the same foreign keys as the originals."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS bench_ref")
    for table in COPY_TABLES:
        conn.execute(
            sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(
                sql.Identifier("bench_ref", table), sql.Identifier("public", table)
            )
        )
    rows = conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
        (list(COPY_TABLES),),
    ).fetchall()
    for table, name, definition in rows:
        definition = definition.replace(
            "REFERENCES observations(", "REFERENCES bench_ref.observations("
        )
        conn.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} " + definition).format(
                sql.Identifier("bench_ref", table), sql.Identifier(name)
            )
        )
