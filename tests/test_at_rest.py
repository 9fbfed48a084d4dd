"""Nothing at rest: after whole journeys (wizard and staff page under AppTest, every
download built, the CLI run on files), no respondent data is in any file or any log.

A unique sentinel is the respondent's name and notes; afterwards every file changed since
the journeys began (the repository, the temp folder, the home folder) is searched for it,
and so is everything logged or printed. The CLI writes only where it is told to. Real-browser
journeys are checked the same way by the browser suite.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from screening.record import build_record, dump_record
from tests.conftest import spy_downloads, staff_app
from tests.hostile import CREATED
from tests.staff_data import answers_of
from tests.wizard_driver import click, complete, new_app, start, state_answers

REPO = Path(__file__).resolve().parents[1]
STAFF = str(REPO / "ui" / "staff.py")
SENTINEL = f"AtRest{uuid.uuid4().hex[:16]}"
SKIP_DIRS = {".git", ".venv", "node_modules", ".mypy_cache", ".ruff_cache"}


def sentinel_answers() -> dict[str, Any]:
    """Complete crisis answers with the sentinel as name, notes and another medicine."""
    answers = answers_of("item9-passive")
    answers["display_name"] = SENTINEL
    answers["notes_for_clinician"] = f"Notes of {SENTINEL}"
    return answers


def files_changed_since(
    roots: list[Path], since: float, skip: Path | None = None
) -> Iterator[Path]:
    """Regular files under the roots modified at or after ``since`` (skipping tool folders)."""
    for root in roots:
        if not root.exists():
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            here = Path(folder)
            if skip is not None and (here == skip or skip in here.parents):
                dirs[:] = []
                continue
            for name in names:
                path = here / name
                try:
                    info = path.lstat()
                except OSError:
                    continue
                if path.is_file() and not path.is_symlink() and info.st_mtime >= since:
                    yield path


def holding_sentinel(paths: Iterator[Path]) -> list[str]:
    """The paths whose bytes contain the sentinel (UTF-8 or UTF-16)."""
    needles = (SENTINEL.encode(), SENTINEL.encode("utf-16-le"))
    hits = []
    for path in paths:
        try:
            if path.stat().st_size > 50_000_000:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if any(n in data for n in needles):
            hits.append(str(path))
    return hits


def roots() -> list[Path]:
    """Where anything could be written: the repository, the temp folder, the home folder."""
    return [REPO, Path(tempfile.gettempdir()), Path.home()]


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextlib.contextmanager
def everything_logged() -> Iterator[list[str]]:
    """Every log line (all loggers at DEBUG) and everything printed, while inside."""
    keep = _Keep()
    loggers = [logging.getLogger(), logging.getLogger("streamlit")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(keep)
        lg.setLevel(logging.DEBUG)
    out, err = io.StringIO(), io.StringIO()
    lines: list[str] = []
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield lines
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(keep)
            lg.setLevel(level)
        lines.extend(keep.lines)
        lines.extend(out.getvalue().splitlines())
        lines.extend(err.getvalue().splitlines())


def _spy_downloads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Callable[[], Any]]]:
    seen: list[tuple[str, Callable[[], Any]]] = []
    spy_downloads(monkeypatch, lambda name, build: seen.append((name, build)))
    return seen


@pytest.fixture(scope="module")
def page_journeys() -> dict[str, Any]:
    """Wizard and staff journeys with the sentinel, every download built; what they left."""
    began = time.time() - 1
    patch = pytest.MonkeyPatch()
    built: dict[str, bytes] = {}
    try:
        seen = _spy_downloads(patch)
        with everything_logged() as logged:
            at = new_app()
            start(at)
            complete(at, sentinel_answers())
            for name, build in seen:
                built[name] = build()
            seen.clear()
            resumed = new_app()
            resumed.file_uploader[0].set_value(
                [("saved.json", built["screening-record.json"], "application/json")]
            )
            resumed.run()
            click(resumed, "wiz:results")
            click(click(resumed, "wiz:finish"), "wiz:clear_yes")
            staff = staff_app()
            staff.run()
            staff.file_uploader[0].set_value(
                [
                    ("saved.json", built["screening-record.json"], "application/json"),
                    ("saved.csv", built["screening-summary.csv"], "text/csv"),
                ]
            )
            staff.run()
            staff.selectbox(key="staff_open").set_value(1)
            staff.run()
            for name, build in seen:
                built[f"staff:{name}"] = build()
    finally:
        patch.undo()
    return {
        "began": began,
        "logged": logged,
        "built": built,
        "cleared": state_answers(resumed),
        "staff_ok": not staff.exception,
    }


def test_journeys_ran_with_the_sentinel(page_journeys: dict[str, Any]) -> None:
    """The journeys really carried the sentinel: the record download holds it."""
    built = page_journeys["built"]
    assert (SENTINEL.encode() in built["screening-record.json"], page_journeys["staff_ok"]) == (
        True,
        True,
    )


def test_every_download_was_built(page_journeys: dict[str, Any]) -> None:
    """Record, PDF, CSV and FHIR on the wizard; CSV, ZIP and PDF on the staff page."""
    assert {
        "screening-record.json",
        "screening-summary.pdf",
        "screening-summary.csv",
        "screening-fhir.json",
        "staff:screening-review.csv",
        "staff:screening-summaries.zip",
        "staff:screening-summary-0001.pdf",
    } <= set(page_journeys["built"])


def test_finish_and_clear_leaves_no_answers(page_journeys: dict[str, Any]) -> None:
    """After "Finish and clear my answers" the session holds no answers."""
    assert page_journeys["cleared"] == {}


def test_page_journeys_leave_no_file_with_respondent_data(page_journeys: dict[str, Any]) -> None:
    """No file changed since the journeys began holds the sentinel."""
    changed = files_changed_since(roots(), page_journeys["began"])
    assert holding_sentinel(changed) == []


def test_page_journeys_log_no_respondent_data(page_journeys: dict[str, Any]) -> None:
    """Nothing logged (any logger, DEBUG) or printed during the journeys holds the sentinel."""
    assert [line for line in page_journeys["logged"] if SENTINEL in line] == []


# --------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every CLI command on a sentinel record, in a clean working folder, home and temp."""
    began = time.time() - 1
    work = tmp_path_factory.mktemp("cli-at-rest")
    home, tmp, out = work / "home", work / "tmp", work / "out"
    for folder in (home, tmp, out):
        folder.mkdir()
    record = work / "in.json"
    record.write_bytes(
        dump_record(build_record(sentinel_answers(), created_at=CREATED, app_version="0.1.0"))
    )
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp), "PYTHONPATH": str(REPO)}
    commands = [
        ["score", str(record)],
        ["review", str(record), "--csv", str(out / "review.csv")],
        ["pdf", str(record), "-o", str(out / "summary.pdf")],
        ["csv", str(record), "-o", str(out / "rows.csv")],
        ["fhir", str(record)],
        ["score", str(work / "missing.json")],
    ]
    runs = [
        subprocess.run(
            [sys.executable, "-m", "screening", *args],
            capture_output=True,
            cwd=work,
            env=env,
            timeout=120,
        )
        for args in commands
    ]
    return {"began": began, "work": work, "record": record, "runs": runs}


