"""Aggregate repetitions and print / write the results table."""

from __future__ import annotations

import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).parent / "RESULTS.md"


@dataclass(frozen=True)
class Figure:
    """Median of repetitions, with min and max."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Figure:
        return cls(statistics.median(values), min(values), max(values))

    def show(self, unit: str = "", digits: int = 0) -> str:
        fmt = f"{{:,.{digits}f}}"
        return f"{fmt.format(self.median)}{unit} ({fmt.format(self.low)}–{fmt.format(self.high)})"


@dataclass
class Row:
    """One scenario: ours against its reference, measured in the same run."""

    scenario: str
    reference: str
    target: str
    ours: dict[str, Figure] = field(default_factory=dict)
    ref: dict[str, Figure] = field(default_factory=dict)
    ratio: str = ""
    met: bool | None = None
    note: str = ""


def _commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return out.stdout.strip() or "unknown"


def _cells(figures: dict[str, Figure]) -> str:
    parts = []
    for key, fig in figures.items():
        unit, digits = {"rps": (" req/s", 0), "p50": (" ms", 2), "p99": (" ms", 2)}.get(
            key, ("", 2)
        )
        if key in ("seconds",):
            unit, digits = (" s", 3)
        if key in ("bytes",):
            unit, digits = (" B", 0)
        if key in ("errors",):
            unit, digits = ("", 0)
        parts.append(f"{key} {fig.show(unit, digits)}")
    return "; ".join(parts)


def print_table(rows: Sequence[Row], machine: dict[str, str], quick: bool) -> None:
    console = Console()
    console.print(
        "[bold]Cartégalité benchmarks[/] — "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}"
        + (" (quick)" if quick else "")
    )
    console.print(", ".join(f"{k}: {v}" for k, v in machine.items() if v))
    table = Table(show_lines=True)
    for col in ("scenario", "ours", "reference (same run)", "ratio", "target", "met"):
        table.add_column(col)
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "NO")
        table.add_row(
            r.scenario, _cells(r.ours), f"{r.reference}: {_cells(r.ref)}", r.ratio, r.target, met
        )
    console.print(table)


def write_markdown(
    rows: Sequence[Row], machine: dict[str, str], quick: bool, path: Path = RESULTS
) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- commit: {_commit()}"
        + (" — quick run (`--quick`), not the default sizes" if quick else ""),
        "- machine: " + ", ".join(f"{k} {v}" for k, v in machine.items() if v),
        "- figures: median of the repetitions (min–max); "
        "p99 at 16 connections, p50 at 1 connection",
        "",
        "| scenario | ours | reference (same run) | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(
            f"| {r.scenario} | {_cells(r.ours)} | {r.reference}: {_cells(r.ref)} "
            f"| {r.ratio} | {r.target} | {met} |"
        )
    notes = [r for r in rows if r.note]
    if notes:
        lines += ["", "## Notes", ""] + [f"- **{r.scenario}**: {r.note}" for r in notes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
