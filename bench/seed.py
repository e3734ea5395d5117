"""``cartegalite bench seed``: plausible data for Nantes Métropole in the benchmark database.

Staff accounts, walks (dates over ~2 years, time slots), pseudonymous participants, observations
(``observations`` + ``observation_versions`` version 1, payload hash, QPV attributed as at insert)
and synthetic support actors, bulk-loaded with binary ``COPY``. Secondary indexes are dropped
during the load and re-created from their own definitions afterwards (faster than maintaining
them row by row); constraints and foreign keys stay on.

Not generated: photos, follow-up and moderation transition rows (the states are set directly),
walk stops and routes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import psycopg
import shapely
from psycopg import sql
from psycopg.types.json import Jsonb

from accounts import repo as accounts_repo
from accounts.models import Role
from bench import actors_gen
from bench.observations_gen import Qpv, Walks, make_walks, observation_chunks
from geo import territory
from surveys.repo import public as public_counts

Progress = Callable[[str, int, int], None]

TERRITORY = "nantes-metropole"
FACILITATOR = "bench.animation"
IMPORTER = "bench.import"
META_TABLE = "bench_meta"


@dataclass(frozen=True)
class Plan:
    """What to generate (the defaults are the sizes of the issue)."""

    observations: int = 1_000_000
    actors: int = 100_000
    seed: int = 44
    days: int = 730
    per_walk: int = 50

    @property
    def walks(self) -> int:
        return max(1, self.observations // self.per_walk)


def _quiet(step: str, done: int, total: int) -> None:
    return None


def seed(conn: psycopg.Connection[Any], plan: Plan, progress: Progress = _quiet) -> dict[str, int]:
    """Load ``plan`` into a migrated database holding the QPV and the real actors.

    Parameters
    ----------
    conn : psycopg.Connection
        Autocommit connection; everything is written in one transaction.
    plan : Plan
        Sizes and RNG seed.
    progress : callable
        Called with (step, done, total).

    Returns
    -------
    dict
        Rows written per table.
    """
    rng = np.random.default_rng(plan.seed)
    qpv = load_qpv(conn)
    polygons_2015 = metropole_qpv(conn, qpv)
    today = datetime.now(UTC).date()
    walks = make_walks(rng, polygons_2015, plan.walks, plan.days, today)
    with conn.transaction():
        # Foreign keys are checked once, set-based, after the load (check_references) instead
        # of by one trigger per row: the generator only refers to rows it wrote itself.
        conn.execute("SET LOCAL session_replication_role = replica")
        facilitator = user(conn, FACILITATOR, Role.FACILITATOR)
        user(conn, IMPORTER, Role.PLANNER)
        counts = load_walks(conn, walks, qpv, facilitator)
        with dropped_indexes(conn, ("observations", "observation_versions")):
            counts["observations"] = _load_observations(
                conn, rng, walks, qpv, plan, facilitator, progress
            )
        xy = actors_gen.positions(rng, polygons_2015, plan.actors)
        tpl = actors_gen.templates(conn)
        with dropped_indexes(conn, ("actor",)):
            counts["actors"] = copy_text(
                conn, "actor", actors_gen.COPY_COLUMNS, actors_gen.rows(rng, tpl, xy)
            )
        progress("actors", plan.actors, plan.actors)
        conn.execute("SET LOCAL session_replication_role = DEFAULT")
        check_references(conn)
        public_counts.rebuild(conn)  # the triggers were off with the foreign keys
        write_meta(conn, plan, counts)
    for table in (
        "walks",
        "participants",
        "observations",
        "observation_versions",
        "actor",
        "public_cell_counts",
    ):
        conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
    return counts


def load_qpv(conn: psycopg.Connection[Any]) -> Qpv:
    """The stored QPV of every generation, in the order the app writes ``qpv_codes``."""
    rows = conn.execute(
        "SELECT code, ST_AsBinary(geom) FROM qpv ORDER BY generation, code"
    ).fetchall()
    if not rows:
        raise RuntimeError("no QPV in the database: import them first")
    polygons = [shapely.from_wkb(bytes(r[1])) for r in rows]
    for p in polygons:
        shapely.prepare(p)
    return Qpv([r[0] for r in rows], polygons)


def metropole_qpv(conn: psycopg.Connection[Any], qpv: Qpv) -> list[Any]:
    """The 2015 QPV polygons inside the territory (Nantes Métropole; Saint-Nazaire's are not)."""
    x0, y0, x1, y1 = territory.get(conn, TERRITORY).bounds
    return [
        p
        for c, p in zip(qpv.codes, qpv.polygons, strict=True)
        if c[:2] == "QP" and x0 <= p.centroid.x <= x1 and y0 <= p.centroid.y <= y1
    ]


def user(conn: psycopg.Connection[Any], login: str, role: Role) -> uuid.UUID:
    """The id of account ``login`` (created with ``role`` when missing)."""
    found = accounts_repo.get_user_by_login(conn, login) or accounts_repo.insert_user(
        conn, login, role, display_name="Banc d'essai", organisation="Benchmark"
    )
    return found.id


WALK_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "walk_date",
    "time_slot",
    "territory",
    "qpv_codes",
    "invite_code",
)
WALK_COLUMNS += ("facilitator_id", "created_by", "status", "group_size", "women_only")
WALK_TYPES: tuple[str, ...] = (
    "uuid",
    "text",
    "date",
    "text",
    "text",
    "text[]",
    "text",
    "uuid",
    "uuid",
    "text",
)
WALK_TYPES += ("int4", "bool")


