"""5. Staff batch: record files on disk → triage table (DataFrame) + CSV export, beside
reading and JSON-parsing the same files in one process; and 1,000 PDFs in a ZIP."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import WALL, Growth, Row, interleaved, median, p95, skipped, time_once
from bench.data import synthetic_records, write_files
from screening.review import Limits, csv_writer, load_files, sort_rows, triage_rows

SECTION = "Staff batch"
BUDGET_RATIO = 8.0  # the CLI's review of 10,000 files, to the json floor
ZIP_BUDGET_S = 60.0
# The page takes at most 2,000 files per batch (more records come as CSV files); the
# benchmark lifts that limit to see how the cost grows with 10,000 separate files.
BENCH_LIMITS = Limits(max_files=20_000, max_records=20_000)


def _frame_maker() -> Callable[[list[dict[str, Any]]], Any] | None:
    try:
        from ui.staff_view import triage_frame
    except ImportError:
        return None
    return triage_frame


def pipeline(paths: list[Path]) -> tuple[Any, Any, bytes]:
    """What the staff page does with a batch: load, rows crisis first, table, CSV."""
    frame_of = _frame_maker()
    files = [(p.name, p.read_bytes()) for p in paths]
    review = load_files(files, BENCH_LIMITS)
    rows = sort_rows(triage_rows(review.entries))
    frame = frame_of(rows) if frame_of is not None else None
    data = csv_writer()(review.entries)
    assert len(review.entries) == len(paths), review.problems[:3]
    return rows, frame, data


def floor(paths: list[Path]) -> None:
    """Read and JSON-parse the same files."""
    for p in paths:
        json.loads(p.read_bytes())


def _batch(folder: Path, size: int) -> list[Path]:
    return write_files(folder / f"batch-{size}", synthetic_records(size))


def run(quick: bool) -> list[Row]:
    """1,000 and 10,000 records; then 1,000 summary PDFs in a ZIP."""
    rows: list[Row] = []
    sizes = [1_000] if quick else [1_000, 10_000]
    with tempfile.TemporaryDirectory(prefix="bench-staff-") as tmp:
        for size in sizes:
            paths = _batch(Path(tmp), size)
            samples = (5 if quick else 9) if size <= 1_000 else 3
            a, b = interleaved(lambda p=paths: pipeline(p), lambda p=paths: floor(p), samples)
            ratio = median(a) / median(b)
            rows.append(
                Row(
                    SECTION,
                    f"{size:,} record files → table + CSV",
                    "s",
                    median(a),
                    p95(a),
                    floor=median(b),
                    floor_name="read + `json.loads` the files",
                    note=f"in one process, as the staff page does; {ratio:.1f}× floor; "
                    f"{median(a) / size * 1e6:.0f} µs per record",
                )
            )
        size = 1_000 if quick else 10_000
        rows.append(
            _cli_row(
                sorted((Path(tmp) / f"batch-{size}").iterdir()),
                Path(tmp),
                quick,
            )
        )
        if quick:
            rows.append(skipped(SECTION, "10,000 record files → table + CSV", "full run only"))
        rows.append(_zip_row(Path(tmp), quick))
    for size in [1_000] if quick else [1_000, 5_000]:
        rows.append(_page_rerun_row(size, 5 if quick else 9))
    return rows


_FLOOR_SCRIPT = (
    "import json, os, sys\n"
    "for name in sorted(os.listdir(sys.argv[1])):\n"
    "    with open(os.path.join(sys.argv[1], name), 'rb') as f:\n"
    "        json.loads(f.read())\n"
)


def _cli_row(paths: list[Path], tmp: Path, quick: bool) -> Row:
    """``python -m screening review DIR --csv OUT`` on the batch, beside a fresh interpreter
    that reads and JSON-parses the same files (both pay one interpreter start)."""
    import subprocess
    import sys

    folder = paths[0].parent
    out = tmp / "review.csv"
    cli = [sys.executable, "-m", "screening", "review", str(folder), "--csv", str(out)]
    floor_cmd = [sys.executable, "-c", _FLOOR_SCRIPT, str(folder)]

    def run_cli() -> None:
        done = subprocess.run(cli, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr[-500:]

    def run_floor() -> None:
        subprocess.run(floor_cmd, capture_output=True, check=True)

    a, b = interleaved(run_cli, run_floor, 3 if quick else 5, warmup=1, clock=WALL)
    rows_written = out.read_bytes().count(b"\r\n") - 1
    ratio = median(a) / median(b)
    return Row(
        SECTION,
        f"{len(paths):,} record files → CSV through `python -m screening review DIR --csv`",
        "s",
        median(a),
        p95(a),
        floor=median(b),
        floor_name="a fresh interpreter reading + `json.loads`-ing the files",
        budget=f"≤ {BUDGET_RATIO:.0f}× floor",
        passed=ratio <= BUDGET_RATIO and rows_written == len(paths),
        note=f"{rows_written:,} CSV rows written; {median(a) / len(paths) * 1e6:.0f} µs per file",
    )


_BARE_TABLE = """
import streamlit as st
from ui.staff_view import triage_frame
st.dataframe(triage_frame(st.session_state["rows"]), hide_index=True)
"""


def _page_rerun_row(size: int, samples: int) -> Row:
    """One rerun of the staff page (a click on a filter, say) with ``size`` records loaded,
    beside a bare page that shows the same rows as the same DataFrame."""
    import logging

    from streamlit.testing.v1 import AppTest

    from bench.common import REPO_ROOT

    name = f"staff page rerun, {size:,} records loaded"
    page = REPO_ROOT / "ui" / "staff.py"
    if not page.exists():
        return skipped(SECTION, name, "no ui/staff.py")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ.setdefault("SCREENING_SETTINGS", str(REPO_ROOT / "tests/data/settings/staff.toml"))
    at = AppTest.from_file(str(page), default_timeout=600)
    at.user = {"is_logged_in": True, "email": "staff@clinic.example"}
    at.run()
    records = synthetic_records(size)
    at.file_uploader[0].set_value(
        [(f"record-{i:05d}.json", data, "application/json") for i, data in enumerate(records)]
    )
    at.run()
    state = at.session_state["staff_review"] if "staff_review" in at.session_state else None  # noqa: SIM401
    if at.exception or state is None:
        return skipped(SECTION, name, "the upload did not load")
    bare = AppTest.from_string(_BARE_TABLE, default_timeout=600)
    bare.session_state["rows"] = state["rows"]
    bare.run()
    a, b = interleaved(at.run, bare.run, samples)
    return Row(
        SECTION,
        name,
        "ms",
        median(a) * 1000,
        p95(a) * 1000,
        floor=median(b) * 1000,
        floor_name="bare page, same table",
        note="what a click on a filter or a row costs once the files are loaded",
    )


def _zip_row(folder: Path, quick: bool) -> Row:
    try:
        from screening.review import pdf_renderer, pdf_zip
    except ImportError:
        return skipped(SECTION, "1,000 summary PDFs → ZIP", "no PDF export yet")
    count = 100 if quick else 1_000
    review = load_files([(p.name, p.read_bytes()) for p in _batch(folder, count)], BENCH_LIMITS)
    render = pdf_renderer(datetime(2026, 1, 15, 10, 0, tzinfo=UTC))
    render(review.entries[0])  # fonts parsed once per process, as on a warm server
    holder: dict[str, bytes] = {}

    def build() -> None:
        holder["zip"] = pdf_zip(review.entries, render)

    seconds = time_once(build)
    wall = time_once(build, WALL) if quick else None
    scale = 1_000 / count
    estimate = seconds * scale
    note = f"{seconds / count * 1000:.0f} ms per PDF; ZIP {len(holder['zip']) / 1e6:.1f} MB"
    if quick:
        note += f"; quick run: {count} PDFs timed and scaled to 1,000 (wall {wall:.1f} s)"
    return Row(
        SECTION,
        "1,000 summary PDFs → ZIP",
        "s",
        estimate,
        None,
        budget=f"≤ {ZIP_BUDGET_S:.0f} s",
        passed=estimate <= ZIP_BUDGET_S,
        note=note,
    )


def growth(quick: bool) -> list[Growth]:
    """Seconds for the batch at 100, 1,000 (and 10,000) records."""
    sizes = [100, 1_000] if quick else [100, 1_000, 10_000]
    g = Growth(SECTION, "files → table + CSV", "records in the batch", "s", sizes=sizes)
    f = Growth(SECTION, "read + `json.loads` (floor)", "records in the batch", "s", sizes=sizes)
    with tempfile.TemporaryDirectory(prefix="bench-staff-") as tmp:
        for size in sizes:
            paths = _batch(Path(tmp), size)
            a, b = interleaved(
                lambda p=paths: pipeline(p), lambda p=paths: floor(p), 3 if size > 1_000 else 5
            )
            g.costs.append(median(a))
            f.costs.append(median(b))
    per = [c / n * 1e6 for c, n in zip(g.costs, sizes, strict=True)]
    g.note = (
        "per record: "
        + ", ".join(f"{p:.0f} µs at {n:,}" for p, n in zip(per, sizes, strict=True))
        + f" ({per[-1] / per[0] - 1:+.0%} from {sizes[0]:,} to {sizes[-1]:,}: the garbage "
        "collector walks a larger heap as the loaded records pile up)"
    )
    return [g, f]
