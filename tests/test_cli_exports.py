"""The export commands: pdf, csv, fhir, questionnaire --format fhir|redcap; one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from screening.exports.csv import CSV_COLUMNS
from screening.exports.fhir import questionnaire_resource
from screening.exports.fhir_response import response_to_record
from screening.exports.redcap import REDCAP_COLUMNS
from tests.conftest import vignette

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m screening`` with args (output as bytes)."""
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, name: str, content: Any) -> str:
    """Write a record file and return its path."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return str(path)


def good(tmp_path: Path, name: str = "a.json") -> str:
    """A valid record file."""
    return write(tmp_path, name, {"answers": vignette("typical-trd")})


def test_pdf_writes_a_pdf(tmp_path: Path) -> None:
    """pdf FILE -o OUT.pdf writes a readable PDF and exits 0."""
    out = tmp_path / "out.pdf"
    run = cli("pdf", good(tmp_path), "-o", str(out), "--clinic-name", "Riverside Clinic")
    text = (PdfReader(out).pages[0].extract_text() or "") if out.exists() else ""
    assert (run.returncode, run.stderr, text.startswith("Riverside Clinic")) == (0, b"", True)


def test_pdf_generated_at_makes_it_reproducible(tmp_path: Path) -> None:
    """With --generated-at, two runs give the same bytes."""
    outs = [tmp_path / "1.pdf", tmp_path / "2.pdf"]
    for out in outs:
        cli("pdf", good(tmp_path), "-o", str(out), "--generated-at", "2026-11-27T09:30:00Z")
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_pdf_bad_file_is_one_line(tmp_path: Path) -> None:
    """A file that is not a record: one line naming it, exit 2, no output file."""
    bad = write(tmp_path, "bad.json", b"{not json")
    out = tmp_path / "out.pdf"
    run = cli("pdf", bad, "-o", str(out))
    lines = run.stderr.decode().splitlines()
    assert (run.returncode, len(lines), lines[0].startswith(bad), out.exists()) == (
        2,
        1,
        True,
        False,
    )


def test_pdf_unwritable_output_is_one_line(tmp_path: Path) -> None:
    """An output path in a missing folder: one line naming it, exit 2."""
    target = str(tmp_path / "missing" / "out.pdf")
    run = cli("pdf", good(tmp_path), "-o", target)
    assert (run.returncode, run.stderr.decode().startswith(f"{target}: cannot be written")) == (
        2,
        True,
    )


def test_pdf_naive_time_is_a_usage_error(tmp_path: Path) -> None:
    """--generated-at without a timezone is refused as usage (exit 2, no traceback)."""
    run = cli("pdf", good(tmp_path), "-o", str(tmp_path / "o.pdf"), "--generated-at", "2026-11-27")
    assert (run.returncode, b"Traceback" in run.stderr) == (2, False)


def test_csv_writes_one_row_per_file(tmp_path: Path) -> None:
    """csv FILE... prints the header and one row per record."""
    run = cli("csv", good(tmp_path, "a.json"), good(tmp_path, "b.json"))
    rows = list(csv.reader(io.StringIO(run.stdout.decode("utf-8-sig"), newline="")))
    assert (run.returncode, rows[0] == list(CSV_COLUMNS), [r[0] for r in rows[1:]]) == (
        0,
        True,
        [str(tmp_path / "a.json"), str(tmp_path / "b.json")],
    )


def test_csv_to_a_file(tmp_path: Path) -> None:
    """csv -o OUT.csv writes the file with its BOM."""
    out = tmp_path / "out.csv"
    cli("csv", good(tmp_path), "-o", str(out))
    assert out.read_bytes().startswith(b"\xef\xbb\xbfrecord,crisis,")


def test_csv_reports_bad_files_and_keeps_good_ones(tmp_path: Path) -> None:
    """A bad file is one stderr line and exit 2; the good ones are still written."""
    bad = write(tmp_path, "bad.json", {"answers": {"age_years": "old"}})
    run = cli("csv", good(tmp_path), bad)
    rows = list(csv.reader(io.StringIO(run.stdout.decode("utf-8-sig"), newline="")))
    assert (run.returncode, len(rows), run.stderr.decode().startswith(bad)) == (2, 2, True)


def test_fhir_prints_a_response(tmp_path: Path) -> None:
    """fhir FILE prints a QuestionnaireResponse that reads back to the answers."""
    run = cli("fhir", good(tmp_path))
    back = response_to_record(json.loads(run.stdout), "r.json")
    assert (run.returncode, back.result.outcome) == (0, "discuss_ketamine")


def test_fhir_missing_file_is_one_line(tmp_path: Path) -> None:
    """A missing file: one line naming it, exit 2."""
    path = str(tmp_path / "nope.json")
    run = cli("fhir", path)
    assert (run.returncode, run.stderr.decode().strip()) == (2, f"{path}: no such file")


def test_questionnaire_as_fhir() -> None:
    """questionnaire --format fhir prints the Questionnaire resource."""
    run = cli("questionnaire", "--format", "fhir")
    assert (run.returncode, json.loads(run.stdout)) == (0, questionnaire_resource())


def test_questionnaire_as_redcap() -> None:
    """questionnaire --format redcap prints the data dictionary CSV."""
    run = cli("questionnaire", "--format", "redcap")
    header = next(csv.reader(io.StringIO(run.stdout.decode("utf-8"), newline="")))
    assert (run.returncode, tuple(header)) == (0, REDCAP_COLUMNS)


@pytest.mark.parametrize("command", ["pdf", "csv", "fhir"])
def test_help_mentions_the_command(command: str) -> None:
    """Each export command has help."""
    run = cli(command, "--help")
    assert (
        run.returncode,
        run.stdout.decode().startswith(f"usage: python -m screening {command}"),
    ) == (
        0,
        True,
    )


# ----------------------------------------------------------------------------- FHIR input


def fhir_file(tmp_path: Path, name: str = "r.json", version: str | None = None) -> str:
    """A FHIR QuestionnaireResponse file of the typical-trd vignette."""
    run = cli("fhir", good(tmp_path))
    response = json.loads(run.stdout)
    if version is not None:
        response["questionnaire"] = response["questionnaire"].split("|")[0] + "|" + version
    return write(tmp_path, name, response)


def test_score_reads_a_fhir_response(tmp_path: Path) -> None:
    """score takes a QuestionnaireResponse and prints the same result as for the record."""
    from_record = cli("score", good(tmp_path))
    from_fhir = cli("score", fhir_file(tmp_path))
    assert (from_fhir.returncode, from_fhir.stdout) == (0, from_record.stdout)


def test_pdf_reads_a_fhir_response(tmp_path: Path) -> None:
    """pdf takes a QuestionnaireResponse."""
    out = tmp_path / "r.pdf"
    run = cli("pdf", fhir_file(tmp_path), "-o", str(out), "--generated-at", "2026-11-27T09:30:00Z")
    assert (run.returncode, run.stderr, out.read_bytes()[:5]) == (0, b"", b"%PDF-")


def test_fhir_reads_a_fhir_response(tmp_path: Path) -> None:
    """fhir takes a QuestionnaireResponse and prints it again (recomputed)."""
    path = fhir_file(tmp_path)
    run = cli("fhir", path)
    assert (run.returncode, json.loads(run.stdout)) == (0, json.loads(Path(path).read_bytes()))


def test_csv_takes_the_version_from_the_canonical(tmp_path: Path) -> None:
    """csv of a QuestionnaireResponse: the questionnaire version is the canonical's."""
    run = cli("csv", fhir_file(tmp_path, version="1.0.0"))
    rows = list(csv.DictReader(io.StringIO(run.stdout.decode("utf-8-sig"), newline="")))
    assert (run.returncode, rows[0]["questionnaire_version"]) == (0, "1.0.0")


