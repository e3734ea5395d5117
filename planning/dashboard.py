"""The per-QPV equality dashboard: what the walks, the follow-up, the action plan, the support
actors and the exhibitions say about one neighbourhood, this year against the previous one, and
what is missing. Public version: aggregated, small counts suppressed (:mod:`planning.suppress`);
staff who see every observation (``surveys.policy``) get the detail.

Every dashboard of a request is built from the same snapshot (one read-only transaction); the
SQL lives in :mod:`planning.repo.dashboard`, the assembly of each section in
:mod:`planning.sections` and :mod:`planning.assembly`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import psycopg

from actors import vocab
from exhibitions import service as exhibitions
from exhibitions.models import Coverage, SchoolYear
from geo.errors import Invalid, NotFound
from planning import assembly, sections
from planning.models import (
    NIGHT_SLOTS,
    PARIS,
    REWALK_DISTANCE_M,
    Audience,
    PlanningConfig,
    check_year,
)
from planning.repo import dashboard as repo
from surveys import states

MAX_COMPARED = 6


def dashboard(
    conn: psycopg.Connection[Any],
    config: PlanningConfig,
    code: str,
    year: int | None,
    audience: Audience,
    demo: bool = False,
) -> dict[str, Any]:
    """The dashboard of one QPV of ``config.generation`` (see README for its sections).

    Parameters
    ----------
    conn : psycopg.Connection
    config : PlanningConfig
    code : str
        QPV code (``QP044005``); :class:`NotFound` when unknown in the generation.
    year : int, optional
        Calendar year shown against the previous one (default: this year).
    audience : Audience
        ``public`` (aggregated, counts below ``public_min_count`` suppressed) or ``staff``.
    demo : bool
        Demonstration data instead of real data.
    """
    return _build(conn, config, [code], check_year(year), audience, demo)[0]


def compare(
    conn: psycopg.Connection[Any],
    config: PlanningConfig,
    codes: list[str],
    year: int | None,
    audience: Audience,
    demo: bool = False,
) -> dict[str, Any]:
    """Dashboards of 2 to 6 QPV side by side (same year, same snapshot)."""
    unique = list(dict.fromkeys(c.strip().upper() for c in codes if c.strip()))
    if not 2 <= len(unique) <= MAX_COMPARED:
        raise Invalid(f"comparer de 2 à {MAX_COMPARED} quartiers (reçu : {len(unique)})")
    built = _build(conn, config, unique, check_year(year), audience, demo)
    return {"year": built[0]["year"], "audience": audience.value, "qpv": built}


def overview(
    conn: psycopg.Connection[Any],
    config: PlanningConfig,
    year: int | None,
    audience: Audience,
    demo: bool = False,
) -> dict[str, Any]:
    """Every QPV of the territory with its headline figures and absences."""
    codes = repo.territory_codes(conn, config.territory, config.generation)
    built = _build(conn, config, codes, check_year(year), audience, demo) if codes else []
    return {
        "year": check_year(year),
        "audience": audience.value,
        "generation": config.generation,
        "qpv": [assembly.headline(d) for d in built],
    }


def school_year_for(year: int, today: date | None = None) -> SchoolYear:
    """The school year in progress at the end of ``year`` (or today, for this year)."""
    today = today or datetime.now(PARIS).date()
    return SchoolYear.of(min(today, date(year, 12, 31)))


def _build(
    conn: psycopg.Connection[Any],
    config: PlanningConfig,
    codes: list[str],
    year: int,
    audience: Audience,
    demo: bool,
) -> list[dict[str, Any]]:
    staff = audience is Audience.STAFF
    k = 1 if staff else config.public_min_count
    start = datetime(year - 1, 1, 1, tzinfo=PARIS)
    end = datetime(year + 1, 1, 1, tzinfo=PARIS)
    school_year = school_year_for(year)
    with conn.transaction():
        repo.read_only_snapshot(conn)
        infos = {r["code"]: r for r in repo.qpv_info(conn, codes, config.generation)}
        missing = [c for c in codes if c not in infos]
        if missing:
            raise NotFound(f"QPV inconnu(s) en {config.generation} : {', '.join(missing)}")
        data = _read(conn, config, codes, start, end, staff, demo)
        coverage = [
            _coverage(conn, config, school_year),
            _coverage(conn, config, school_year.minus(1)),
        ]
    out = []
    for code in codes:
        mine = {key: [r for r in rows if r["code"] == code] for key, rows in data.items()}
        out.append(
            assembly.assemble(infos[code], mine, coverage, year, k, staff, config.actor_distance_m)
        )
    return out


def _read(
    conn: psycopg.Connection[Any],
    config: PlanningConfig,
    codes: list[str],
    start: datetime,
    end: datetime,
    staff: bool,
    demo: bool,
) -> dict[str, list[dict[str, Any]]]:
    moderation = states.moderation()
    followup = states.followup()
    walk_machine = states.walk()
    visible = moderation.states_in("visible")
    # Public audiences count only what moderation published, once the public delay has passed:
    # a pending report must not show in any public figure, not even as a suppressed cell.
    shown = list(visible + moderation.states_in("pending") if staff else visible)
    delay = 0 if staff else config.public_delay_days
    return {
        "observations": repo.walk_observations(conn, codes, start, end, shown, delay, demo),
        "issues": repo.issues(
            conn,
            codes,
            list(followup.states_in("untracked")),
            shown,
            delay,
            sections.RESOLVED,
            demo,
        ),
        "actions": repo.actions(conn, codes, sections.DONE, shown, delay, demo),
        "walks": repo.walks(conn, codes, start, walk_machine.initial, not staff, demo),
        "night_stops": repo.night_stops_not_rewalked(
            conn, codes, list(NIGHT_SLOTS), walk_machine.initial, REWALK_DISTANCE_M, demo
        ),
        "actors": repo.nearest_actors(
            conn, codes, config.generation, list(vocab.grounds().codes), staff
        ),
    }


def _coverage(
    conn: psycopg.Connection[Any], config: PlanningConfig, school_year: SchoolYear
) -> Coverage:
    return exhibitions.coverage(
        conn, config.territory, config.generation, school_year, config.school_distance_m
    )
