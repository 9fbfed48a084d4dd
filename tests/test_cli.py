"""The command line: results as JSON lines, one-line errors naming the file, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import vignette

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m screening`` with args."""
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        cwd=ROOT,
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, name: str, content: Any) -> str:
    """Write a file (JSON-encoding non-bytes) and return its path."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return str(path)


def test_score_prints_the_result(tmp_path: Path) -> None:
    """score prints the recomputed result object as one JSON line."""
    run = cli("score", write(tmp_path, "a.json", {"answers": vignette("typical-trd")}))
    result = json.loads(run.stdout)
    assert (run.returncode, result["outcome"], result["scores"]["phq9_total"]) == (
        0,
        "discuss_ketamine",
        16,
    )


def test_score_many_files_in_order(tmp_path: Path) -> None:
    """Several files give one line each, in the order given."""
    a = write(tmp_path, "a.json", {"answers": vignette("urgent-intent")})
    b = write(tmp_path, "b.json", {"answers": vignette("pregnant")})
    run = cli("score", a, b)
    assert [json.loads(line)["outcome"] for line in run.stdout.splitlines()] == [
        "seek_help_now",
        "clinician_review_first",
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("text.json", b"hello", "not valid JSON at line 1, column 1"),
        (
            "latin1.json",
            '{"answers": {"display_name": "Zo\u00eb"}}'.encode("latin-1"),
            "not UTF-8 text",
        ),
        (
            "types.json",
            {"answers": {"age_years": "forty"}},
            "invalid answers: age_years: expected a whole number",
        ),
        (
            "codes.json",
            {"answers": {"dx_bipolar": "perhaps"}},
            "invalid answers: dx_bipolar: 'perhaps' is not one of the codes",
        ),
        ("version.json", {"format_version": 9, "answers": {}}, "format_version 9 is not supported"),
        ("deep.json", b"[" * 5000 + b"]" * 5000, "nested more than 32 levels deep"),
        ("big.json", b" " * 1_000_001, "the limit is 1,000,000 bytes"),
    ],
)
def test_broken_file_gives_exit_2_and_one_line(
    tmp_path: Path, name: str, content: Any, expected: str
) -> None:
    """A broken file: exit 2, one stderr line starting with the file name, no traceback."""
    path = write(tmp_path, name, content)
    run = cli("score", path)
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: ") and expected in lines[0]
    assert "Traceback" not in run.stderr


def test_good_files_still_print_when_one_is_broken(tmp_path: Path) -> None:
    """A broken file does not stop the others; the exit code says something failed."""
    good = write(tmp_path, "good.json", {"answers": vignette("typical-trd")})
    bad = write(tmp_path, "bad.json", b"{")
    run = cli("score", bad, good)
    assert (run.returncode, len(run.stdout.splitlines())) == (2, 1)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    """A missing path and a folder are each named."""
    run = cli("score", str(tmp_path / "nope.json"), str(tmp_path))
    assert run.stderr.splitlines() == [
        f"{tmp_path / 'nope.json'}: no such file",
        f"{tmp_path}: is a folder, not a file",
    ]


def test_stdin(tmp_path: Path) -> None:
    """- reads the record from standard input."""
    run = cli("score", "-", stdin=json.dumps({"answers": {"phq9_9": 2}}).encode())
    assert json.loads(run.stdout)["crisis"] is True


def test_help_documents_every_command() -> None:
    """--help names every command."""
    run = cli("--help")
    for command in ("score", "rules", "questionnaire"):
        assert command in run.stdout


def test_bad_usage_is_exit_2() -> None:
    """An unknown command is a usage error with exit 2."""
    run = cli("frobnicate")
    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_internal_error_is_one_line_without_traceback(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """An unexpected bug prints one plain line (no traceback, no answers) and exits 70."""
    from screening import cli

    def broken(args):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret answer text")

    monkeypatch.setattr(cli, "cmd_rules", broken)
    assert cli.main(["rules"]) == 70
    err = capsys.readouterr().err
    assert "internal error (RuntimeError)" in err and "secret" not in err and "Traceback" not in err