def test_review_reads_the_version_from_the_canonical(tmp_path: Path) -> None:
    """review of a QuestionnaireResponse keeps the canonical's version in its CSV."""
    out = tmp_path / "day.csv"
    run = cli("review", fhir_file(tmp_path, version="1.0.0"), "--csv", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert (run.returncode, rows[0]["questionnaire_version"]) == (0, "1.0.0")


def test_other_fhir_resource_is_one_line(tmp_path: Path) -> None:
    """A FHIR resource that is not a QuestionnaireResponse: one line naming it, exit 2."""
    path = write(tmp_path, "patient.json", {"resourceType": "Patient"})
    run = cli("score", path)
    assert (run.returncode, run.stderr.decode().strip()) == (
        2,
        f"{path}: not a FHIR QuestionnaireResponse",
    )


def test_questionnaire_fhir_region(tmp_path: Path) -> None:
    """questionnaire --format fhir --region uk carries the UK crisis lines."""
    run = cli("questionnaire", "--format", "fhir", "--region", "uk")
    assert (run.returncode, json.loads(run.stdout)) == (0, questionnaire_resource(region="uk"))


def test_questionnaire_redcap_region() -> None:
    """questionnaire --format redcap --region au carries Lifeline 13 11 14."""
    run = cli("questionnaire", "--format", "redcap", "--region", "au")
    assert (run.returncode, "13 11 14" in run.stdout.decode("utf-8")) == (0, True)


def test_csv_format_redcap(tmp_path: Path) -> None:
    """csv --format redcap writes REDCap records: record_id first, one row per record."""
    run = cli("csv", "--format", "redcap", good(tmp_path), fhir_file(tmp_path, "b.json"))
    rows = list(csv.reader(io.StringIO(run.stdout.decode("utf-8"), newline="")))
    assert (run.returncode, rows[0][0], len(rows)) == (0, "record_id", 2)
