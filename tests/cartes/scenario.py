"""The maps' test scenario, written through the real services into a session template: a night
walk of women in Bellevue whose walkers felt unsafe at one dark spot (six observations in one
200 m cell of the public grid), its paired day walk, an evening walk in Malakoff by another
facilitator, GUSP issues open and closed, one observation awaiting moderation; plus the real
support actors and the collèges of Nantes Métropole."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from accounts import service as accounts
from accounts.models import Principal, Role
from surveys.models import (
    Kind,
    ObservationInput,
    StopInput,
    SurveyConfig,
    TimeSlot,
    TransitionInput,
    WalkInput,
)
from surveys.service import followup, observations, walks

BELLEVUE = "QP044005"
MALAKOFF = "QP044013"
XSS = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
DARK_COMMENT = "Passage sombre sous la passerelle " + XSS
CONFIG = SurveyConfig()


@dataclass
class Scenario:
    tokens: dict[str, str] = field(default_factory=dict)
    walks: dict[str, str] = field(default_factory=dict)
    dark_spot: tuple[float, float] = (0.0, 0.0)
    observations: list[tuple[str, float, float]] = field(default_factory=list)
    """(id, lon, lat) of every stored observation."""
    night_bellevue: int = 0
    low_feeling_night: int = 0
    open_bellevue: int = 0
    closed_bellevue: int = 0


def cell_centre_inside(
    conn: psycopg.Connection[Any], code: str, dx: int = 0
) -> tuple[float, float]:
    """(lon, lat) of the centre of a 200 m cell of the public grid (EPSG:2154) whose inner 60 m
    square lies inside the QPV ``code``, near its point on surface shifted ``dx`` cells east."""
    row = conn.execute(
        """
        WITH p AS (SELECT geom_l93 AS g, ST_PointOnSurface(geom_l93) AS s
                   FROM qpv WHERE code = %(code)s AND generation = 2015),
        c AS (
            SELECT (floor(ST_X(s) / 200) + i + %(dx)s) * 200 + 100 AS x,
                   (floor(ST_Y(s) / 200) + j) * 200 + 100 AS y, abs(i) + abs(j) AS d
            FROM p, generate_series(-3, 3) AS i, generate_series(-3, 3) AS j
        )
        SELECT ST_X(q), ST_Y(q) FROM c, p,
               LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(c.x, c.y), 2154), 4326) AS q
        WHERE ST_Contains(p.g, ST_Expand(ST_SetSRID(ST_MakePoint(c.x, c.y), 2154), 30))
        ORDER BY d, c.x, c.y LIMIT 1
        """,
        {"code": code, "dx": dx},
    ).fetchone()
    assert row is not None, code
    return (round(row[0], 7), round(row[1], 7))


def shifted(point: tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    """``point`` moved by a few metres (small offsets: degrees per metre at Nantes)."""
    return (
        round(point[0] + east_m / 75_700, 7),
        round(point[1] + north_m / 111_200, 7),
    )


def _staff(conn: psycopg.Connection[Any], login: str, role: Role, sc: Scenario) -> Principal:
    user, token = accounts.create_staff(conn, login, role, organisation="Ville de Nantes")
    sc.tokens[login] = token
    return Principal(role=role, token_id=0, user_id=user.id, login=login)


def _walk(
    conn: psycopg.Connection[Any],
    who: Principal,
    title: str,
    slot: TimeSlot,
    qpv: str,
    stops: list[tuple[str, tuple[float, float]]],
    days_ago: int,
    paired: str | None = None,
) -> dict[str, Any]:
    from shapely.geometry import LineString

    data = WalkInput(
        title=title,
        walk_date=(datetime.now(UTC) - timedelta(days=days_ago)).date(),
        time_slot=slot,
        qpv_codes=(qpv,),
        organiser="Centre socioculturel",
        group_size=8,
        women_only=slot is TimeSlot.NUIT,
        route=LineString([p for _n, p in stops]),
        stops=tuple(StopInput(n, p[0], p[1]) for n, p in stops),
        paired_walk_id=uuid.UUID(paired) if paired else None,
    )
    return walks.create_walk(conn, who, data, CONFIG)


def _observe(
    conn: psycopg.Connection[Any],
    who: Principal,
    sc: Scenario,
    point: tuple[float, float],
    days_ago: int,
    **fields: Any,
) -> uuid.UUID:
    obs = ObservationInput(
        id=uuid.uuid4(),
        lon=point[0],
        lat=point[1],
        observed_at=datetime.now(UTC) - timedelta(days=days_ago),
        **fields,
    )
    observations.submit(conn, who, obs, CONFIG)
    sc.observations.append((str(obs.id), obs.lon, obs.lat))
    return obs.id


def build(conn: psycopg.Connection[Any]) -> Scenario:
    """Write the scenario (services only: the same checks as the API)."""
    sc = Scenario()
    claire = _staff(conn, "claire.anim", Role.FACILITATOR, sc)
    samir = _staff(conn, "samir.anim", Role.FACILITATOR, sc)
    lea = _staff(conn, "lea.urba", Role.PLANNER, sc)
    marc = _staff(conn, "marc.modo", Role.MODERATOR, sc)
    dark = cell_centre_inside(conn, BELLEVUE)
    sc.dark_spot = dark
    other = cell_centre_inside(conn, BELLEVUE, dx=2)
    stops = [("Passerelle", dark), ("Square", shifted(dark, 200, 0)), ("Arrêt du bus", other)]
    night = _walk(conn, claire, "Bellevue de nuit", TimeSlot.NUIT, BELLEVUE, stops, 20)
    day = _walk(conn, claire, "Bellevue de jour", TimeSlot.JOUR, BELLEVUE, stops, 21, night["id"])
    mk = cell_centre_inside(conn, MALAKOFF)
    mk_stops = [("Tram", mk), ("Passerelle", shifted(mk, 150, 0))]
    malakoff = _walk(conn, samir, "Malakoff en soirée", TimeSlot.SOIREE, MALAKOFF, mk_stops, 15)
    sc.walks = {"night": night["id"], "day": day["id"], "malakoff": malakoff["id"]}
    aicha = walks.join(conn, night["invite_code"], "Aïcha")
    ines = walks.join(conn, malakoff["invite_code"], "Inès")
    sc.tokens["aicha"], sc.tokens["ines"] = aicha["token"], ines["token"]
    walker = accounts.resolve(conn, aicha["token"])
    assert walker is not None
    night_id = uuid.UUID(night["id"])
    published = []
    for i, (east, north) in enumerate(((-12, -8), (-6, 10), (0, 0), (7, -11), (11, 6), (3, 12))):
        published.append(
            _observe(
                conn,
                walker,
                sc,
                shifted(dark, east, north),
                20,
                kind=Kind.MARCHE,
                walk_id=night_id,
                theme="visibilite",
                items=("eclairage",),
                rating=0,
                feeling=0,
                comment=DARK_COMMENT if i == 0 else "Passage sombre",
            )
        )
    for east in (-5, 5):
        published.append(
            _observe(
                conn,
                walker,
                sc,
                shifted(other, east, 0),
                20,
                kind=Kind.MARCHE,
                walk_id=night_id,
                theme="usages",
                rating=1,
                feeling=1,
                comment="Groupe",
            )
        )
    _observe(
        conn,
        walker,
        sc,
        shifted(other, 0, 20),
        20,
        kind=Kind.MARCHE,
        walk_id=night_id,
        theme="reperage",
        rating=2,
        feeling=2,
        comment="non modérée",
    )
    for east in (-4, 0, 4):
        published.append(
            _observe(
                conn,
                claire,
                sc,
                shifted(dark, east, 3),
                21,
                kind=Kind.MARCHE,
                walk_id=uuid.UUID(day["id"]),
                theme="animation",
                rating=3,
                feeling=3,
            )
        )
    for east in (-5, 5):
        published.append(
            _observe(
                conn,
                samir,
                sc,
                shifted(mk, east, 0),
                15,
                kind=Kind.MARCHE,
                walk_id=uuid.UUID(malakoff["id"]),
                theme="entretien",
                rating=2,
                feeling=2,
            )
        )
    for obs_id in published:
        followup.transition(conn, marc, obs_id, TransitionInput("publier"))
    lamp = _observe(
        conn,
        lea,
        sc,
        shifted(dark, 20, -20),
        18,
        kind=Kind.GUSP,
        category="eclairage_panne",
        comment="Lampadaire éteint",
    )
    _observe(
        conn,
        lea,
        sc,
        shifted(dark, -25, 20),
        18,
        kind=Kind.GUSP,
        category="depot_sauvage",
        comment="Encombrants",
    )
    fixed = _observe(
        conn,
        lea,
        sc,
        shifted(other, 30, 0),
        18,
        kind=Kind.GUSP,
        category="tag_haineux",
        comment="Tag effacé",
    )
    followup.transition(conn, lea, lamp, TransitionInput("transmettre"))
    followup.transition(conn, lea, fixed, TransitionInput("transmettre"))
    followup.transition(conn, lea, fixed, TransitionInput("resoudre", "Effacé"))
    sc.night_bellevue, sc.low_feeling_night = 9, 8
    sc.open_bellevue, sc.closed_bellevue = 2, 1
    return sc
