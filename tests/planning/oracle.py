"""Independent computations of what the dashboards should say, from the seeded records (plain
Python, shapely and pyproj — never the app's SQL)."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import psycopg
import shapely
from pyproj import Transformer
from shapely.geometry import Point

from tests.planning.seed import Seeded

PARIS = ZoneInfo("Europe/Paris")
TO_L93 = Transformer.from_crs(4326, 2154, always_xy=True)


def l93(geom: Any) -> Any:
    """The geometry in Lambert-93 (EPSG:2154), projected with pyproj."""

    def project(xy: Any) -> Any:
        x, y = TO_L93.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, project)


def qpv_shapes(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    """QPV 2015 polygons read as WKB (EPSG:4326)."""
    return {
        code: shapely.from_wkb(bytes(wkb))
        for code, wkb in conn.execute(
            "SELECT code, ST_AsBinary(geom) FROM qpv WHERE generation = 2015"
        )
    }


def in_qpv(o: dict[str, Any], shape: Any) -> bool:
    return bool(shape.intersects(Point(o["lon"], o["lat"])))


def walk_obs(
    seeded: Seeded, shape: Any, year: int, public: bool, delay_days: int = 7
) -> list[dict[str, Any]]:
    """Walk observations counted by a dashboard of the QPV ``shape`` for ``year``."""
    now = datetime.now(PARIS)
    keep = ("publiee",) if public else ("publiee", "en_attente")
    return [
        o
        for o in seeded.observations
        if in_qpv(o, shape)
        and o["moderation"] in keep
        and o["observed_at"].astimezone(PARIS).year == year
        and (not public or o["observed_at"] <= now - timedelta(days=delay_days))
    ]


def theme_slot_counts(obs: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter((o["theme"], o["slot"]) for o in obs)


def mean_feeling(obs: list[dict[str, Any]]) -> float | None:
    values = [o["feeling"] for o in obs if o["feeling"] is not None]
    return round(sum(values) / len(values), 2) if values else None


def issue_year(seeded: Seeded, year: int) -> dict[str, Any]:
    """Bellevue issues (all seeded issues are in Bellevue) for ``year``."""
    reported = [i for i in seeded.issues if i["opened_at"].astimezone(PARIS).year == year]
    open_states = {"nouveau", "pris_en_compte", "transmis", "en_cours"}
    resolved = [
        (i["resolved_at"] - i["opened_at"]).total_seconds() / 86400
        for i in seeded.issues
        if i["resolved_at"] is not None and i["resolved_at"].astimezone(PARIS).year == year
    ]
    return {
        "reported": len(reported),
        "open": sum(1 for i in reported if i["state"] in open_states),
        "closed": sum(1 for i in reported if i["state"] not in open_states),
        "resolved": len(resolved),
        "median": round(statistics.median(resolved), 1) if resolved else None,
    }


def nearest_actor_distances(
    conn: psycopg.Connection[Any], shape: Any, grounds: list[str], public: bool
) -> dict[str, float | None]:
    """Per ground: metres (EPSG:2154) from the QPV to the nearest active actor handling it."""
    rows = conn.execute(
        "SELECT grounds, status, visibility, ST_X(geom), ST_Y(geom) FROM actor"
    ).fetchall()
    area = l93(shape)
    out: dict[str, float | None] = {}
    for ground in grounds:
        distances = [
            area.distance(l93(Point(x, y)))
            for g, status, visibility, x, y in rows
            if ground in g and status == "active" and (not public or visibility == "public")
        ]
        out[ground] = min(distances) if distances else None
    return out


def night_stops_not_rewalked(conn: psycopg.Connection[Any], code: str) -> set[tuple[str, str]]:
    """(walk id, stop name) of night stops of the QPV with no later night stop within 50 m."""
    rows = conn.execute(
        """
        SELECT w.id::text, w.walk_date, w.time_slot, w.status, w.qpv_codes, s.name,
               ST_X(s.geom), ST_Y(s.geom)
        FROM walks w JOIN walk_stops s ON s.walk_id = w.id
        """
    ).fetchall()
    night = [r for r in rows if r[2] in ("soiree", "nuit") and r[3] != "preparee"]
    out = set()
    for r in night:
        if code not in r[4]:
            continue
        here = l93(Point(r[6], r[7]))
        again = any(o[1] > r[1] and l93(Point(o[6], o[7])).distance(here) <= 50 for o in night)
        if not again:
            out.add((r[0], r[5]))
    return out
