"""Small-count suppression, on its own."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from planning.suppress import mean, suppress, total


def test_primary_and_complementary_suppression() -> None:
    counts = {"a": 12, "b": 3, "c": 7, "d": 0}
    shown = suppress(counts, 5)
    assert shown["b"] is None  # primary: 1..k-1
    assert shown["c"] is None  # complementary: the smallest published cell ≥ k
    assert shown["a"] == 12 and shown["d"] == 0  # zeros are published


def test_two_small_cells_need_no_complement() -> None:
    assert suppress({"a": 12, "b": 3, "c": 2}, 5) == {"a": 12, "b": None, "c": None}


def test_staff_threshold_hides_nothing() -> None:
    counts = {"a": 1, "b": 2}
    assert suppress(counts, 1) == counts


def test_totals_and_means() -> None:
    assert total(4, 5) is None and total(0, 5) == 0 and total(5, 5) == 5
    assert mean(6, 4, 5) is None and mean(10, 5, 5) == 2.0 and mean(0, 0, 1) is None


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 30), max_size=8),
    st.integers(2, 10),
)
def test_no_small_cell_and_no_lone_suppression(counts: dict[str, int], k: int) -> None:
    shown = suppress(counts, k)
    for key, n in counts.items():
        assert shown[key] in (None, n)
        if 0 < n < k:
            assert shown[key] is None
    hidden = [key for key in counts if shown[key] is None]
    published = [n for n in counts.values() if n >= k]
    # a lone suppressed cell could be recovered from the total: never alone when avoidable
    assert len(hidden) != 1 or not published
