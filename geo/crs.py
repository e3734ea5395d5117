"""Coordinate reference systems used by the project, and helpers to enforce them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyproj import CRS, Transformer

if TYPE_CHECKING:
    import geopandas as gpd

WGS84 = 4326
"""Storage CRS: GeoJSON order (lon, lat)."""

LAMBERT93 = 2154
"""Metric CRS for metropolitan France (grids, buffers, clustering)."""

# Generous envelopes (EPSG:4326) of metropolitan France and of the overseas territories that have
# QPV, used to reject data that are obviously not French after reprojection (e.g. Lambert-93
# metres read as degrees).
FRANCE_BOXES: tuple[tuple[float, float, float, float], ...] = (
    (-5.5, 41.0, 10.0, 51.5),  # metropolitan France and Corsica
    (-63.2, 14.3, -60.7, 18.2),  # Antilles: Guadeloupe, Martinique, Saint-Martin
    (-54.7, 2.0, -51.5, 6.0),  # Guyane
    (55.1, -21.5, 55.9, -20.8),  # La Réunion
    (44.9, -13.1, 45.4, -12.5),  # Mayotte
)


def ensure_crs(gdf: gpd.GeoDataFrame, default: int | None = None) -> gpd.GeoDataFrame:
    """Return ``gdf`` reprojected to EPSG:4326.

    Parameters
    ----------
    gdf : GeoDataFrame
        Input frame; its ``crs`` is trusted when set.
    default : int, optional
        EPSG code to assume when ``gdf.crs`` is missing. Without it a missing CRS is an error.

    Raises
    ------
    ValueError
        When the CRS is unknown and no default is given.
    """
    if gdf.crs is None:
        if default is None:
            raise ValueError("système de coordonnées inconnu (fichier sans CRS)")
        gdf = gdf.set_crs(default)
    if CRS.from_user_input(gdf.crs).to_epsg() == WGS84:
        return gdf
    return gdf.to_crs(WGS84)


def to_lambert93() -> Transformer:
    """Transformer from EPSG:4326 (lon, lat) to EPSG:2154 (x, y) in metres."""
    return Transformer.from_crs(WGS84, LAMBERT93, always_xy=True)


def in_france(minx: float, miny: float, maxx: float, maxy: float) -> bool:
    """True when the bounding box lies inside one of :data:`FRANCE_BOXES`."""
    return any(
        fx0 <= minx and maxx <= fx1 and fy0 <= miny and maxy <= fy1
        for fx0, fy0, fx1, fy1 in FRANCE_BOXES
    )