def load_walks(
    conn: psycopg.Connection[Any], walks: Walks, qpv: Qpv, facilitator: uuid.UUID
) -> dict[str, int]:
    """COPY the walks and their participants."""
    centre_qpv = qpv.codes_of(walks.centres[:, 0], walks.centres[:, 1])
    walk_rows = (
        [
            walks.ids[i],
            f"Marche exploratoire (banc d'essai) n° {i + 1}",
            walks.dates[i],
            walks.slots[i],
            TERRITORY,
            centre_qpv[i],
            f"B{i:07d}",
            facilitator,
            facilitator,
            walks.statuses[i],
            len(walks.participants[i]),
            bool(i % 3 == 0),
        ]
        for i in range(len(walks.ids))
    )
    n_walks = copy_binary(
        conn,
        "walks",
        WALK_COLUMNS,
        WALK_TYPES,
        walk_rows,
    )
    people = (
        [pid, walks.ids[i], f"Participante {j + 1}"]
        for i, group in enumerate(walks.participants)
        for j, pid in enumerate(group)
    )
    n_people = copy_binary(
        conn, "participants", ("id", "walk_id", "pseudonym"), ("uuid", "uuid", "text"), people
    )
    return {"walks": n_walks, "participants": n_people}


OBS_COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "walk_id",
    "participant_id",
    "author_user_id",
    "payload_hash",
)
OBS_COLUMNS += ("moderation", "followup", "received_at")
OBS_TYPES = ("uuid", "text", "uuid", "uuid", "uuid", "bytea", "text", "text", "timestamptz")
VERSION_COLUMNS: tuple[str, ...] = (
    "observation_id",
    "version",
    "geom",
    "observed_at",
    "theme",
    "items",
)
VERSION_COLUMNS += ("rating", "feeling", "works_well", "comment", "category", "qpv_codes")
VERSION_COLUMNS += ("participant_id", "author_user_id", "created_at")
VERSION_TYPES: tuple[str, ...] = (
    "uuid",
    "int4",
    "bytea",
    "timestamptz",
    "text",
    "text[]",
    "int2",
    "int2",
)
VERSION_TYPES += ("bool", "text", "text", "text[]", "uuid", "uuid", "timestamptz")
"""``geom`` travels as EWKB bytes: in binary COPY the server reads them with geometry_recv."""


def _load_observations(
    conn: psycopg.Connection[Any],
    rng: np.random.Generator,
    walks: Walks,
    qpv: Qpv,
    plan: Plan,
    author: uuid.UUID,
    progress: Progress,
) -> int:
    done = 0
    for chunk in observation_chunks(rng, walks, qpv, plan.observations, author):
        points = shapely.points([(r.obs.lon, r.obs.lat) for r in chunk])
        ewkb = shapely.to_wkb(shapely.set_srid(points, 4326), include_srid=True)
        copy_binary(conn, "observations", OBS_COLUMNS, OBS_TYPES, _obs_rows(chunk))
        copy_binary(
            conn, "observation_versions", VERSION_COLUMNS, VERSION_TYPES, _version_rows(chunk, ewkb)
        )
        done += len(chunk)
        progress("observations", done, plan.observations)
    return done


