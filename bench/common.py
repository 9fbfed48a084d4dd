"""Shared pieces of the benchmarks: timing beside a floor, statistics, rows, growth.

Every figure is measured beside a floor taken in the same run, interleaved sample by
sample (A, floor, A, floor, ...), so both see the same load on a shared machine; the
report gives the median, the 95th percentile and the ratio of the two medians.
"""

from __future__ import annotations

import gc
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


# --------------------------------------------------------------------------- results


@dataclass
class Row:
    """One measured figure with its floor and budget.

    ``passed`` is None for a figure without a budget (information), and ``skipped`` names
    why a figure could not be measured (the part does not exist yet, no browser, ...).
    """

    section: str
    name: str
    unit: str
    median: float | None = None
    p95: float | None = None
    floor: float | None = None
    floor_name: str = ""
    budget: str = ""
    passed: bool | None = None
    note: str = ""
    skipped: str = ""
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        """Measured over floor (for throughputs: floor rate over measured rate), i.e. how
        many times the floor's cost this figure costs."""
        if self.median is None or not self.floor:
            return None
        if self.higher_is_better:
            return self.floor / self.median if self.median else None
        return self.median / self.floor

    @property
    def status(self) -> str:
        """pass, FAIL, info or skipped."""
        if self.skipped:
            return "skipped"
        if self.passed is None:
            return "info"
        return "pass" if self.passed else "FAIL"


@dataclass
class Growth:
    """How a cost grows with a size: the sizes, the cost at each, and a verdict in words."""

    section: str
    what: str
    size_name: str
    unit: str
    sizes: list[int] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def verdict(self) -> str:
        """flat, linear (per unit, on a fixed part), or faster than linear, in words."""
        return describe_growth(self.sizes, self.costs, self.unit, self.size_name)


