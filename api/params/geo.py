"""Spatial query parameters (``bbox``) shared by the QPV and OGC routes."""

from __future__ import annotations

from geo.errors import Invalid


def parse_bbox(bbox: str | None) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    try:
        values = [float(v) for v in bbox.split(",")]
    except ValueError as exc:
        raise Invalid(f"bbox invalide : {bbox!r} (attendu : minLon,minLat,maxLon,maxLat)") from exc
    if len(values) != 4:
        raise Invalid(f"bbox invalide : {bbox!r} (4 nombres attendus)")
    from geo.shapes import check_lon_lat

    check_lon_lat(values[0], values[1])
    check_lon_lat(values[2], values[3])
    if values[0] > values[2] or values[1] > values[3]:
        raise Invalid(f"bbox invalide : {bbox!r} (minimum supérieur au maximum)")
    return (values[0], values[1], values[2], values[3])
