"""Hotspots: where walkers felt unsafe, found by DBSCAN (``ST_ClusterDBSCAN`` in Lambert-93)
over the walk observations whose feeling of safety is at or below a threshold, with each zone's
dominant themes and time slots. For staff who see every observation, as precise as their
field-level view (:func:`planning.policy.hotspot_view`): exact zones with the ids of their
observations, or zones of at least *k* observations computed from 100 m cells, without ids."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import psycopg

from accounts.models import Principal
from planning import policy as planning_policy
from planning.models import PARIS, SLOT_LABELS, HotspotParams
from planning.policy import HotspotView
from planning.repo import hotspots as repo
from surveys import states
from surveys.grid import grid

TOP = 3
"""Dominant themes and slots listed per zone."""


def hotspots(
    conn: psycopg.Connection[Any],
    principal: Principal | None,
    params: HotspotParams,
    demo: bool = False,
    min_count: int = 5,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the zones (largest first) with the parameters used and the
    number of low-feeling observations left outside any zone.

    Parameters
    ----------
    conn : psycopg.Connection
    principal : Principal, optional
        Must be staff who see every observation (:func:`planning.policy.check_hotspots`).
    params : HotspotParams
        DBSCAN radius and minimum points, feeling threshold, period (default: the last
        365 days), QPV.
    demo : bool
        The demonstration data instead of the real observations.
    min_count : int
        The suppression threshold *k*: readers without exact points get zones of at least
        *k* observations only (``min_points`` is raised to *k* for them).
    """
    seen = planning_policy.hotspot_view(principal, min_count)
    today = datetime.now(PARIS).date()
    p = params.check()
    since, until = p.since or today - timedelta(days=365), p.until or today
    min_points = max(p.min_points, seen.min_count)
    rows = repo.clusters(
        conn,
        eps_m=p.eps_m,
        min_points=min_points,
        max_feeling=p.max_feeling,
        since=since,
        until=until,
        qpv=p.qpv,
        hidden=list(states.moderation().states_in("hidden")),
        demo=demo,
        cell_m=seen.cell_m,
    )
    shown = [r for r in rows if r["cid"] is not None and r["n"] >= seen.min_count]
    zones = sorted(shown, key=lambda r: (-r["n"], r["ids"]))
    isolated = sum(r["n"] for r in rows) - sum(r["n"] for r in zones)
    return {
        "type": "FeatureCollection",
        "features": [_feature(rank, r, seen.exact) for rank, r in enumerate(zones, start=1)],
        "parametres": {
            "eps_m": p.eps_m,
            "min_points": min_points,
            "max_feeling": p.max_feeling,
            "since": since.isoformat(),
            "until": until.isoformat(),
            "qpv": p.qpv,
            "systeme": "EPSG:2154",
            "precision": "exacte" if seen.exact else f"carré de {seen.cell_m} m",
        },
        "isolated": isolated,
        "methode": _method(p, min_points, seen),
    }


def _method(p: HotspotParams, min_points: int, seen: HotspotView) -> str:
    text = (
        "Observations de marche dont le sentiment de sécurité est au plus "
        f"{p.max_feeling} sur 3, regroupées par DBSCAN (PostGIS ST_ClusterDBSCAN, "
        f"Lambert-93) : une zone réunit au moins {min_points} observations dont chacune "
        f"a des voisines à moins de {p.eps_m} m. Le contour est l'enveloppe des points "
        f"élargie de {p.eps_m // 2} m."
    )
    if seen.exact:
        return text
    return text + (
        f" Chaque observation est d'abord ramenée au centre de son carré de {seen.cell_m} m : "
        "ni le contour ni le centre d'une zone ne donnent la position exacte d'une observation."
    )


def _feature(rank: int, r: dict[str, Any], exact: bool) -> dict[str, Any]:
    themes = Counter(r["themes"]).most_common()
    slots = Counter(r["slots"]).most_common()
    return {
        "type": "Feature",
        "id": f"zone-{rank}",
        "geometry": r["geometry"],
        "properties": {
            "rank": rank,
            "count": r["n"],
            "feeling_mean": round(r["feeling_mean"], 2),
            "themes": [
                {"theme": t, "label": grid().label_of(t), "count": n} for t, n in themes[:TOP]
            ],
            "slots": [
                {"slot": s, "label": SLOT_LABELS.get(s, s), "count": n} for s, n in slots[:TOP]
            ],
            "qpv_codes": sorted(r["qpv_codes"] or []),
            "first_seen": r["first_seen"].astimezone(PARIS).date().isoformat(),
            "last_seen": r["last_seen"].astimezone(PARIS).date().isoformat(),
            "centre": [round(r["lon"], 6), round(r["lat"], 6)],
            **({"observation_ids": r["ids"]} if exact else {}),
        },
    }
