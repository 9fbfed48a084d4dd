"""Run the benchmarks, print the tables, write docs/benchmarks.md; exit 1 when a budget fails.

    .venv/bin/python bench/run.py            # full run (several minutes)
    .venv/bin/python bench/run.py --quick    # fewer samples and sizes (a couple of minutes)
    .venv/bin/python bench/run.py --only scoring,staff --no-write

Each figure is measured beside a floor taken in the same run (see bench/common.py), so the
ratios stay meaningful on a busy machine even when the absolute numbers move.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
_VENV_PYTHON = _ROOT / ".venv" / "bin" / "python"

try:  # run with the project's virtual environment even when started as `python bench/run.py`
    import pydantic  # noqa: F401
except ImportError:  # pragma: no cover - depends on how it was started
    if _VENV_PYTHON.exists() and Path(sys.executable) != _VENV_PYTHON:
        os.execv(str(_VENV_PYTHON), [str(_VENV_PYTHON), *sys.argv])
    raise

if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from bench.common import Growth, Row, growth_table, rows_table  # noqa: E402

# key, module, what it measures (in run order: cheap first, the server and browser last)
BENCHES: tuple[tuple[str, str, str], ...] = (
    ("import", "bench.bench_import", "import screening in a fresh interpreter"),
    ("scoring", "bench.bench_scoring", "read_record throughput"),
    ("wizard", "bench.bench_wizard", "wizard reruns under AppTest"),
    ("pdf", "bench.bench_pdf", "summary PDF per record"),
    ("staff", "bench.bench_staff", "staff batch: table, CSV, PDFs in a ZIP"),
    ("inbox", "bench.bench_inbox", "clinic inbox: send (SQLite, PostgreSQL), open 1,000"),
    ("server", "bench.bench_server", "one streamlit process, many sessions"),
    ("browser", "bench.bench_browser", "time to first question in Chromium"),
    ("senders", "bench.bench_senders", "50 senders through nginx, 2 replicas, PostgreSQL"),
)
NOTES = Path(__file__).resolve().parent / "notes.md"
DEFAULT_OUT = _ROOT / "docs" / "benchmarks.md"


def _machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores (shared)"),
        ("Memory", memory),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
    ]


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("streamlit", "pydantic", "pandas", "fpdf2", "fhir.resources", "playwright"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    try:
        out = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20
        )
        parts.append(out.stdout.strip() or "chromium (no version)")
    except (OSError, subprocess.TimeoutExpired):
        parts.append("chromium (not found)")
    return ", ".join(parts)


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def run_benches(keys: list[str], quick: bool) -> tuple[list[Row], list[Growth]]:
    """Run the chosen benchmarks; an error becomes a failing row, not a crash."""
    rows: list[Row] = []
    growth: list[Growth] = []
    for key, module_name, what in BENCHES:
        if key not in keys:
            continue
        print(f"· {key}: {what} …", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(module_name)
            got = module.run(quick)
            rows.extend(got)
            if hasattr(module, "growth"):
                growth.extend(module.growth(quick))
        except Exception as exc:  # report it and go on with the others
            traceback.print_exc()
            rows.append(
                Row(key, "benchmark error", "", passed=False, note=f"{type(exc).__name__}: {exc}")
            )
            got = rows[-1:]
        print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
        print(rows_table(got), flush=True)
    return rows, growth


def render(
    rows: list[Row], growth: list[Growth], quick: bool, seconds: float, loads: tuple[str, str]
) -> str:
    """docs/benchmarks.md."""
    failed = [r for r in rows if r.passed is False]
    verdict = (
        "**Every budget is met.**"
        if not failed
        else f"**{len(failed)} budget(s) missed:** "
        + "; ".join(f"{r.section} — {r.name}" for r in failed)
    )
    skipped = [r for r in rows if r.skipped]
    lines = [
        "# Benchmarks and the performance budget",
        "",
        "Generated by `python bench/run.py"
        + (" --quick" if quick else "")
        + "`; do not edit by hand (the notes at the end come from `bench/notes.md`).",
        "Each figure sits beside a floor measured in the same run, sample by sample, on a "
        "shared 2-core machine: read the ratios as the stable part and the absolute times "
        "as this machine's, under its load at the time. Ratio = the figure's cost in floors "
        "(time ÷ floor time; for rates, floor rate ÷ rate). p95 of a rate is its slowest 5 %.",
        "",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {'quick' if quick else 'full'} mode, "
        f"{seconds:.0f} s. Load average (1/5/15 min) at start {loads[0]}, at end {loads[1]}.",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in _machine()]
    lines += [f"- Packages: {_versions()}", "", verdict, ""]
    if skipped:
        lines += [
            "Not measured: " + "; ".join(f"{r.section} — {r.name} ({r.skipped})" for r in skipped),
            "",
        ]
    lines += ["## Results", "", rows_table([r for r in rows if not r.skipped]), ""]
    noted = [r for r in rows if r.note and not r.skipped]
    if noted:
        lines += ["Notes on the figures:", ""]
        lines += [f"- {r.section} — {r.name}: {r.note}" for r in noted]
        lines.append("")
    if growth:
        lines += ["## Growth", "", growth_table(growth), ""]
        noted_g = [g for g in growth if g.note]
        lines += [f"- {g.section} — {g.what}: {g.note}" for g in noted_g]
        if noted_g:
            lines.append("")
    if NOTES.exists():
        lines += [NOTES.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples and sizes")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated: " + ", ".join(k for k, _m, _w in BENCHES),
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report file")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    keys = [k.strip() for k in args.only.split(",") if k.strip()] or [k for k, _m, _w in BENCHES]
    unknown = set(keys) - {k for k, _m, _w in BENCHES}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    os.chdir(_ROOT)
    load_start = _load()
    started = time.perf_counter()
    rows, growth = run_benches(keys, args.quick)
    seconds = time.perf_counter() - started
    report = render(rows, growth, args.quick, seconds, (load_start, _load()))
    print()
    print(rows_table(rows))
    if growth:
        print()
        print(growth_table(growth))
    if not args.no_write:
        args.out.write_text(report, encoding="utf-8")
        print(f"\nwrote {args.out.relative_to(_ROOT) if args.out.is_absolute() else args.out}")
    failed = [r for r in rows if r.passed is False]
    if failed:
        print(f"\n{len(failed)} budget(s) missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
