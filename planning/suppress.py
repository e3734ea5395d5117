"""Small-count suppression (« secret statistique ») for the public dashboards.

A count between 1 and k − 1 is not published (primary suppression). When a table's total is
published and exactly one of its cells is suppressed, that cell could be recovered by
subtraction: the smallest published non-zero cell is suppressed too (complementary
suppression; it holds at least k, so the pair's sum cannot be split back). Zeros are published:
they single nobody out. Means are published only over at least k observations.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def suppress(counts: Mapping[K, int], k: int) -> dict[K, int | None]:
    """``counts`` with the cells that must not be published set to None.

    Parameters
    ----------
    counts : mapping
        Cell key → count (the cells of one table whose total is published).
    k : int
        Minimum published count (``public_min_count``).
    """
    hidden = {key for key, n in counts.items() if 0 < n < k}
    if len(hidden) == 1:
        shown = sorted(
            ((n, i) for i, (key, n) in enumerate(counts.items()) if n >= k), key=lambda t: t
        )
        if shown:
            keys = list(counts)
            hidden.add(keys[shown[0][1]])
    return {key: (None if key in hidden else n) for key, n in counts.items()}


def total(n: int, k: int) -> int | None:
    """A table total: published unless it is itself a small count."""
    return None if 0 < n < k else n


def mean(value_sum: float, n: int, k: int, digits: int = 2) -> float | None:
    """A mean published over at least ``k`` values (None otherwise, and when ``n`` is 0)."""
    if n == 0 or n < k:
        return None
    return round(value_sum / n, digits)