def skipped(section: str, name: str, why: str, budget: str = "") -> Row:
    """A row for a figure that could not be measured."""
    return Row(section, name, "", budget=budget, skipped=why)


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    """The median."""
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile."""
    return percentile(values, 95)


# --------------------------------------------------------------------------- timing


# The clocks. CPU time of this process (every thread: AppTest runs the script in its own)
# is what an idle core would take, and is what the in-process figures use: on a shared
# machine, wall time also counts the time other people's work held the CPU. Figures that
# cross processes (the server, the browser, interpreter start-up) can only use wall time.
CPU = time.process_time
WALL = time.perf_counter
CLOCK_NAMES = {CPU: "CPU time", WALL: "wall time"}


def time_once(fn: Callable[[], object], clock: Callable[[], float] = CPU) -> float:
    """Seconds one call of ``fn`` takes on ``clock`` (garbage collection not paused)."""
    start = clock()
    fn()
    return clock() - start


def interleaved(
    subject: Callable[[], object],
    floor: Callable[[], object],
    samples: int,
    warmup: int = 1,
    clock: Callable[[], float] = CPU,
) -> tuple[list[float], list[float]]:
    """Seconds per call of ``subject`` and of ``floor``, sampled alternately.

    Alternating keeps the two under the same background load; the garbage collector is
    collected before each pair so one side does not pay for the other's garbage.
    """
    for _ in range(warmup):
        subject()
        floor()
    a: list[float] = []
    b: list[float] = []
    for i in range(samples):
        gc.collect()
        if i % 2:
            b.append(time_once(floor, clock))
            a.append(time_once(subject, clock))
        else:
            a.append(time_once(subject, clock))
            b.append(time_once(floor, clock))
    return a, b


# --------------------------------------------------------------------------- growth


def fit_line(sizes: Sequence[float], costs: Sequence[float]) -> tuple[float, float]:
    """Least-squares ``cost = a + b * size``: (a, b)."""
    n = len(sizes)
    mean_x = sum(sizes) / n
    mean_y = sum(costs) / n
    sxx = sum((x - mean_x) ** 2 for x in sizes)
    if sxx == 0:
        return mean_y, 0.0
    b = sum((x - mean_x) * (y - mean_y) for x, y in zip(sizes, costs, strict=True)) / sxx
    return mean_y - b * mean_x, b


def loglog_slope(sizes: Sequence[float], costs: Sequence[float]) -> float:
    """The exponent k of ``cost ∝ size^k`` between the smallest and largest size."""
    first, last = 0, len(sizes) - 1
    if costs[first] <= 0 or costs[last] <= 0 or sizes[first] == sizes[last]:
        return 0.0
    return math.log(costs[last] / costs[first]) / math.log(sizes[last] / sizes[first])


def describe_growth(
    sizes: Sequence[float], costs: Sequence[float], unit: str = "", size_name: str = "unit"
) -> str:
    """In words: flat, linear (cost per unit of size on a fixed part), or faster than linear.

    Flat: the cost at the largest size is within 15 % of the cost at the smallest. Otherwise
    the exponent k of cost ∝ size^k between the two ends decides: above 1.15 it grows faster
    than linear; else it is linear, described by a least-squares line.
    """
    if len(sizes) < 2 or not all(c > 0 for c in costs):
        return "not measured"
    change = costs[-1] / costs[0] - 1
    span = f"{sizes[0]:,.0f} → {sizes[-1]:,.0f}"
    if change <= 0.15:
        return f"flat ({change:+.0%} over {span})"
    k = loglog_slope(sizes, costs)
    if k > 1.15:
        return f"faster than linear (cost ∝ size^{k:.2f} over {span})"
    a, b = fit_line(sizes, costs)
    what = size_name.split(" ")[0].rstrip("s") or "unit"
    per = f"linear: {fmt_scaled(b, unit)} per {what}"
    if a > 0.1 * costs[-1]:
        return f"{per} on a fixed {fmt_scaled(a, unit)} ({change:+.0%} over {span})"
    return f"{per} (cost ∝ size^{k:.2f} over {span})"


_SMALLER = {"s": ("ms", 1e3), "ms": ("µs", 1e3)}


def fmt_scaled(value: float, unit: str) -> str:
    """A time in a unit where it is at least 1 (s → ms → µs)."""
    while unit in _SMALLER and 0 < abs(value) < 1:
        unit, factor = _SMALLER[unit]
        value *= factor
    return fmt(value, unit)


# --------------------------------------------------------------------------- formatting


def fmt(value: float | None, unit: str = "") -> str:
    """A number with a sensible count of digits."""
    if value is None:
        return "—"
    magnitude = abs(value)
    if float(value).is_integer() and magnitude < 1000:
        text = str(int(value))
    elif magnitude >= 1000:
        text = f"{value:,.0f}"
    elif magnitude >= 100:
        text = f"{value:.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table."""
    out = ["| " + " | ".join(headings) + " |", "|" + "|".join("---" for _ in headings) + "|"]
    for row in rows:
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(out)


def rows_table(rows: Sequence[Row]) -> str:
    """The results as a Markdown table."""
    body = []
    for r in rows:
        ratio = r.ratio
        body.append(
            [
                r.section,
                r.name,
                fmt(r.median, r.unit) if not r.skipped else "—",
                fmt(r.p95, r.unit) if not r.skipped else "—",
                f"{fmt(r.floor, r.unit)} ({r.floor_name})" if r.floor is not None else "—",
                f"{ratio:.2f}×" if ratio is not None else "—",
                r.budget or "—",
                r.status if not r.skipped else f"skipped: {r.skipped}",
            ]
        )
    return table(
        ["Area", "Figure", "Median", "p95", "Floor (same run)", "Ratio", "Budget", "Result"],
        body,
    )


def growth_table(items: Sequence[Growth]) -> str:
    """The growth series as a Markdown table."""
    body = []
    for g in items:
        pairs = ", ".join(
            f"{s:,} → {fmt_scaled(c, g.unit)}" for s, c in zip(g.sizes, g.costs, strict=True)
        )
        body.append([g.section, g.what, g.size_name, pairs or "—", g.verdict])
    return table(["Area", "Cost", "Size", "Measured (size → cost)", "Growth"], body)
