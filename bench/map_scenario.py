"""Scenario 5: the safety map with 100k observations (build + serve) against naive Folium
CircleMarkers of the same points. The safety map benchmark provides ``bench/maps_safety.py`` with
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


def run(n_observations: int, repetitions: int, naive_repetitions: int) -> MapResult | None:
    """Call the safety map's ``measure``; None when it is not there yet."""
    if not available():
        return None
    module = importlib.import_module(MODULE)
    result = module.measure(n_observations, repetitions, naive_repetitions=naive_repetitions)
    return _adapt(result)


def _adapt(result: Any) -> MapResult:
    """The safety map's figures: ``ours_seconds``/``naive_seconds`` as {median, min, max} (or lists)
    and ``ours_bytes``/``naive_bytes`` as numbers."""
    if isinstance(result, MapResult):
        return result

    def seconds(key: str) -> list[float]:
        value = result[key]
        if isinstance(value, dict):
            return [float(value["min"]), float(value["median"]), float(value["max"])]
        return [float(v) for v in value]

    def size(key: str) -> list[float]:
        value = result[key]
        return [float(v) for v in value] if isinstance(value, list) else [float(value)]

    note = (
        f"bench/maps_safety.py: /cartes/securite through the app with a staff token, "
        f"{'aggregated in cells' if result.get('grouped') else 'individual points'}; seeded "
        f"{result.get('n_observations', '?'):,} observations in its own throw-away database"
    )
    return MapResult(
        seconds("ours_seconds"),
        seconds("naive_seconds"),
        size("ours_bytes"),
        size("naive_bytes"),
        note,
    )
