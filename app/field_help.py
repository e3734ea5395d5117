"""Help at the point of observation: what the field app caches when a walker joins, so that it
can show at once — offline too — the emergency and help lines and the nearest support actors
handling the ground of a harassment or hate observation (``surveys/grid.toml`` says which items
trigger it and which grounds; ``actors/helplines.toml`` which lines, each with its source)."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from accounts.models import Principal
from actors import finder, helplines
from actors.finder import Criteria
from app.settings import Settings
from geo import territory
from surveys.grid import grid
from surveys.service import walks

NEAREST = 3


def _origin(
    conn: psycopg.Connection[Any], settings: Settings, walk: dict[str, Any]
) -> tuple[float, float]:
    """Where « nearest » is measured from: the walk's first stop, else its route's start, else
    the centre of the territory."""
    if walk.get("stops"):
        lon, lat = walk["stops"][0]["location"]["coordinates"][:2]
        return float(lon), float(lat)
    if walk.get("route"):
        lon, lat = walk["route"]["coordinates"][0][:2]
        return float(lon), float(lat)
    minx, miny, maxx, maxy = territory.get(conn, settings.territory).bounds
    return (minx + maxx) / 2, (miny + maxy) / 2


def walk_help(
    conn: psycopg.Connection[Any], settings: Settings, principal: Principal, walk_id: uuid.UUID
) -> dict[str, Any]:
    """The help the field app keeps for a walk (404 when the walk is not the caller's to see)."""
    walk = walks.get_walk(conn, principal, walk_id)
    lon, lat = _origin(conn, settings, walk)
    items = {code: grounds[0] for code, grounds in grid().help_items().items()}
    actors: dict[str, list[dict[str, Any]]] = {}
    for ground in sorted(set(items.values())):
        found = finder.nearest(
            conn,
            settings.territory,
            lon,
            lat,
            Criteria(ground=ground),
            finder.viewer_for(None),
            limit=NEAREST,
        )
        actors[ground] = [
            {
                "name": f["properties"].get("nom"),
                "telephone": f["properties"].get("telephone"),
                "telephone_display": f["properties"].get("telephone_display")
                or f["properties"].get("telephone"),
                "distance": f["properties"].get("distance_label"),
                "address": " ".join(
                    str(f["properties"][k])
                    for k in ("adresse", "commune")
                    if f["properties"].get(k)
                ),
            }
            for f in found["features"]
        ]
    return {
        "walk_id": str(walk_id),
        "lines": [
            helplines.as_dict(line) for line in helplines.for_observation(settings.helplines_file)
        ],
        "items": items,
        "actors": actors,
    }
