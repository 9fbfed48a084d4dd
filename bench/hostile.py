"""How long each hostile file (tests/hostile.py) takes to be refused, door by door.

    .venv/bin/python bench/hostile.py            # a table; the budget is 1 second a file

Doors: the core record loader (``read_record``), the staff review (``load_files``), the
CLI (``python -m screening score FILE``, in-process, so without interpreter start-up),
the wizard's "resume from a file" and the staff page (each under AppTest: one upload and
the rerun it causes). Wall-clock medians of a few runs; the tests check the behaviour,
this measures the time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from screening.cli import main as cli_main  # noqa: E402
from screening.errors import RecordError  # noqa: E402
from screening.record import read_record  # noqa: E402
from screening.review import load_files  # noqa: E402
from tests.hostile import CASES, CSV_CASES  # noqa: E402

BUDGET = 1.0


def _timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _record(name: str, data: bytes) -> None:
    with contextlib.suppress(RecordError):
        read_record(data, name)


def _cli(path: Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        cli_main(["score", str(path)])


def _page(script: str, name: str, data: bytes) -> Callable[[], object]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(script, default_timeout=60)
    at.run()

    def upload() -> object:
        at.file_uploader[0].set_value([(name, data, "application/octet-stream")])
        return at.run()

    return upload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--no-pages", action="store_true", help="skip the AppTest doors")
    args = parser.parse_args(argv)

    wizard = str(ROOT / "streamlit_app.py")
    staff = str(ROOT / "ui" / "staff.py")
    rows = []
    worst = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for case in (*CASES, *CSV_CASES):
            data = case.data()
            path = Path(folder) / case.name
            path.write_bytes(data)
            figures = {
                "record": _timed(lambda d=data, n=case.name: _record(n, d), args.repeat),
                "review": _timed(lambda d=data, n=case.name: load_files([(n, d)]), args.repeat),
                "cli": _timed(lambda p=path: _cli(p), args.repeat),
            }
            if not args.no_pages:
                if case in CASES:
                    figures["wizard"] = _timed(_page(wizard, case.name, data), 1)
                figures["staff"] = _timed(_page(staff, case.name, data), 1)
            worst = max(worst, *figures.values())
            rows.append((case.name, len(data), figures))
    doors = ["record", "review", "cli", "wizard", "staff"]
    print("| file | bytes | " + " | ".join(f"{d} ms" for d in doors) + " |")
    print("|---|---:|" + "---:|" * len(doors))
    for name, size, figures in rows:
        cells = [f"{figures[d] * 1000:.1f}" if d in figures else "–" for d in doors]
        print(f"| {name} | {size:,} | " + " | ".join(cells) + " |")
    print()
    for door in doors:
        values = [f[door] for _, _, f in rows if door in f]
        if values:
            print(
                f"{door}: median {statistics.median(values) * 1000:.1f} ms, "
                f"max {max(values) * 1000:.1f} ms over {len(values)} files"
            )
    print(f"slowest refusal: {worst * 1000:.0f} ms (budget {BUDGET * 1000:.0f} ms)")
    return 0 if worst < BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
