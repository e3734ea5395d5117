"""Charts laid out on the server as plain data (no JavaScript, no CDN), drawn as SVG by the
``chart`` macro of the template environment; each is meant to sit next to the table holding
the same numbers. Pure: numbers in, positions and texts out (the template escapes every text).

Bars carry their value as text (and the series name when there are several), so nothing is
said by colour alone; a suppressed value (``None``) is drawn as an outlined stub with a label.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PALETTE = ("#4a148c", "#e65100", "#00695c", "#1565c0")
"""Series colours (each ≥ 4.5:1 against white)."""

_ids = itertools.count(1)

Series = tuple[str, Sequence[float | None]]


@dataclass(frozen=True)
class Key:
    """One series in the chart's key: its swatch and name."""

    x: int
    fill: str
    name: str


@dataclass(frozen=True)
class GroupLabel:
    """The label of one group of bars (left column)."""

    x: int
    y: float
    text: str


@dataclass(frozen=True)
class Bar:
    """One bar, or the outlined stub of a value that is not published (``hidden``)."""

    x: int
    y: float
    width: float
    height: int
    colour: str
    hidden: bool
    text: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Threshold:
    """A dashed vertical line with its label."""

    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    """A laid-out horizontal bar chart (see :func:`bar_chart`)."""

    uid: str
    title: str
    width: int
    height: int
    keys: tuple[Key, ...]
    labels: tuple[GroupLabel, ...]
    bars: tuple[Bar, ...]
    left: int
    plot: int
    axis_top: int
    axis_y: int
    top_text: str
    threshold: Threshold | None


@dataclass(frozen=True)
class DataTable:
    """An accessible table as text cells: caption, column headers, rows whose first cell is
    the row header. Cells are already formatted (French decimals, ``oui``/``non``, the mark
    of a suppressed value)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


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
) -> BarChart:
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
    hidden_label : str
        Said in place of a value that is not published.
    width : int
        Width of the drawing (SVG user units).
    """
    values = [v for _, vals in series for v in vals if v is not None]
    top = max_value or max([*values, threshold[0] if threshold else 0, 1])
    left, right, bar_h, gap = 250, 150, 16, 10
    group_h = bar_h * len(series) + gap
    legend_h = 22 if len(series) > 1 else 0
    y0 = 30 + legend_h
    axis_y = y0 + group_h * len(labels)
    plot = width - left - right
    keys = tuple(
        Key(left + i * 150, PALETTE[i % 4], name)
        for i, (name, _) in enumerate(series if len(series) > 1 else ())
    )
    groups = tuple(
        GroupLabel(left - 8, y0 + g * group_h + group_h / 2, _clip(label))
        for g, label in enumerate(labels)
    )
    bars = tuple(
        _bar(
            vals[g],
            name if len(series) > 1 else "",
            i,
            left,
            y0 + g * group_h + i * bar_h,
            plot,
            top,
            bar_h,
            unit,
            hidden_label,
        )
        for g in range(len(labels))
        for i, (name, vals) in enumerate(series)
    )
    line = None
    if threshold is not None:
        line = Threshold(left + plot * min(threshold[0], top) / top, threshold[1])
    return BarChart(
        uid=f"cg-chart-{next(_ids)}",
        title=title,
        width=width,
        height=axis_y + 26,
        keys=keys,
        labels=groups,
        bars=bars,
        left=left,
        plot=plot,
        axis_top=y0 - 4,
        axis_y=axis_y,
        top_text=f"{_fmt(top)}{unit}",
        threshold=line,
    )


def _bar(
    value: float | None,
    name: str,
    i: int,
    left: int,
    y: float,
    plot: int,
    top: float,
    bar_h: int,
    unit: str,
    hidden_label: str,
) -> Bar:
    prefix = f"{name} : " if name else ""
    colour = PALETTE[i % 4]
    if value is None:
        return Bar(
            left,
            y + 2,
            18,
            bar_h - 4,
            colour,
            True,
            prefix + hidden_label,
            left + 24,
            y + bar_h - 4,
        )
    w = plot * max(0.0, float(value)) / top
    text = prefix + _fmt(float(value)) + unit
    return Bar(left, y + 2, w, bar_h - 4, colour, False, text, left + w + 4, y + bar_h - 4)


def _clip(label: str, size: int = 30) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def table(
    caption: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], hidden: str = "< k"
) -> DataTable:
    """An accessible table of ``rows``; ``None`` shows as ``hidden`` (a suppressed value)."""
    return DataTable(
        caption=caption,
        headers=tuple(str(h) for h in headers),
        rows=tuple(tuple(hidden if c is None else cell_text(c) for c in row) for row in rows),
    )


def cell_text(value: Any) -> str:
    """A table cell as French text: ``oui``/``non``, decimal comma, the rest as ``str``."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return _fmt(value)
    return str(value)
