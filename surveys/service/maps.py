"""Map views of the surveys: the planners' safety map and a walk's map. The policy decides who
sees what (:mod:`surveys.policy`: the scope for which observations, the field-level view for
exact points or 100 m cells and texts); PostGIS aggregates; the result is small enough for a
map."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from accounts.models import Principal
from geo.errors import Invalid, NotFound
from surveys import policy, states
from surveys.grid import grid
from surveys.mapdata import (
    Aggregation,
    IssueMark,
    MapFilters,
    Mark,
    SafetyData,
    StatRow,
    WalkLine,
    WalkMapData,
    WalkSide,
)
from surveys.repo import maps as repo
from surveys.repo import walks as walks_repo

POINT_LIMIT = 1500
"""Up to this many walk observations are drawn one by one; beyond, grouped per grid cell."""
GROUP_LIMIT = 1500
"""At most this many grid cells of observations (the cell doubles until they fit)."""
HEAT_LIMIT = 4000
"""At most this many weighted points in the heat map of low feeling of safety."""
ISSUE_POINT_LIMIT = 1000
"""Up to this many issues drawn one by one; beyond, grouped per grid cell."""
ISSUE_TABLE_LIMIT = 200
"""Issues listed in the table under the map (open first, most recent first)."""
MARKS_ACROSS = 40
"""Grouped markers: at most this many cells across the data's extent (readable when fitted)."""
HEAT_ACROSS = 250
"""Heat map: at most this many cells across the data's extent."""


def check_filters(filters: MapFilters, qpv_names: dict[str, str]) -> None:
    """:class:`Invalid` (French) for an unknown theme or QPV, or a period ending before it
    starts."""
    if filters.theme is not None and filters.theme not in grid().themes:
        raise Invalid(
            f"thème inconnu : {filters.theme!r} (thèmes possibles : {', '.join(grid().themes)})"
        )
    if filters.qpv is not None and filters.qpv not in qpv_names:
        raise Invalid(f"quartier prioritaire inconnu : {filters.qpv} (QPV {filters.generation})")
    if filters.start and filters.end and filters.end < filters.start:
        raise Invalid(f"période vide : du {filters.start} au {filters.end}")


def safety(
    conn: psycopg.Connection[Any], principal: Principal | None, filters: MapFilters
) -> SafetyData:
    """The safety map's data: observations (exact or grouped), the heat of low feeling of
    safety, issues by state, walks, and the table per QPV × time slot × theme.

    Staff only (a facilitator sees the walks they lead); anyone else gets :class:`NotFound`.
    """
    if principal is None or not principal.is_staff:
        raise NotFound("carte réservée à l'équipe")
    scope, view = policy.scope(principal), policy.view(principal)
    with conn.transaction():
        names = repo.qpv_names(conn, filters.generation)
        check_filters(filters, names)
        _snapshot(conn, scope, view, filters)
        data = _safety_from_snapshot(conn, filters, names)
        data.walks = [_walk_line(r) for r in repo.walks(conn, scope, filters)]
    data.extent = _union(data.extent, *(_route_bounds(w) for w in data.walks))
    return data


def _snapshot(
    conn: psycopg.Connection[Any],
    scope: policy.Scope,
    view: policy.View,
    filters: MapFilters,
    walk_id: uuid.UUID | None = None,
) -> None:
    followup, moderation = states.followup(), states.moderation()
    repo.snapshot(
        conn,
        scope,
        view,
        filters,
        open_states=list(followup.states_in("open")),
        tracked_states=[*followup.states_in("open"), *followup.states_in("closed")],
        hidden_states=list(moderation.states_in("hidden")),
        walk_id=walk_id,
    )


def _safety_from_snapshot(
    conn: psycopg.Connection[Any], filters: MapFilters, names: dict[str, str]
) -> SafetyData:
    codes = list(names)
    n_marks, n_open, n_closed = repo.counts(conn)
    marks, marks_info = _marks(conn, n_marks, codes)
    heat, heat_cell = repo.heat(conn, HEAT_LIMIT, HEAT_ACROSS)
    issues, issues_info = _issues(conn, n_open + n_closed)
    table = issues if not issues_info.grouped else None
    return SafetyData(
        filters=filters,
        marks=marks,
        marks_info=marks_info,
        heat=[(float(a), float(b), int(c)) for a, b, c in heat],
        heat_cell_m=heat_cell,
        issues=issues,
        issues_info=issues_info,
        open_issues=n_open,
        closed_issues=n_closed,
        issue_rows=(table or [_issue(r) for r in repo.issue_points(conn, ISSUE_TABLE_LIMIT)])[
            :ISSUE_TABLE_LIMIT
        ],
        walks=[],
        stats=[StatRow(*r) for r in repo.stats(conn, codes)],
        extent=repo.extent(conn),
        qpv_names=names,
    )


