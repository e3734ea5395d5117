"""Read use cases: the nearest help, filtered lists, one actor, and the resident's search (by
position, quartier or commune). Anonymous callers see public actors open today only."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from accounts.models import Principal
from actors import folding, helplines, hours, present, vocab
from actors.repo import records, review, search
from actors.repo.search import Filters, Viewer
from geo import territory
from geo.errors import Invalid, NotFound
from geo.shapes import check_lon_lat

MAX_LIMIT = 50
MAX_LIST = 200
MAX_RADIUS_M = 100_000
MAX_NEAR_QPV_M = 5_000
MAX_CANDIDATES = 1_000
"""« Open now » looks at most at this many nearest places with hours (then says fewer)."""
EXTRA_CANDIDATES = 10
"""Asked beyond ``limit`` from the KNN scan (sphere) before the exact re-sort (spheroid)."""


@dataclass(frozen=True)
class Criteria:
    """A resident's situation as filters (codes checked against the vocabularies)."""

    ground: str | None = None
    domain: str | None = None
    public: str | None = None
    discrimination: bool = False
    open_now: bool = False

    @property
    def about_discrimination(self) -> bool:
        return self.discrimination or self.ground is not None

    def filters(self, **more: Any) -> Filters:
        return Filters(
            ground=self.ground,
            domain=self.domain,
            public=self.public,
            discrimination=self.about_discrimination,
            **more,
        )


def criteria(
    ground: str | None = None,
    domain: str | None = None,
    public: str | None = None,
    discrimination: bool = False,
    open_now: bool = False,
) -> Criteria:
    """Check the codes; :class:`Invalid` lists the valid ones for an unknown code."""
    for value, vocabulary in ((ground, vocab.grounds), (domain, vocab.domains)):
        if value:
            vocabulary().get(value)
    if public:
        vocab.publics().get(public)
    return Criteria(ground or None, domain or None, public or None, discrimination, open_now)


def viewer_for(principal: Principal | None, at: datetime | None = None) -> Viewer:
    return Viewer(staff=bool(principal and principal.is_staff), today=hours.paris_now(at).date())


def nearest(
    conn: psycopg.Connection[Any],
    territory_id: str,
    lon: float,
    lat: float,
    crit: Criteria,
    viewer: Viewer,
    limit: int = 10,
    radius_m: float | None = None,
    at: datetime | None = None,
    helplines_file: Path | None = None,
) -> dict[str, Any]:
    """The ``limit`` nearest matching actors as a FeatureCollection ordered by ``distance_m``.

    The help lines of ``helplines_file`` (the shipped file by default) are added as
    ``helplines``: the campaign's always, the other discrimination lines when the situation is
    a discrimination.

    Raises
    ------
    Invalid
        Point outside the territory, limit or radius out of bounds.
    """
    _bounds(limit, radius_m)
    check_lon_lat(lon, lat)
    moment = hours.paris_now(at)
    inside, features = _nearest_features(
        conn, territory_id, lon, lat, crit, viewer, limit, radius_m, moment
    )
    if not inside:
        territory.check_point(conn, territory_id, lon, lat)  # raises, saying why
    query = {"lon": lon, "lat": lat, "limit": limit, "radius_m": radius_m}
    return _collection(features, crit, moment, helplines_file, **query)


def _bounds(limit: int, radius_m: float | None) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit doit être entre 1 et {MAX_LIMIT} (reçu : {limit})")
    if radius_m is not None and not 1 <= radius_m <= MAX_RADIUS_M:
        raise Invalid(f"radius_m doit être entre 1 et {MAX_RADIUS_M} m (reçu : {radius_m})")


def _nearest_features(
    conn: psycopg.Connection[Any],
    territory_id: str,
    lon: float,
    lat: float,
    crit: Criteria,
    viewer: Viewer,
    limit: int,
    radius_m: float | None,
    moment: datetime,
) -> tuple[bool, list[dict[str, Any]]]:
    """(point in the territory, KNN features enriched). With ``open_now``, the hours of ever
    more candidates are checked first (a light query), then the open ones are fetched in full."""
    filters = crit.filters()
    asked = limit + EXTRA_CANDIDATES
    if crit.open_now:
        if not territory.contains(conn, territory_id, lon, lat):
            return False, []
        ids = _open_ids(conn, lon, lat, crit, viewer, limit, radius_m, moment)
        filters, asked = crit.filters(ids=tuple(ids)), len(ids)
        if not ids:
            return True, []
    inside, rows = search.nearest(
        conn, lon, lat, filters, viewer, asked, radius_m, limit=limit, territory=territory_id
    )
    for feature in rows:
        present.enrich(feature, moment)
    return inside, rows


