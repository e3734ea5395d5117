"""Small-count suppression (« secret statistique ») for the public dashboards.

The rule, for every public table of one QPV (cells of one population, whose total ``T`` a
reader may know — from the table's own total, or from another table of the same people that
publishes all its cells, so ``T`` is always treated as known):

1. a count between 1 and k − 1 is hidden (primary suppression);
2. zeros are published, so a reader knows every hidden cell holds at least 1; with ``m``
   hidden cells whose sum is ``S = T − published``, a hidden cell can hold at most
   ``S − (m − 1)``. That bound must reach k, or the reader learns the cell is small (with
   ``S = m`` even its exact value: 14 in total, 12 shown, two hidden → 1 and 1). So the
   smallest published cells are hidden too until ``S − (m − 1) ≥ k`` (complementary
   suppression); when no published cell is left to hide, the whole table is withheld, zeros
   included;
3. an aggregate over part of a table (the night slots, a by-side total of a category table)
   is published only when it tells nothing new: it contains no hidden cell, or all of them
   (its value then follows from ``T`` anyway) — :func:`part`;
4. a mean is published only over at least k values, and only beside a published count.

Every public table of a QPV is computed from the same rows through these functions, so the
tables agree with each other (``tests/planning/test_suppress.py`` tries to reconstruct hidden
cells from everything public and must fail).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def suppress(counts: Mapping[K, int], k: int) -> dict[K, int | None]:
    """``counts`` with the cells that must not be published set to None (rules 1 and 2).

    Parameters
    ----------
    counts : mapping
        Cell key → count: the cells of one table (one population).
    k : int
        Minimum published count (``public_min_count``; 1 publishes everything).
    """
    hidden = {key for key, n in counts.items() if 0 < n < k}
    if not hidden:
        return dict(counts)
    shown = sorted((n, i) for i, (key, n) in enumerate(counts.items()) if key not in hidden)
    keys = list(counts)
    while _largest_possible(counts, hidden) < k:
        candidates = [(n, i) for n, i in shown if n > 0 and keys[i] not in hidden]
        if not candidates:
            return {key: None for key in counts}  # nothing left to hide: withhold the table
        hidden.add(keys[candidates[0][1]])
    return {key: (None if key in hidden else n) for key, n in counts.items()}


def _largest_possible(counts: Mapping[K, int], hidden: set[K]) -> int:
    """The largest value a reader could think one hidden cell holds (each hidden ≥ 1)."""
    remainder = sum(counts[key] for key in hidden)
    return remainder - (len(hidden) - 1)


def part(counts: Mapping[K, int], shown: Mapping[K, int | None], group: Iterable[K]) -> int | None:
    """The sum of ``counts`` over ``group`` when publishing it reveals no hidden cell
    (rule 3), else None."""
    members = set(group)
    hidden = {key for key, value in shown.items() if value is None}
    if hidden and (members & hidden) and not hidden <= members:
        return None
    if hidden and hidden <= members and all(value is None for value in shown.values()):
        return None  # the whole table is withheld: so is any part of it
    return sum(counts[key] for key in members)


def total(n: int, k: int) -> int | None:
    """A table total: published unless it is itself a small count."""
    return None if 0 < n < k else n


def mean(value_sum: float, n: int, k: int, digits: int = 2) -> float | None:
    """A mean published over at least ``k`` values (None otherwise, and when ``n`` is 0)."""
    if n == 0 or n < k:
        return None
    return round(value_sum / n, digits)