def _obs_rows(chunk: list[Any]) -> Iterator[list[Any]]:
    for r in chunk:
        o = r.obs
        yield [
            o.id,
            o.kind.value,
            o.walk_id,
            r.participant_id,
            r.author_user_id,
            r.payload_hash,
            r.moderation,
            r.followup,
            r.received_at,
        ]


def _version_rows(chunk: list[Any], ewkb: Sequence[bytes]) -> Iterator[list[Any]]:
    for r, geom in zip(chunk, ewkb, strict=True):
        o = r.obs
        yield [
            o.id,
            1,
            geom,
            o.observed_at,
            o.theme,
            list(o.items),
            o.rating,
            o.feeling,
            o.works_well,
            o.comment,
            o.category,
            r.qpv_codes,
            r.participant_id,
            r.author_user_id,
            r.received_at,
        ]


def copy_binary(
    conn: psycopg.Connection[Any],
    table: str,
    columns: Sequence[str],
    types: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Binary ``COPY table (columns) FROM STDIN``; returns the number of rows."""
    query = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    with conn.cursor() as cur, cur.copy(query) as copy:
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def copy_text(
    conn: psycopg.Connection[Any], table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Text ``COPY`` (values adapted by psycopg); returns the number of rows."""
    query = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    with conn.cursor() as cur, cur.copy(query) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


@contextmanager
def dropped_indexes(conn: psycopg.Connection[Any], tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary (non-constraint) indexes of ``tables``; re-create them on exit."""
    rows = conn.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        (list(tables),),
    ).fetchall()
    for name, _ in rows:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    yield
    for _, definition in rows:
        conn.execute(definition)


REFERENCES = (
    ("walks", "facilitator_id", "users"),
    ("walks", "created_by", "users"),
    ("participants", "walk_id", "walks"),
    ("observations", "walk_id", "walks"),
    ("observations", "participant_id", "participants"),
    ("observations", "author_user_id", "users"),
    ("observation_versions", "observation_id", "observations"),
    ("observation_versions", "participant_id", "participants"),
    ("observation_versions", "author_user_id", "users"),
)


def check_references(conn: psycopg.Connection[Any]) -> None:
    """Raise when a loaded row refers to a missing one (the foreign keys, checked in bulk)."""
    for table, column, target in REFERENCES:
        query = sql.SQL(
            "SELECT count(*) FROM {t} x WHERE x.{c} IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM {r} y WHERE y.id = x.{c})"
        ).format(t=sql.Identifier(table), c=sql.Identifier(column), r=sql.Identifier(target))
        row = conn.execute(query).fetchone()
        if row and row[0]:
            raise RuntimeError(f"{row[0]} rows of {table}.{column} refer to no {target}")


def write_meta(conn: psycopg.Connection[Any], plan: Plan, counts: dict[str, int]) -> None:
    """Record what was seeded (``bench run`` re-seeds only when the plan changed)."""
    write_meta_raw(conn, asdict(plan), counts)


def write_meta_raw(
    conn: psycopg.Connection[Any], plan: dict[str, Any], counts: dict[str, int]
) -> None:
    """Record ``plan`` (any JSON object) as what this database holds."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {META_TABLE} (plan jsonb NOT NULL, counts jsonb NOT NULL, "
        "seeded_at timestamptz NOT NULL DEFAULT now())"
    )
    conn.execute(f"DELETE FROM {META_TABLE}")
    conn.execute(
        f"INSERT INTO {META_TABLE} (plan, counts) VALUES (%s, %s)",
        (Jsonb(plan), Jsonb(counts)),
    )


def seeded_plan_raw(conn: psycopg.Connection[Any]) -> dict[str, Any] | None:
    """The plan recorded in this database, or None."""
    exists = conn.execute("SELECT to_regclass(%s)", (META_TABLE,)).fetchone()
    if not exists or exists[0] is None:
        return None
    row = conn.execute(f"SELECT plan FROM {META_TABLE}").fetchone()
    return dict(row[0]) if row else None


def seeded_plan(conn: psycopg.Connection[Any]) -> Plan | None:
    """The plan the database was seeded with, or None."""
    raw = seeded_plan_raw(conn)
    try:
        return Plan(**raw) if raw else None
    except TypeError:
        return None
