"""Correctness inside the benchmark: the nearest actors returned over HTTP must be the true
nearest by geodesic distance on the WGS84 ellipsoid (pyproj ``Geod``), in that order.

Degrees are not metres: ranking by ``geometry(Point, 4326) <->`` gives a wrong top-10 most of
the time at Nantes' latitude. Brute force over every visible actor is the oracle.
"""

from __future__ import annotations

import json
import random
import urllib.request
from datetime import date
from typing import Any

import numpy as np
import psycopg
from pyproj import Geod

from actors.repo.search import WHERE
from bench.http_scenarios import NANTES

GEOD = Geod(ellps="WGS84")
TOLERANCE_M = 0.01


def visible_actors(conn: psycopg.Connection[Any]) -> tuple[list[str], np.ndarray]:
    """Ids and (lon, lat) of every actor an anonymous search may return today."""
    params = dict.fromkeys(
        ("ground", "domain", "public", "commune", "tsquery", "status", "ids", "territory")
    )
    params.update(discrimination=False, has_hours=False, staff=False, today=date.today())
    rows = conn.execute(
        f"SELECT a.id::text, ST_X(a.geom), ST_Y(a.geom) FROM actor a WHERE {WHERE}", params
    ).fetchall()
    return [r[0] for r in rows], np.array([(r[1], r[2]) for r in rows])


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def _verdict(
    features: list[dict[str, Any]], lon: float, lat: float, ids: list[str], xy: np.ndarray, k: int
) -> tuple[bool, bool]:
    """(ordered by geodesic distance, equal to the true top-k)."""
    coords = np.array([f["geometry"]["coordinates"][:2] for f in features])
    if len(coords) == 0:
        return False, False
    _, _, mine = GEOD.inv(
        np.full(len(coords), lon), np.full(len(coords), lat), coords[:, 0], coords[:, 1]
    )
    ordered = bool(np.all(np.diff(mine) >= -TOLERANCE_M))
    _, _, everyone = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    best = np.argsort(everyone)[:k]
    kth = everyone[best[-1]]
    returned = {str(f["id"]) for f in features}
    expected = {ids[i] for i in best}
    ties = {ids[i] for i in np.nonzero(np.abs(everyone - kth) <= TOLERANCE_M)[0]}
    exact = len(features) == k and (returned == expected or returned - expected <= ties)
    return ordered, exact


def check_nearest(url: str, sides: dict[str, str], samples: int = 20, k: int = 10) -> str:
    """Query each side (label → URL template with ``{lon}``/``{lat}``) at ``samples`` random
    points of Nantes; a sentence saying how many answers were ordered and exact."""
    with psycopg.connect(url) as conn:
        ids, xy = visible_actors(conn)
    rng = random.Random(10)
    points = [
        (rng.uniform(NANTES[0], NANTES[2]), rng.uniform(NANTES[1], NANTES[3]))
        for _ in range(samples)
    ]
    parts = []
    for label, template in sides.items():
        ordered = exact = 0
        for lon, lat in points:
            body = _get(template.format(lon=f"{lon:.6f}", lat=f"{lat:.6f}"))
            o, e = _verdict(body["features"], lon, lat, ids, xy, k)
            ordered += o
            exact += e
        parts.append(
            f"{label}: {ordered}/{samples} ordered by geodesic distance, "
            f"{exact}/{samples} equal to the true {k} nearest (brute force over {len(ids):,})"
        )
    return "; ".join(parts)
