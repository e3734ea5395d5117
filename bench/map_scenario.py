"""Scenario 5: the safety map with 100k observations (build + serve) against naive Folium
CircleMarkers of the same points. Issue 6 provides ``bench/maps_safety.py`` with
``measure(n_observations, repetitions)``; until it is on the branch the row says so."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any

MODULE = "bench.maps_safety"


@dataclass(frozen=True)
class MapResult:
    """Seconds and bytes per repetition, ours and the naive map, or why there are none."""

    ours_seconds: list[float]
    naive_seconds: list[float]
    ours_bytes: list[float]
    naive_bytes: list[float]
    note: str = ""


def available() -> bool:
    return importlib.util.find_spec(MODULE) is not None


def run(n_observations: int, repetitions: int) -> MapResult | None:
    """Call issue 6's ``measure``; None when it is not there yet."""
    if not available():
        return None
    module = importlib.import_module(MODULE)
    result = module.measure(n_observations, repetitions)
    return _adapt(result)


def _adapt(result: Any) -> MapResult:
    """Accept a :class:`MapResult`-like object or a mapping with ``ours``/``naive`` entries of
    ``seconds`` and ``bytes`` lists."""
    if isinstance(result, MapResult):
        return result

    def get(side: str, key: str) -> list[float]:
        part = result[side] if isinstance(result, dict) else getattr(result, side)
        values = part[key] if isinstance(part, dict) else getattr(part, key)
        return [float(v) for v in (values if isinstance(values, list | tuple) else [values])]

    note = result.get("note", "") if isinstance(result, dict) else getattr(result, "note", "")
    return MapResult(
        get("ours", "seconds"),
        get("naive", "seconds"),
        get("ours", "bytes"),
        get("naive", "bytes"),
        str(note),
    )
