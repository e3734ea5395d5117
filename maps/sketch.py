"""A static map of a walk laid out on the server for print (no tiles, no JavaScript): the QPV
outline, the route, numbered stops, a scale bar and a north arrow, drawn as SVG by the
``walk_sketch`` macro of the template environment. Pure: coordinates in (EPSG:4326, lon/lat),
positions out. Laid out in Lambert-93 (EPSG:2154) so distances are true."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyproj import Transformer

_TO_L93 = Transformer.from_crs(4326, 2154, always_xy=True)

LonLat = tuple[float, float]
Ring = Sequence[LonLat]


@dataclass(frozen=True)
class SketchStop:
    """A numbered stop at its position in the drawing."""

    x: float
    y: float
    position: int
    name: str


@dataclass(frozen=True)
class WalkSketch:
    """A laid-out walk sketch: SVG path data of the outlines, the route's points, the stops,
    and the scale bar (``scale_w`` drawing units for ``scale_m`` metres)."""

    title: str
    width: int
    height: int
    outlines: tuple[str, ...]
    route: str | None
    stops: tuple[SketchStop, ...]
    scale_m: int
    scale_w: float


def walk_sketch(
    title: str,
    stops: Sequence[tuple[int, str, LonLat]],
    route: Sequence[LonLat] | None = None,
    outlines: Sequence[Sequence[Ring]] = (),
    width: int = 680,
    height: int = 440,
    margin_m: float = 90.0,
) -> WalkSketch:
    """Lay out the sketch of a walk.

    Parameters
    ----------
    title : str
        Accessible name of the figure.
    stops : sequence of (position, name, (lon, lat))
        Numbered stops.
    route : sequence of (lon, lat), optional
        The planned route.
    outlines : sequence of polygons (each a sequence of rings of (lon, lat))
        QPV boundaries to draw (clipped to the view).
    margin_m : float
        Metres of context around the stops and route.
    """
    pts = [_l93(p) for _, _, p in stops] + [_l93(p) for p in route or ()]
    if not pts:
        pts = [_l93(p) for poly in outlines for ring in poly[:1] for p in ring]
    xs, ys = [p[0] for p in pts] or [0.0], [p[1] for p in pts] or [0.0]
    x0, x1 = min(xs) - margin_m, max(xs) + margin_m
    y0, y1 = min(ys) - margin_m, max(ys) + margin_m
    scale = min((width - 20) / (x1 - x0), (height - 50) / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def xy(p: LonLat) -> tuple[float, float]:
        x, y = _l93(p)
        return (width / 2 + (x - cx) * scale, (height - 30) / 2 + (cy - y) * scale)

    def px(p: LonLat) -> str:
        x, y = xy(p)
        return f"{x:.1f},{y:.1f}"

    paths = tuple(
        " ".join("M" + " L".join(px(p) for p in ring) + " Z" for ring in poly) for poly in outlines
    )
    metres = next((m for m in (1000, 500, 200, 100, 50, 20) if m * scale <= 220), 10)
    return WalkSketch(
        title=title,
        width=width,
        height=height,
        outlines=paths,
        route=" ".join(px(p) for p in route) if route else None,
        stops=tuple(
            SketchStop(round(xy(p)[0], 1), round(xy(p)[1], 1), position, name)
            for position, name, p in stops
        ),
        scale_m=metres,
        scale_w=metres * scale,
    )


def _l93(p: LonLat) -> tuple[float, float]:
    x, y = _TO_L93.transform(p[0], p[1])
    return (float(x), float(y))
