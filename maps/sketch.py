"""A static map of a walk drawn as SVG on the server: the QPV outline, the route, numbered stops,
a scale bar and a north arrow — for print (no tiles, no JavaScript). Pure: coordinates in
(EPSG:4326, lon/lat), markup out. Drawn in Lambert-93 (EPSG:2154) so distances are true."""

from __future__ import annotations

import html
from collections.abc import Sequence

from pyproj import Transformer

_TO_L93 = Transformer.from_crs(4326, 2154, always_xy=True)

LonLat = tuple[float, float]
Ring = Sequence[LonLat]


def walk_sketch(
    title: str,
    stops: Sequence[tuple[int, str, LonLat]],
    route: Sequence[LonLat] | None = None,
    outlines: Sequence[Sequence[Ring]] = (),
    width: int = 680,
    height: int = 440,
    margin_m: float = 90.0,
) -> str:
    """SVG of a walk.

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

    def px(p: tuple[float, float]) -> str:
        return (
            f"{width / 2 + (p[0] - cx) * scale:.1f},{(height - 30) / 2 + (cy - p[1]) * scale:.1f}"
        )

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-sketch" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-label="{html.escape(title, quote=True)}" '
        'font-family="system-ui, sans-serif" font-size="13">',
        f"<title>{html.escape(title)}</title>",
        '<defs><clipPath id="cg-view"><rect x="0" y="0" '
        f'width="{width}" height="{height - 30}"/></clipPath></defs>',
        f'<rect x="0" y="0" width="{width}" height="{height - 30}" fill="#fafafa" stroke="#999"/>',
        '<g clip-path="url(#cg-view)">',
    ]
    for poly in outlines:
        d = " ".join("M" + " L".join(px(_l93(p)) for p in ring) + " Z" for ring in poly)
        out.append(
            f'<path d="{d}" fill="#ab47bc" fill-opacity="0.15" stroke="#6a1b9a" '
            'stroke-width="2" fill-rule="evenodd"/>'
        )
    if route:
        line = " ".join(px(_l93(p)) for p in route)
        out.append(
            f'<polyline points="{line}" fill="none" stroke="#263238" stroke-width="4" '
            'stroke-linejoin="round" stroke-dasharray="10 5"/>'
        )
    for position, name, p in stops:
        x, y = (float(v) for v in px(_l93(p)).split(","))
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="12" fill="#e65100" stroke="#fff" '
            f'stroke-width="2"/><text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" '
            f'fill="#fff" font-weight="bold">{position}</text>'
            f'<text x="{x + 16:.1f}" y="{y + 4.5:.1f}" fill="#111" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke">{html.escape(name)}</text>'
        )
    out.append("</g>")
    out.append(_scale_bar(scale, height))
    out.append(
        f'<g aria-hidden="true"><path d="M{width - 24},{height - 70} l8,22 l-8,-6 l-8,6 Z" '
        f'fill="#333"/><text x="{width - 24}" y="{height - 74}" text-anchor="middle" '
        'font-weight="bold">N</text></g>'
    )
    out.append("</svg>")
    return "".join(out)


def _l93(p: LonLat) -> tuple[float, float]:
    x, y = _TO_L93.transform(p[0], p[1])
    return (float(x), float(y))


def _scale_bar(scale: float, height: int) -> str:
    metres = next((m for m in (1000, 500, 200, 100, 50, 20) if m * scale <= 220), 10)
    w = metres * scale
    y = height - 12
    return (
        f'<g><rect x="10" y="{y - 8}" width="{w:.1f}" height="6" fill="#333"/>'
        f'<text x="{w + 16:.1f}" y="{y - 1}">{metres} m</text></g>'
    )
