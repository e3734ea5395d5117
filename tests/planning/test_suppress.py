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


def test_two_small_cells_whose_sum_betrays_them_are_not_left_alone() -> None:
    # 17 in total, 12 shown: the two hidden cells hold 5, so each at most 4 — both known to be
    # small. Nothing else to hide: the table is withheld.
    assert suppress({"a": 12, "b": 3, "c": 2}, 5) == {"a": None, "b": None, "c": None}
    # with a second large cell to hide, the hidden cells could each hold k or more
    assert suppress({"a": 12, "b": 3, "c": 2, "d": 9}, 5) == {
        "a": 12,
        "b": None,
        "c": None,
        "d": None,
    }


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


# --- an attacker: everything public of one QPV, bounds tightened over its equations ----------

from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from hypothesis import settings  # noqa: E402

from planning import sections  # noqa: E402
from planning.models import NIGHT_SLOTS, SLOTS  # noqa: E402
from surveys.grid import grid  # noqa: E402

THEMES = ("visibilite", "entretien", "usages")
YEAR = 2025


def _reconstruct(
    cells: dict[Any, int | None],
    truth: dict[Any, int],
    equations: list[tuple[set[Any], int]],
    k: int,
) -> dict[Any, tuple[int, int]]:
    """The tightest bounds of each hidden cell an attacker gets by propagating the published
    cells, the equations (the total, published parts) and « a hidden cell holds at least 1 when
    zeros are published » to a fixed point."""
    withheld = all(v is None for v in cells.values())
    total = sum(truth.values())
    # the attacker is granted the true total whenever it is published (≥ k) anywhere
    known = total >= k
    lo = {c: (v if v is not None else (0 if withheld else 1)) for c, v in cells.items()}
    hi = {c: (v if v is not None else (total if known else 10**6)) for c, v in cells.items()}
    eqs = [(set(cells), total)] if known else []
    eqs += equations
    for _ in range(50):
        changed = False
        for members, value in eqs:
            for c in members:
                others_hi = sum(hi[o] for o in members if o != c)
                others_lo = sum(lo[o] for o in members if o != c)
                new_lo, new_hi = max(lo[c], value - others_hi), min(hi[c], value - others_lo)
                if (new_lo, new_hi) != (lo[c], hi[c]):
                    lo[c], hi[c], changed = new_lo, new_hi, True
        if not changed:
            break
    return {c: (lo[c], hi[c]) for c, v in cells.items() if v is None}


def _assert_safe(bounds: dict[Any, tuple[int, int]], truth: dict[Any, int], k: int) -> None:
    for cell, (lo, hi) in bounds.items():
        assert lo <= truth[cell] <= hi  # the attacker's reasoning is sound
        assert lo < hi, f"hidden cell {cell} reconstructed: {truth[cell]}"
        assert hi >= k, f"hidden cell {cell} known to be small (≤ {hi})"


observation = st.tuples(
    st.integers(1, 12),
    st.sampled_from(THEMES),
    st.sampled_from(SLOTS),
    st.one_of(st.none(), st.integers(0, 3)),
)


def _rows(obs: list[tuple[int, str, str, int | None]]) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for month, theme, slot, feeling in obs:
        key = (f"{YEAR}-{month:02d}", theme, slot)
        r = rows.setdefault(
            key,
            {
                "month": key[0],
                "theme": theme,
                "slot": slot,
                "n": 0,
                "n_feeling": 0,
                "feeling_sum": 0,
                "n_rating": 0,
                "rating_sum": 0,
            },
        )
        r["n"] += 1
        if feeling is not None:
            r["n_feeling"] += 1
            r["feeling_sum"] += feeling
    return list(rows.values())


@settings(max_examples=300, deadline=None)
@given(st.lists(observation, max_size=40), st.integers(2, 6))
def test_no_hidden_observation_cell_can_be_reconstructed(
    obs: list[tuple[int, str, str, int | None]], k: int
) -> None:
    out = sections.observations(_rows(obs), YEAR, k)
    # theme × slot
    truth = {(t, s): 0 for t in grid().themes for s in SLOTS}
    for _m, t, s, _f in obs:
        truth[(t, s)] += 1
    cells = {(c["theme"], c["slot"]): c["count"] for c in out["by_theme_slot"]}
    _assert_safe(_reconstruct(cells, truth, [], k), truth, k)
    # month by month
    months = {f"{YEAR}-{m:02d}": 0 for m in range(1, 13)}
    for m, _t, _s, _f in obs:
        months[f"{YEAR}-{m:02d}"] += 1
    shown = {r["month"]: r["count"] for r in out["by_month"] if r["month"].startswith(str(YEAR))}
    _assert_safe(_reconstruct(shown, months, [], k), months, k)
    # feeling by slot, with the night slots published together as a second equation
    felt = {s: sum(1 for _m, _t, s2, f in obs if s2 == s and f is not None) for s in SLOTS}
    by_slot = {r["slot"]: r["count"] for r in out["feeling_by_slot"][str(YEAR)]}
    night = out["feeling_night"][str(YEAR)]["count"]
    extra = [(set(NIGHT_SLOTS), night)] if night is not None else []
    _assert_safe(_reconstruct(by_slot, felt, extra, k), felt, k)
    # means only beside a published count of at least k
    for r in out["feeling_by_slot"][str(YEAR)]:
        assert r["mean"] is None or (r["count"] is not None and r["count"] >= k)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(("proprete", "depot_sauvage", "tag_haineux")), st.booleans()),
        max_size=30,
    ),
    st.integers(2, 6),
)
def test_no_hidden_issue_cell_can_be_reconstructed(issues: list[tuple[str, bool]], k: int) -> None:
    opened = datetime(YEAR, 6, 1, tzinfo=UTC)
    rows = [
        {
            "id": i,
            "category": c,
            "followup": "nouveau" if is_open else "rejete",
            "responsible_body": None,
            "opened_at": opened + timedelta(hours=i),
            "resolved_at": None,
        }
        for i, (c, is_open) in enumerate(issues)
    ]
    out = sections.issues(rows, YEAR, k, staff=False)[str(YEAR)]
    categories = sorted({c for c, _ in issues})
    truth = {
        (c, side): sum(1 for c2, o in issues if c2 == c and o == (side == "open"))
        for c in categories
        for side in ("open", "closed")
    }
    listed = {row["category"]: row for row in out["by_category"]}
    cells = {
        (c, side): (listed[c][side] if c in listed else None)
        for c in categories
        for side in ("open", "closed")
    }
    extra = [
        ({(c, side) for c in categories}, out[side])
        for side in ("open", "closed")
        if out[side] is not None
    ]
    _assert_safe(_reconstruct(cells, truth, extra, k), truth, k)