def _open_ids(
    conn: psycopg.Connection[Any],
    lon: float,
    lat: float,
    crit: Criteria,
    viewer: Viewer,
    limit: int,
    radius_m: float | None,
    moment: datetime,
) -> list[str]:
    asked = max(4 * limit, 40)
    filters = crit.filters(has_hours=True)
    while True:
        rows = search.nearest_hours(conn, lon, lat, filters, viewer, asked, radius_m)
        open_ids = [r["id"] for r in rows if present.opening(r, moment)["open_now"]]
        if len(open_ids) >= limit or len(rows) < asked or asked >= MAX_CANDIDATES:
            return open_ids[:limit]
        asked = min(asked * 4, MAX_CANDIDATES)


def _collection(
    features: list[dict[str, Any]],
    crit: Criteria,
    moment: datetime,
    helplines_file: Path | None,
    **query: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": features,
        "numberReturned": len(features),
        "query": {
            **query,
            "ground": crit.ground,
            "domain": crit.domain,
            "public": crit.public,
            "discrimination": crit.about_discrimination,
            "open_now": crit.open_now,
            "at": moment.isoformat(),
        },
    }
    # the campaign's lines (AlloNantes, 3919, 39 28) whatever the situation; the other
    # discrimination lines when the situation is one
    lines = helplines.for_situation(crit.about_discrimination, helplines_file)
    out["helplines"] = [helplines.as_dict(h) for h in lines]
    return out


def listing(
    conn: psycopg.Connection[Any],
    crit: Criteria,
    viewer: Viewer,
    commune: str | None = None,
    q: str | None = None,
    qpv: tuple[str, int] | None = None,
    near_m: float = 1000,
    limit: int = 50,
    offset: int = 0,
    status: str | None = None,
    at: datetime | None = None,
    helplines_file: Path | None = None,
    territory_id: str | None = None,
) -> dict[str, Any]:
    """Actors matching filters, by name — or near a QPV (``qpv=(code, generation)``), nearest
    first with ``distance_m`` (0 inside) and ``in_qpv`` — among the places ``territory_id``
    sees when given."""
    if not 1 <= limit <= MAX_LIST:
        raise Invalid(f"limit doit être entre 1 et {MAX_LIST} (reçu : {limit})")
    moment = hours.paris_now(at)
    code = commune.strip().upper() if commune else ""
    key = code if re.fullmatch(r"\d{5}|2[AB]\d{3}", code) else folding.commune_key(commune)
    filters = crit.filters(
        commune=key or None, tsquery=folding.tsquery(q), status=status, territory=territory_id
    )
    whole = qpv is not None or crit.open_now  # filtered or ordered here, then paged
    if qpv is not None:
        if not 0 <= near_m <= MAX_NEAR_QPV_M:
            raise Invalid(f"near_m doit être entre 0 et {MAX_NEAR_QPV_M} m (reçu : {near_m})")
        if review.quartier_point(conn, qpv[0], qpv[1]) is None:
            raise NotFound(f"quartier prioritaire inconnu : {qpv[0]} (génération {qpv[1]})")
        features = search.near_qpv(conn, qpv[0], qpv[1], near_m, filters, viewer, MAX_CANDIDATES)
    elif whole:
        features = search.search(conn, filters, viewer, MAX_CANDIDATES)[1]
    else:
        total, features = search.search(conn, filters, viewer, limit, offset)
    for feature in features:
        present.enrich(feature, moment)
    if whole:
        if crit.open_now:
            features = [f for f in features if f["properties"]["opening"]["open_now"]]
        total, features = len(features), features[offset : offset + limit]
    query = {"commune": commune, "q": q, "limit": limit, "offset": offset}
    out = _collection(features, crit, moment, helplines_file, **query)
    out["numberMatched"] = total
    return out


def one(
    conn: psycopg.Connection[Any], actor_id: uuid.UUID, viewer: Viewer, at: datetime | None = None
) -> dict[str, Any]:
    """One actor as a Feature. Anonymous callers get public, not definitively closed actors
    (a temporary closure is shown, flagged); others are « introuvable »."""
    feature = search.feature(conn, actor_id)
    props = feature["properties"] if feature else {}
    hidden = not viewer.staff and (
        props.get("visibility") != "public" or props.get("status") == "fermee"
    )
    if feature is None or hidden:
        raise NotFound(f"acteur introuvable : {actor_id}")
    present.enrich(feature, hours.paris_now(at))
    return feature


def events(conn: psycopg.Connection[Any], actor_id: uuid.UUID) -> list[dict[str, Any]]:
    if records.get(conn, actor_id) is None:
        raise NotFound(f"acteur introuvable : {actor_id}")
    return records.events(conn, actor_id)
