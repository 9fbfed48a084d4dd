"""1. Import: ``import screening`` in a fresh interpreter per sample, beside ``python -c pass``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import REPO_ROOT, Row, median, p95

SECTION = "Import"
BUDGET_MS = 150.0
HEAVY = ("streamlit", "pandas", "numpy", "fpdf", "fhir", "fhir_core", "pyarrow", "PIL", "altair")

_PROBE = """
import sys, time, json
t = time.perf_counter()
{statement}
elapsed = time.perf_counter() - t
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))
print(json.dumps({{"s": elapsed, "heavy": heavy}}))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.pop("PYTHONSTARTUP", None)
    return env


def _probe(statement: str) -> tuple[float, float, list[str]]:
    """(in-process seconds, process wall seconds, heavy modules) in a fresh interpreter."""
    code = _PROBE.format(statement=statement, heavy=HEAVY)
    start = _now()
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    wall = _now() - start
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return float(data["s"]), wall, list(data["heavy"])


def _wall(args: list[str]) -> float:
    start = _now()
    subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=_env(), capture_output=True, check=True
    )
    return _now() - start


def _now() -> float:
    import time

    return time.perf_counter()


def run(quick: bool) -> list[Row]:
    """Fresh interpreters: import screening, and what the CLI needs, beside python -c pass."""
    samples = 9 if quick else 25
    inproc: list[float] = []
    walls: list[float] = []
    floors: list[float] = []
    heavy: set[str] = set()
    _wall(["-c", "pass"])  # warm the file cache
    for _ in range(samples):
        s, w, h = _probe("import screening")
        inproc.append(s * 1000)
        walls.append(w * 1000)
        floors.append(_wall(["-c", "pass"]) * 1000)
        heavy.update(h)

    core: list[float] = []
    core_heavy: set[str] = set()
    for _ in range(max(3, samples // 3)):
        s, _w, h = _probe(
            "import screening.record\nscreening.record.load_questionnaire()\nimport screening.rules"
        )
        core.append(s * 1000)
        core_heavy.update(h)

    cli: list[float] = []
    cli_floor: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        from bench.data import vignette_records

        path = Path(tmp) / "record.json"
        path.write_bytes(vignette_records()[0])
        for _ in range(max(3, samples // 3)):
            cli.append(_wall(["-m", "screening", "score", str(path)]) * 1000)
            cli_floor.append(_wall(["-c", "pass"]) * 1000)

    rows = [
        Row(
            SECTION,
            "`import screening` (in-process, fresh interpreter)",
            "ms",
            median(inproc),
            p95(inproc),
            budget=f"≤ {BUDGET_MS:.0f} ms",
            passed=median(inproc) <= BUDGET_MS,
        ),
        Row(
            SECTION,
            "`python -c 'import screening'` (whole process)",
            "ms",
            median(walls),
            p95(walls),
            floor=median(floors),
            floor_name="`python -c pass`",
            note="interpreter start-up included",
        ),
        Row(
            SECTION,
            "heavy modules after `import screening`",
            "",
            float(len(heavy)),
            None,
            budget="none of " + ", ".join(HEAVY[:5]) + ", …",
            passed=not heavy,
            note=", ".join(sorted(heavy)) or "none",
        ),
        Row(
            SECTION,
            "`import screening.record, screening.rules` + parse the questionnaire",
            "ms",
            median(core),
            p95(core),
            note="heavy: " + (", ".join(sorted(core_heavy)) or "none") + " (pydantic is expected)",
        ),
        Row(
            SECTION,
            "`python -m screening score FILE` (whole process)",
            "ms",
            median(cli),
            p95(cli),
            floor=median(cli_floor),
            floor_name="`python -c pass`",
        ),
    ]
    return rows
