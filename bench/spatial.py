"""Plausible point clouds for Nantes Métropole: clustered around the real QPV polygons and a few
other neighbourhoods, with a seeded RNG."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

# Centres of neighbourhoods outside the QPV where people also walk (lon, lat): city centre,
# Île de Nantes, Chantenay, Doulon, Rezé centre, Saint-Herblain Atlantis, Orvault bourg.
NEIGHBOURHOODS = [
    (-1.5536, 47.2184),
    (-1.5460, 47.2060),
    (-1.5900, 47.2000),
    (-1.5100, 47.2300),
    (-1.5660, 47.1850),
    (-1.6300, 47.2220),
    (-1.6230, 47.2720),
]


def clustered_points(
    polygons: list[BaseGeometry], n: int, rng: np.random.Generator, in_qpv_share: float = 0.6
) -> np.ndarray:
    """``n`` (lon, lat) points: ``in_qpv_share`` of them inside the polygons (weighted by area,
    uniform inside), the rest gaussian around :data:`NEIGHBOURHOODS` (σ ≈ 400 m)."""
    n_in = int(n * in_qpv_share)
    out = np.empty((n, 2))
    areas = np.array([p.area for p in polygons])
    choice = rng.choice(len(polygons), size=n_in, p=areas / areas.sum())
    filled = 0
    for idx in range(len(polygons)):
        want = int((choice == idx).sum())
        if want:
            out[filled : filled + want] = _inside(polygons[idx], want, rng)
            filled += want
    centres = np.array(NEIGHBOURHOODS)
    pick = rng.integers(0, len(centres), size=n - n_in)
    sigma = np.array([0.0053, 0.0036])  # ~400 m in lon/lat degrees at 47.2° N
    out[n_in:] = centres[pick] + rng.normal(size=(n - n_in, 2)) * sigma
    rng.shuffle(out)
    return out


def _inside(poly: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = poly.bounds
    shapely.prepare(poly)
    got: list[np.ndarray] = []
    count = 0
    while count < n:
        cand = np.column_stack(
            [rng.uniform(minx, maxx, size=2 * n), rng.uniform(miny, maxy, size=2 * n)]
        )
        mask = shapely.contains_xy(poly, cand[:, 0], cand[:, 1])
        got.append(cand[mask])
        count += int(mask.sum())
    return np.concatenate(got)[:n]
