"""Charts as plain SVG, drawn on the server (no JavaScript, no CDN), each meant to sit next to
the table holding the same numbers. Pure: data in, markup out; every text is escaped.

Bars carry their value as text (and the series name when there are several), so nothing is
said by colour alone; a suppressed value (``None``) is drawn as an outlined stub with a label.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from typing import Any

PALETTE = ("#4a148c", "#e65100", "#00695c", "#1565c0")
"""Series colours (each ≥ 4.5:1 against white)."""

_ids = itertools.count(1)

Series = tuple[str, Sequence[float | None]]


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return text.replace(".", ",")


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    max_value: float | None = None,
    threshold: tuple[float, str] | None = None,
    hidden_label: str = "secret statistique",
    width: int = 640,
) -> str:
    """Horizontal (grouped) bars: one group per label, one bar per series.

    Parameters
    ----------
    title : str
        Accessible name and visible caption of the chart (French).
    labels : sequence of str
        Group labels (left column).
    series : sequence of (name, values)
        One value per label; ``None`` = not published (small count).
    unit : str
        Appended to the values (« m », « j »…).
    max_value : float, optional
        Scale maximum (default: the largest value).
    threshold : (value, label), optional
        A dashed vertical line (e.g. the distance under which an actor counts as near).
    """
    uid = f"cg-chart-{next(_ids)}"
    values = [v for _, vals in series for v in vals if v is not None]
    top = max_value or max([*values, threshold[0] if threshold else 0, 1])
    left, right, bar_h, gap = 250, 150, 16, 10
    group_h = bar_h * len(series) + gap
    legend_h = 22 if len(series) > 1 else 0
    height = 30 + legend_h + group_h * len(labels) + 26
    plot = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cg-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-labelledby="{uid}-t" '
        f'font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{uid}-t">{html.escape(title)}</title>',
        f'<text x="0" y="16" font-weight="bold" font-size="14">{html.escape(title)}</text>',
    ]
    for i, (name, _) in enumerate(series if len(series) > 1 else ()):
        x = left + i * 150
        parts.append(
            f'<rect x="{x}" y="26" width="12" height="12" fill="{PALETTE[i % 4]}"/>'
            f'<text x="{x + 16}" y="37">{html.escape(name)}</text>'
        )
    y0 = 30 + legend_h
    for g, label in enumerate(labels):
        gy = y0 + g * group_h
        parts.append(
            f'<text x="{left - 8}" y="{gy + group_h / 2}" text-anchor="end" '
            f'dominant-baseline="middle">{html.escape(_clip(label))}</text>'
        )
        for i, (name, vals) in enumerate(series):
            parts.append(
                _bar(
                    vals[g],
                    name,
                    len(series) > 1,
                    i,
                    left,
                    gy + i * bar_h,
                    plot,
                    top,
                    bar_h,
                    unit,
                    hidden_label,
                )
            )
    axis_y = y0 + group_h * len(labels)
    parts.append(
        f'<line x1="{left}" y1="{y0 - 4}" x2="{left}" y2="{axis_y}" stroke="#333"/>'
        f'<text x="{left}" y="{axis_y + 16}" fill="#333">0</text>'
        f'<text x="{left + plot}" y="{axis_y + 16}" text-anchor="end" fill="#333">'
        f"{_fmt(top)}{html.escape(unit)}</text>"
    )
    if threshold is not None:
        tx = left + plot * min(threshold[0], top) / top
        parts.append(
            f'<line x1="{tx:.1f}" y1="{y0 - 4}" x2="{tx:.1f}" y2="{axis_y}" stroke="#b71c1c" '
            f'stroke-dasharray="5 4" stroke-width="2"/>'
            f'<text x="{tx:.1f}" y="{axis_y + 16}" text-anchor="middle" fill="#b71c1c">'
            f"{html.escape(threshold[1])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _bar(
    value: float | None,
    name: str,
    named: bool,
    i: int,
    left: int,
    y: float,
    plot: int,
    top: float,
    bar_h: int,
    unit: str,
    hidden_label: str,
) -> str:
    prefix = f"{name} : " if named else ""
    if value is None:
        return (
            f'<rect x="{left}" y="{y + 2}" width="18" height="{bar_h - 4}" fill="none" '
            f'stroke="{PALETTE[i % 4]}" stroke-dasharray="3 2"/>'
            f'<text x="{left + 24}" y="{y + bar_h - 4}" font-style="italic">'
            f"{html.escape(prefix + hidden_label)}</text>"
        )
    w = plot * max(0.0, float(value)) / top
    return (
        f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 4}" '
        f'fill="{PALETTE[i % 4]}"/>'
        f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}">'
        f"{html.escape(prefix + _fmt(float(value)) + unit)}</text>"
    )


def _clip(label: str, size: int = 30) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def table(
    caption: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], hidden: str = "< k"
) -> str:
    """An accessible HTML table (caption, column headers, first cell as row header); ``None``
    shows as ``hidden`` (a suppressed value), every cell is escaped."""
    head = "".join(f'<th scope="col">{html.escape(str(h))}</th>' for h in headers)
    body = []
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            text = html.escape(hidden if cell is None else _cell(cell))
            cells.append(f'<th scope="row">{text}</th>' if j == 0 else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="cg-data"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return _fmt(value)
    return str(value)
