"""The yearly evaluation of the equal-rights axis (issue 20): every commitment of
``planning/commitments.toml`` with its indicator computed by a named query
(:mod:`planning.repo.evaluation`) for the year and the year before, against its target.

The small-count rule of the public tables: a ``protected`` count from 1 to k − 1 is not
published (« moins de k »); a share is published when its base holds at least k (a share of
protected acts) or at least 1; a median needs k values. Zero is published (it is a finding)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from planning.repo import evaluation as repo

FILE = Path(__file__).with_name("commitments.toml")
KINDS = ("count", "share", "median")


@dataclass(frozen=True)
class Commitment:
    code: str
    commitment: str
    pilot: str
    indicator: str
    query: str
    kind: str
    protected: bool
    target: float
    target_note: str


def commitments(path: Path = FILE) -> tuple[Commitment, ...]:
    """The commitments, checked (known query, known kind, unique codes)."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for item in raw["commitments"]:
        c = Commitment(
            str(item["code"]),
            str(item["commitment"]),
            str(item["pilot"]),
            str(item["indicator"]),
            str(item["query"]),
            str(item["kind"]),
            bool(item["protected"]),
            float(item["target"]),
            str(item.get("target_note", "")),
        )
        if c.query not in repo.QUERIES:
            raise ValueError(f"{path.name}: {c.code}: unknown query {c.query!r}")
        if c.kind not in KINDS:
            raise ValueError(f"{path.name}: {c.code}: unknown kind {c.kind!r}")
        out.append(c)
    if len({c.code for c in out}) != len(out):
        raise ValueError(f"{path.name}: duplicate commitment code")
    return tuple(out)


def published(c: Commitment, value: float | None, base: int, k: int) -> float | None:
    """``value`` when the rule lets it out, else None."""
    if value is None:
        return None
    if c.kind == "count":
        return None if c.protected and 0 < value < k else value
    if c.kind == "share":
        return value if base >= (k if c.protected else 1) else None
    return value if base >= k else None  # median


@dataclass(frozen=True)
class Line:
    commitment: Commitment
    value: float | None
    previous: float | None
    hidden: bool
    previous_hidden: bool
    sql: str


@dataclass(frozen=True)
class Evaluation:
    territory: str
    territory_name: str
    year: int
    k: int
    lines: tuple[Line, ...]


def evaluate(
    conn: psycopg.Connection[Any], territory_id: str, territory_name: str, year: int, k: int
) -> Evaluation:
    lines = []
    for c in commitments():
        value, base = repo.run(conn, c.query, territory_id, year)
        before, before_base = repo.run(conn, c.query, territory_id, year - 1)
        shown, shown_before = published(c, value, base, k), published(c, before, before_base, k)
        lines.append(
            Line(
                c,
                shown,
                shown_before,
                hidden=value is not None and shown is None,
                previous_hidden=before is not None and shown_before is None,
                sql=" ".join(repo.QUERIES[c.query].split()),
            )
        )
    return Evaluation(territory_id, territory_name, year, k, tuple(lines))