def _marks(
    conn: psycopg.Connection[Any], total: int, codes: list[str]
) -> tuple[list[Mark], Aggregation]:
    if total <= POINT_LIMIT:
        rows = repo.mark_points(conn, codes)
        marks = [
            Mark(lat, lon, slot, theme, rating, 1, int(feel <= 1), None, feel, day, text, q, i)
            for lat, lon, slot, theme, rating, feel, day, text, q, i in rows
        ]
        return marks, Aggregation(total)
    groups, cell = repo.mark_groups(conn, GROUP_LIMIT, MARKS_ACROSS)
    marks = [
        Mark(lat, lon, slot, theme, round(mean), n, low, mean)
        for lat, lon, slot, theme, n, mean, low in groups
    ]
    return marks, Aggregation(total, cell)


def _issue(row: tuple[Any, ...]) -> IssueMark:
    lat, lon, is_open, category, state, body, day, text, obs_id = row
    return IssueMark(lat, lon, is_open, 1, category, state, body, day, text, obs_id)


def _issues(conn: psycopg.Connection[Any], total: int) -> tuple[list[IssueMark], Aggregation]:
    if total <= ISSUE_POINT_LIMIT:
        return [_issue(r) for r in repo.issue_points(conn)], Aggregation(total)
    groups, cell = repo.issue_groups(conn, GROUP_LIMIT, MARKS_ACROSS)
    return [IssueMark(lat, lon, o, n) for lat, lon, o, n in groups], Aggregation(total, cell)


def _walk_line(row: tuple[Any, ...]) -> WalkLine:
    walk_id, title, day, slot, codes, women, n, route, stops = row
    return WalkLine(
        walk_id,
        title,
        day,
        slot,
        tuple(codes),
        women,
        n,
        route,
        tuple((int(p), str(name), float(x), float(y)) for p, name, x, y in stops),
    )


def _route_bounds(walk: WalkLine) -> tuple[float, float, float, float] | None:
    points = [(x, y) for _p, _n, x, y in walk.stops]
    if walk.route:
        points += [(float(c[0]), float(c[1])) for c in walk.route.get("coordinates", [])]
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _union(*bounds: tuple[float, float, float, float] | None) -> Any:
    found = [b for b in bounds if b is not None]
    if not found:
        return None
    return (
        min(b[0] for b in found),
        min(b[1] for b in found),
        max(b[2] for b in found),
        max(b[3] for b in found),
    )


def walk_map(
    conn: psycopg.Connection[Any], principal: Principal | None, walk_id: uuid.UUID, generation: int
) -> WalkMapData:
    """A walk's map data, and its paired walk (day/night) when the viewer may read it.

    Readers per :func:`surveys.policy.can_read_walk` (staff who see everything, the walk's
    facilitator, its participants); others get :class:`NotFound`. A participant sees their own
    observations and the published ones of the walk (the policy's scope).
    """
    if principal is None:
        raise NotFound("marche introuvable")
    ref = policy.check_read_walk(principal, walks_repo.get_ref(conn, walk_id))
    scope, view = policy.scope(principal), policy.view(principal)
    names = repo.qpv_names(conn, generation)
    main = _side(conn, scope, view, ref.id, ref.demo, names)
    pair_id = walks_repo.paired_walk_id(conn, ref.id)
    pair = walks_repo.get_ref(conn, pair_id) if pair_id else None
    paired = None
    if pair is not None and policy.can_read_walk(principal, pair):
        paired = _side(conn, scope, view, pair.id, pair.demo, names)
    return WalkMapData(main, paired, names)


def _side(
    conn: psycopg.Connection[Any],
    scope: policy.Scope,
    view: policy.View,
    walk_id: uuid.UUID,
    demo: bool,
    names: dict[str, str],
) -> WalkSide:
    filters = MapFilters(demo=demo)
    with conn.transaction():
        _snapshot(conn, scope, view, filters, walk_id)
        marks, _info = _marks(conn, 0, list(names))
        issues = [_issue(r) for r in repo.issue_points(conn, ISSUE_POINT_LIMIT)]
        rows = repo.walks(conn, policy.Scope(everything=True), filters, 1, walk_id)
    if not rows:
        raise NotFound("marche introuvable")
    return WalkSide(_walk_line(rows[0]), marks[:POINT_LIMIT], issues, demo)
