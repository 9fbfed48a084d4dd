"""The CSV after a spreadsheet: saved again by LibreOffice (headless, Debian's
libreoffice-calc-nogui), it still reads back without a mismatch; no cell becomes a
formula; accents survive with the UTF-8 filter; and the edits a spreadsheet makes (TRUE /
FALSE, no byte-order mark, times without T and Z) are accepted by the reader.

Without LibreOffice these tests skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import copy
import csv
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from screening.errors import RecordError
from screening.exports.csv import records_to_csv
from screening.exports.csv_read import read_csv
from screening.record import LoadedRecord
from tests.export_data import QN, VIGNETTES, record, vignette_record

UTF8_CSV = "44,34,76,1"  # comma, double quote, character set 76 = UTF-8, from line 1
CSV_OUT = "csv:Text - txt - csv (StarCalc):" + UTF8_CSV
ACCENTS = "Zoë Ångström, naïve café ≥ 3 “quotes” — 日本語"


def in_ci() -> bool:
    """True when the run is CI's (environment variable CI is "true")."""
    return os.environ.get("CI", "").strip().lower() == "true"


@pytest.fixture(scope="module")
def soffice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """The headless LibreOffice command with a profile of its own (skips, or fails in CI)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        reason = "LibreOffice (Debian: libreoffice-calc-nogui) is not installed"
        if in_ci():
            pytest.fail(f"{reason} (CI=true: these tests must run)", pytrace=False)
        pytest.skip(reason)
    profile = tmp_path_factory.mktemp("lo-profile")
    yield [found, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]


def convert(soffice: list[str], source: Path, target: str, *options: str) -> Path:
    """Convert ``source`` with LibreOffice (``--convert-to target``) into a new folder."""
    out = source.parent / f"out-{target.split(':', 1)[0]}-{source.suffix[1:]}"
    run = subprocess.run(
        [*soffice, *options, "--convert-to", target, "--outdir", str(out), str(source)],
        capture_output=True,
        timeout=180,
        check=False,
    )
    (made,) = list(out.glob("*")) or [None]
    assert made is not None, run.stderr.decode(errors="replace")
    return made


def export(tmp_path: Path) -> tuple[Path, list[LoadedRecord]]:
    """Every vignette, plus one record with accents and formula-like text, as our CSV."""
    recs = [vignette_record(v) for v in VIGNETTES]
    answers = copy.deepcopy(next(v for v in VIGNETTES if v["id"] == "typical-trd")["answers"])
    answers["display_name"] = '=HYPERLINK("http://evil.example","x")'
    answers["notes_for_clinician"] = ACCENTS + "\n+1 555 0100 and -2+3 and @SUM(A1)"
    recs.append(record(answers, "accents.json"))
    path = tmp_path / "records.csv"
    path.write_bytes(records_to_csv(recs))
    return path, recs


def sheet_formulas(xlsx: Path) -> list[str]:
    """Every formula (``<f>`` element) in the worksheets of an .xlsx file."""
    with zipfile.ZipFile(xlsx) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        return [f for n in sheets for f in re.findall(r"<f[ >][^<]*", z.read(n).decode())]


def ods_formulas(ods: Path) -> list[str]:
    """Every formula attribute in the content of an .ods file."""
    with zipfile.ZipFile(ods) as z:
        return re.findall(r'table:formula="[^"]*"', z.read("content.xml").decode())


def records(data: bytes) -> list[LoadedRecord]:
    """The records of a CSV, failing on any refused row."""
    out = read_csv(data, "resaved.csv")
    assert [x for x in out if not isinstance(x, LoadedRecord)] == []
    return [x for x in out if isinstance(x, LoadedRecord)]


# ----------------------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def resaved(
    soffice: list[str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, list[LoadedRecord]]:
    """Our CSV opened with the UTF-8 filter, saved as .xlsx, and that saved again as CSV."""
    path, recs = export(tmp_path_factory.mktemp("sheet"))
    xlsx = convert(soffice, path, "xlsx", f"--infilter=CSV:{UTF8_CSV}")
    back = convert(soffice, xlsx, CSV_OUT)
    return xlsx, back, recs


def test_libreoffice_writes_true_false(resaved: tuple[Path, Path, Any]) -> None:
    """The premise: LibreOffice writes our flags as TRUE / FALSE."""
    text = resaved[1].read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {r["crisis"] for r in rows} == {"TRUE", "FALSE"}


def test_libreoffice_resave_reads_back_without_mismatch(resaved: tuple[Path, Path, Any]) -> None:
    """After xlsx and back to CSV, every row reads with the same answers and no mismatch."""
    _, back, recs = resaved
    got = records(back.read_bytes())
    assert [(r.answers, r.mismatches) for r in got] == [(r.answers, ()) for r in recs]


def test_no_cell_becomes_a_formula_in_xlsx(resaved: tuple[Path, Path, Any]) -> None:
    """Formula-like answers stay text in the workbook (the leading apostrophe holds)."""
    assert sheet_formulas(resaved[0]) == []


def test_accents_survive_the_utf8_filter(resaved: tuple[Path, Path, Any]) -> None:
    """Accented and CJK text come back unchanged when the CSV is opened as UTF-8."""
    (accents,) = [r for r in records(resaved[1].read_bytes()) if "Zoë" in str(r.answers)]
    assert str(accents.answers["notes_for_clinician"]).startswith(ACCENTS)


def test_no_formula_in_ods_even_when_formulas_are_evaluated(
    soffice: list[str], tmp_path: Path
) -> None:
    """Opened with special numbers detected and formulas evaluated, nothing is a formula."""
    path, _ = export(tmp_path)
    # tokens 7–8: quoted fields as text = false, detect special numbers = true;
    # token 13: evaluate formulas = true.
    options = f"--infilter=CSV:{UTF8_CSV},,0,false,true,false,false,false,-1,true"
    assert ods_formulas(convert(soffice, path, "ods", options)) == []


def test_wrong_character_set_is_named(soffice: list[str], tmp_path: Path) -> None:
    """Opened as Western (Windows-1252) and saved again, the file is refused with the fix."""
    path, _ = export(tmp_path)
    xlsx = convert(soffice, path, "xlsx", "--infilter=CSV:44,34,1,1")
    back = convert(soffice, xlsx, CSV_OUT)
    with pytest.raises(RecordError, match=r"wrong character set .*UTF-8"):
        read_csv(back.read_bytes(), "latin.csv")


# ----------------------------------------------------------------------------- the reader


def _spreadsheet_like(data: bytes) -> bytes:
    """Our CSV as spreadsheets write it: no BOM, every cell quoted, TRUE/FALSE, None, a
    time with a space."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header = rows[0]
    multi = {q.id for q in QN.questions if q.type == "multi"}
    for row in rows[1:]:
        for i, cell in enumerate(row):
            if cell in ("true", "false"):
                row[i] = cell.upper()
            elif cell == "none" and header[i] in multi:
                row[i] = "None"
        at = header.index("created_at")
        row[at] = row[at].replace("T", " ").removesuffix("Z")
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def test_reader_accepts_what_spreadsheets_write() -> None:
    """TRUE/FALSE, None, quotes everywhere and a time without T/Z read as the original."""
    recs = [vignette_record(v) for v in VIGNETTES]
    got = records(_spreadsheet_like(records_to_csv(recs)))
    assert [(r.answers, r.created_at, r.mismatches) for r in got] == [
        (r.answers, r.created_at, ()) for r in recs
    ]
