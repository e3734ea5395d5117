"""Request parameters and dependencies shared by several routers."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from actors import finder, resident
from actors.finder import Criteria
from app.map_pages import render_map_page
from geo import territory
from geo.errors import Invalid
from maps.actors import actors_map
from maps.styles import Tiles


@dataclass(frozen=True)
class ResidentForm:
    """The resident's form as received (strings; checked when used)."""

    besoin: str | None = None
    domain: str | None = None
    ground: str | None = None
    public: str | None = None
    quartier: str | None = None
    commune: str | None = None
    lon: str | None = None
    lat: str | None = None
    open_now: str | None = None
    at: str | None = None

    def query(self, **override: Any) -> str:
        values = {**self.__dict__, **override}
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _find(
    conn: Any, settings: Any, principal: Any, form: ResidentForm
) -> tuple[resident.ResidentResult, str | None]:
    crit, problem = _criteria(form)
    at = _at(form)
    found = resident.find(
        conn,
        settings.territory,
        settings.qpv_generation,
        crit,
        finder.viewer_for(principal, at),
        position=_position(form),
        quartier=form.quartier or None,
        commune=form.commune or None,
        at=at,
        helplines_file=settings.helplines_file,
    )
    return found, problem


def actors_map_html(
    conn: Any,
    settings: Any,
    principal: Any,
    form: ResidentForm,
    cadre: str | None = None,
    lieu: uuid.UUID | None = None,
) -> str:
    """Folium map of a resident's search (or of one actor with ``lieu``; of every place of the
    territory when no place is given); ``cadre`` when framed beside the list (no table then:
    the list is the alternative). Served at ``/cartes/acteurs``."""
    tiles = Tiles(settings.tile_url) if settings.tile_url else None
    bounds = territory.get(conn, settings.territory).bounds
    height = "100vh" if cadre else "75vh"
    if lieu is not None:
        feature = finder.one(conn, lieu, finder.viewer_for(principal))
        title = feature["properties"]["nom"]
        return render_map_page(
            actors_map([feature], tiles, title, None, bounds, not cadre, height=height)
        )
    found, _problem = _find(conn, settings, principal, form)
    place = found.place
    if place is None:
        features = _territory_actors(conn, settings, principal, form)
        return render_map_page(
            actors_map(features, tiles, "Lieux d'aide", None, bounds, not cadre, height=height)
        )
    reference = None
    if place.lon is not None and place.lat is not None:
        reference = (place.lon, place.lat, place.label)
    title = f"Lieux d'aide {place.label}"
    return render_map_page(
        actors_map(found.features, tiles, title, reference, bounds, not cadre, height=height)
    )


def _territory_actors(
    conn: Any, settings: Any, principal: Any, form: ResidentForm
) -> list[dict[str, Any]]:
    """Every place of the directory inside the territory's extent (criteria of the form)."""
    crit, _problem = _criteria(form)
    found = finder.listing(
        conn,
        crit,
        finder.viewer_for(principal, _at(form)),
        limit=finder.MAX_LIST,
        at=_at(form),
        territory_id=settings.territory,
    )
    minx, miny, maxx, maxy = territory.get(conn, settings.territory).bounds
    return [
        f
        for f in found["features"]
        if (f.get("geometry") or {}).get("type") == "Point"
        and minx <= f["geometry"]["coordinates"][0] <= maxx
        and miny <= f["geometry"]["coordinates"][1] <= maxy
    ]


def _criteria(form: ResidentForm) -> tuple[Criteria, str | None]:
    """Criteria from the form; an unknown code is dropped with a French message."""
    try:
        crit = finder.criteria(
            form.ground,
            form.domain,
            form.public,
            form.besoin == "discrimination",
            bool(form.open_now),
        )
        return crit, None
    except Invalid as exc:
        return Criteria(discrimination=form.besoin == "discrimination"), exc.message


def _position(form: ResidentForm) -> tuple[float, float] | None:
    try:
        lon, lat = float(form.lon or ""), float(form.lat or "")
    except ValueError:
        return None
    return (lon, lat) if math.isfinite(lon) and math.isfinite(lat) else None


def _at(form: ResidentForm) -> datetime | None:
    try:
        return datetime.fromisoformat(form.at) if form.at else None
    except ValueError:
        return None
