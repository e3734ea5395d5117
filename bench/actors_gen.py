"""Synthetic support actors: the real actors of the database (imported from ``../shared``) as
templates — type, grounds, domains, publics, opening hours, phone — copied to new positions in
Nantes Métropole, with the commune of the nearest real actor of the Métropole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
import shapely
from shapely.geometry.base import BaseGeometry

from actors import folding, rules
from bench.spatial import clustered_points

METROPOLE = (-1.78, 47.10, -1.38, 47.33)
"""Envelope where synthetic actors are drawn (inside the nantes-metropole territory)."""

TEMPLATE_COLUMNS = (
    "actor_type",
    "grounds",
    "domains",
    "publics",
    "networks",
    "thematiques",
    "modes_accueil",
    "frais",
    "horaires_accueil",
    "hours_text",
    "hours_origin",
    "telephone",
    "site_web",
    "derived_fields",
    "derivation_rule",
    "languages",
    "accessibility",
)
PLACE_COLUMNS = ("commune", "code_postal", "code_insee")
COPY_COLUMNS = (
    "source",
    "source_id",
    "nom",
    *TEMPLATE_COLUMNS,
    *PLACE_COLUMNS,
    "adresse",
    "commune_key",
    "search_text",
    "geom",
)
SOURCE = "bench-synthetique"


@dataclass(frozen=True)
class Templates:
    rows: list[dict[str, Any]]
    places: list[dict[str, Any]]
    place_xy: np.ndarray


def templates(conn: psycopg.Connection[Any]) -> Templates:
    """The real actors as templates, and the places (commune) of those in the Métropole."""
    cols = ", ".join((*TEMPLATE_COLUMNS, *PLACE_COLUMNS, "nom"))
    cur = conn.execute(
        f"SELECT {cols}, ST_X(geom), ST_Y(geom) FROM actor WHERE source <> %s ORDER BY id",
        (SOURCE,),
    )
    names = [d.name for d in cur.description or ()]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    if not rows:
        raise RuntimeError("no real actor to copy: import ../shared/data/actors first")
    x0, y0, x1, y1 = METROPOLE
    places = [r for r in rows if x0 <= r["st_x"] <= x1 and y0 <= r["st_y"] <= y1 and r["commune"]]
    places = places or rows
    xy = np.array([(p["st_x"], p["st_y"]) for p in places])
    return Templates(rows, places, xy)


def positions(rng: np.random.Generator, polygons: list[BaseGeometry], n: int) -> np.ndarray:
    """70 % clustered around the QPV and neighbourhoods, 30 % uniform over the Métropole."""
    clustered = int(n * 0.7)
    out = np.empty((n, 2))
    out[:clustered] = clustered_points(polygons, clustered, rng, in_qpv_share=0.4)
    x0, y0, x1, y1 = METROPOLE
    out[clustered:, 0] = rng.uniform(x0, x1, n - clustered)
    out[clustered:, 1] = rng.uniform(y0, y1, n - clustered)
    rng.shuffle(out)
    return out


def rows(rng: np.random.Generator, tpl: Templates, xy: np.ndarray) -> list[list[Any]]:
    """One COPY row (in :data:`COPY_COLUMNS` order) per position."""
    n = len(xy)
    pick = rng.integers(0, len(tpl.rows), size=n)
    nearest = np.empty(n, dtype=int)
    for start in range(0, n, 20_000):  # nearest real place, in chunks (memory)
        block = xy[start : start + 20_000]
        d = ((block[:, None, :] - tpl.place_xy[None, :, :]) ** 2).sum(axis=2)
        nearest[start : start + 20_000] = d.argmin(axis=1)
    ewkb = shapely.to_wkb(shapely.set_srid(shapely.points(xy), 4326), hex=True, include_srid=True)
    numbers = rng.integers(1, 200, size=n)
    book = rules.default()
    out = []
    for i in range(n):
        t = tpl.rows[int(pick[i])]
        place = tpl.places[int(nearest[i])]
        label = book.label(t["actor_type"]) or "Lieu d'aide"
        nom = f"{label} — {place['commune']} n° {i + 1} (banc d'essai)"
        adresse = f"{int(numbers[i])} rue de la Bench"
        out.append(
            [
                SOURCE,
                f"bench-{i + 1}",
                nom,
                *(t[c] for c in TEMPLATE_COLUMNS),
                *(place[c] for c in PLACE_COLUMNS),
                adresse,
                folding.commune_key(place["commune"]),
                folding.search_text([nom, place["commune"], adresse, label]),
                ewkb[i],
            ]
        )
    return out