def test_cli_writes_only_the_files_it_was_told_to(cli_run: dict[str, Any]) -> None:
    """After every command, the working folder, home and temp hold only the named outputs."""
    work: Path = cli_run["work"]
    present = sorted(
        str(p.relative_to(work))
        for p in work.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert present == ["in.json", "out/review.csv", "out/rows.csv", "out/summary.pdf"]


def test_cli_commands_succeed(cli_run: dict[str, Any]) -> None:
    """Every command ran as expected: 0, except the missing file (2)."""
    assert [r.returncode for r in cli_run["runs"]] == [0, 0, 0, 0, 0, 2]


def test_cli_errors_hold_no_respondent_data(cli_run: dict[str, Any]) -> None:
    """Nothing any command wrote to stderr holds the sentinel."""
    assert [SENTINEL.encode() in r.stderr for r in cli_run["runs"]] == [False] * 6


def test_cli_leaves_nothing_elsewhere(cli_run: dict[str, Any]) -> None:
    """Outside its working folder, no file changed by the CLI holds the sentinel."""
    changed = files_changed_since(roots(), cli_run["began"], skip=cli_run["work"])
    assert holding_sentinel(changed) == []


def test_the_scan_finds_a_planted_file(tmp_path: Path) -> None:
    """The search does see a file holding the sentinel (so an empty result means something)."""
    began = time.time() - 1
    planted = tmp_path / "planted.log"
    planted.write_text(f"name={SENTINEL}\n", encoding="utf-8")
    assert str(planted) in holding_sentinel(files_changed_since(roots(), began))
