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
UNITS = {
    "rps": (" req/s", 0),
    "p50": (" ms", 2),
    "p99": (" ms", 1),
    "errors": ("", 0),
    "seconds": (" s", 2),
    "bytes": (" B", 0),
}


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
        median, low, high = (fmt.format(v) for v in (self.median, self.low, self.high))
        return f"{median}{unit} ({low}–{high})"


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
        unit, digits = UNITS.get(key, ("", 2))
        parts.append(f"{key} {fig.show(unit, digits)}")
    return "; ".join(parts) or "—"


def _met(row: Row, markdown: bool) -> str:
    if row.met is None:
        return "—"
    if row.met:
        return "yes"
    return "**no**" if markdown else "NO"


def _header(machine: dict[str, str], quick: bool) -> str:
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}"
    return when + (" — quick run (`--quick`), not the default sizes" if quick else "")


def print_table(
    rows: Sequence[Row], machine: dict[str, str], quick: bool, extra: Sequence[str] = ()
) -> None:
    console = Console()
    console.print(f"[bold]Cartégalité benchmarks[/] — {_header(machine, quick)}")
    console.print(", ".join(f"{k}: {v}" for k, v in machine.items() if v))
    table = Table(show_lines=True)
    for col in ("scenario", "ours", "reference (same run)", "ratio", "target", "met"):
        table.add_column(col)
    for r in rows:
        ref = f"{r.reference}: {_cells(r.ref)}"
        table.add_row(r.scenario, _cells(r.ours), ref, r.ratio, r.target, _met(r, False))
    console.print(table)
    for line in extra:
        console.print(line, highlight=False)
    for r in rows:
        if r.note:
            console.print(f"- {r.scenario}: {r.note}", highlight=False)


def write_markdown(
    rows: Sequence[Row],
    machine: dict[str, str],
    quick: bool,
    extra: Sequence[str] = (),
    path: Path = RESULTS,
) -> None:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`cartegalite bench run`); see the README section « Benchmarks ».",
        "",
        f"- run: {_header(machine, quick)}",
        "- machine: " + ", ".join(f"{k} {v}" for k, v in machine.items() if v),
        "- figures: median of the repetitions (min–max); throughput and p99 at 16 connections, "
        "p50 at 1 connection (unloaded); ratios per repetition (ours / reference), then median",
        "",
        "| scenario | ours | reference (same run) | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        ref = f"{r.reference}: {_cells(r.ref)}"
        lines.append(
            f"| {r.scenario} | {_cells(r.ours)} | {ref} | {r.ratio} | {r.target} "
            f"| {_met(r, True)} |"
        )
    notes = [r for r in rows if r.note]
    if notes:
        lines += ["", "## Notes", ""] + [f"- **{r.scenario}**: {r.note}" for r in notes]
    if extra:
        lines += ["", *extra]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
