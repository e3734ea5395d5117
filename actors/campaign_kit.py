"""The campaign kit's data (issue 21): the help places a printed directory lists for an area
(the nearest ones per need), the places where QR codes are displayed, and their scans.

A scan is one counter per (place of display, month) in Paris time: nothing about the person
(no cookie, no address, no hour) is kept. The counts are published per month with the
small-count rule of the dashboards (:func:`planning.suppress.suppress` is applied by the
caller, :mod:`app.printed`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg

from actors import finder, folding, vocab
from actors.repo import review
from geo.errors import Invalid, NotFound

PER_NEED = 3
"""Places listed per need in a printed directory."""
RADIUS_M = 15_000
"""A place farther than this from the area is not printed (a resident goes there on foot or
by bus)."""


@dataclass(frozen=True)
class Area:
    kind: str
    """``qpv`` or ``commune``."""
    code: str
    name: str
    lon: float
    lat: float

    @property
    def query(self) -> dict[str, str]:
        """What the resident search takes for this area."""
        return {"quartier": self.code} if self.kind == "qpv" else {"commune": self.code}


def qpv_area(conn: psycopg.Connection[Any], code: str, generation: int) -> Area:
    found = review.quartier_point(conn, code, generation)
    if found is None:
        raise NotFound(f"quartier (QPV) inconnu : {code}")
    return Area("qpv", code, found[2], found[0], found[1])


def commune_area(conn: psycopg.Connection[Any], insee: str) -> Area:
    """A commune of the directory, placed at the centre of its public places."""
    if not re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}", insee):
        raise Invalid(f"code INSEE de commune attendu (5 chiffres) : {insee!r}")
    row = conn.execute(
        """
        SELECT ST_X(c), ST_Y(c), names FROM (
            SELECT ST_Centroid(ST_Collect(geom)) AS c, array_agg(DISTINCT commune) AS names
            FROM actor WHERE code_insee = %s AND visibility = 'public' AND status <> 'fermee'
        ) s WHERE c IS NOT NULL
        """,
        (insee,),
    ).fetchone()
    if row is None:
        raise NotFound(f"aucun lieu d'aide public dans la commune {insee}")
    name = folding.display_commune(sorted(n for n in row[2] if n)[0])
    return Area("commune", insee, name, float(row[0]), float(row[1]))


@dataclass(frozen=True)
class NeedGroup:
    code: str
    label: str
    places: list[dict[str, Any]]
    """Feature properties of the nearest public places for this need, nearest first."""


def places_by_need(
    conn: psycopg.Connection[Any], territory_id: str, area: Area, per_need: int = PER_NEED
) -> list[NeedGroup]:
    """For each need (domain of the vocabulary), the nearest open public places from the
    area; needs without any place within :data:`RADIUS_M` are left out."""
    viewer = finder.viewer_for(None)
    groups = []
    for term in vocab.domains().terms:
        crit = finder.criteria(domain=term.code)
        found = finder.nearest(
            conn, territory_id, area.lon, area.lat, crit, viewer, per_need, RADIUS_M
        )
        places = [f["properties"] for f in found["features"]]
        if places:
            groups.append(NeedGroup(term.code, term.label, places))
    return groups


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """« Médiathèque Jacques-Demy » → ``mediatheque-jacques-demy``."""
    return _SLUG.sub("-", folding.fold(text).lower()).strip("-")[:70]


def register_source(
    conn: psycopg.Connection[Any],
    code: str,
    label: str,
    kind: str,
    area: Area | None,
    paper: str | None,
    by_login: str | None,
) -> str:
    """Record a place of display (idempotent: printing again keeps its counts)."""
    conn.execute(
        """
        INSERT INTO campaign_source (code, label, kind, qpv_code, commune_insee, paper,
                                     created_by)
        VALUES (%s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label
        """,
        (
            code,
            label,
            kind,
            area.code if area and area.kind == "qpv" else None,
            area.code if area and area.kind == "commune" else None,
            paper,
            by_login,
        ),
    )
    return code


def count_scan(conn: psycopg.Connection[Any], source: str) -> bool:
    """One scan of ``source`` this month (Paris time); False for an unknown source."""
    if not 3 <= len(source) <= 80:
        return False
    row = conn.execute(
        """
        INSERT INTO campaign_scan (source, month, scans)
        SELECT code, date_trunc('month', now() AT TIME ZONE 'Europe/Paris')::date, 1
        FROM campaign_source WHERE code = %s
        ON CONFLICT (source, month) DO UPDATE SET scans = campaign_scan.scans + 1
        RETURNING 1
        """,
        (source,),
    ).fetchone()
    return row is not None


def scans(conn: psycopg.Connection[Any], months: int = 12) -> list[tuple[str, str, date, int]]:
    """(source, label, month, scans) of the last ``months`` months, every source × month
    (zeros included), oldest month first."""
    rows = conn.execute(
        """
        WITH m AS (
            SELECT generate_series(
                date_trunc('month', now() AT TIME ZONE 'Europe/Paris')
                    - make_interval(months => %s - 1),
                date_trunc('month', now() AT TIME ZONE 'Europe/Paris'),
                interval '1 month')::date AS month
        )
        SELECT s.code, s.label, m.month, coalesce(c.scans, 0)
        FROM campaign_source s CROSS JOIN m
        LEFT JOIN campaign_scan c ON c.source = s.code AND c.month = m.month
        WHERE m.month >= date_trunc('month', s.created_at AT TIME ZONE 'Europe/Paris')::date
        ORDER BY m.month, s.label, s.code
        """,
        (months,),
    ).fetchall()
    return [(r[0], r[1], r[2], int(r[3])) for r in rows]
