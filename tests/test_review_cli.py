"""``python -m screening review``: lines on stdout, refused files on stderr, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from screening.cli import iter_files, main
from screening.review import Limits, ReviewBuilder
from tests.staff_data import BROKEN, broken_files, good_files, mixed_upload, record_bytes

REPO = Path(__file__).resolve().parents[1]


def write(folder: Path, files: list[tuple[str, bytes]]) -> Path:
    """Write (name, bytes) files into folder; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (folder / name).write_bytes(data)
    return folder


def run(capsys, *args: str) -> tuple[int, list[str], list[str]]:
    """Run the CLI; (exit code, stdout lines, stderr lines)."""
    code = main(["review", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder with the mixed upload."""
    return write(tmp_path / "in", mixed_upload())


def test_mixed_folder_exits_1(capsys, mixed):
    """Some refused files: exit 1."""
    assert run(capsys, str(mixed))[0] == 1


def test_mixed_folder_prints_one_line_per_record(capsys, mixed):
    """Each good record is one line on stdout."""
    assert len(run(capsys, str(mixed))[1]) == 12


def test_urgent_and_crisis_lines_come_first(capsys, mixed):
    """The first lines are the urgent, then the crisis records."""
    flags = [line.split("\t")[1] for line in run(capsys, str(mixed))[1][:3]]
    assert flags == ["URGENT,CRISIS", "CRISIS", "CRISIS,MISMATCH"]


def test_each_refused_file_is_named_on_stderr(capsys, mixed):
    """Each broken file has one stderr line that starts with its path."""
    err = run(capsys, str(mixed))[2]
    assert sorted(line.split(":", 1)[0] for line in err) == sorted(
        str(mixed / name) for name in BROKEN
    )


def test_all_good_files_exit_0(capsys, tmp_path):
    """Every file loaded: exit 0 and nothing on stderr."""
    folder = write(tmp_path / "in", good_files())
    code, out, err = run(capsys, str(folder))
    assert (code, len(out), err) == (0, 11, [])


def test_files_and_folders_mix(capsys, tmp_path):
    """Files and folders can be given together."""
    folder = write(tmp_path / "in", good_files()[:2])
    single = write(tmp_path / "one", [("x.json", record_bytes("typical-trd"))]) / "x.json"
    assert len(run(capsys, str(folder), str(single))[1]) == 3


def test_only_broken_files_exit_2(capsys, tmp_path):
    """Nothing usable: exit 2."""
    folder = write(tmp_path / "in", broken_files())
    assert run(capsys, str(folder))[0] == 2


def test_missing_path_is_reported(capsys, tmp_path):
    """A path that does not exist is named on stderr; with nothing else, exit 2."""
    code, _, err = run(capsys, str(tmp_path / "nope.json"))
    assert (code, err[0]) == (2, f"{tmp_path / 'nope.json'}: no such file or folder")


def test_missing_path_beside_good_files_exits_1(capsys, tmp_path):
    """A missing path beside good files: the rest still load, exit 1."""
    good = write(tmp_path / "in", good_files()[:1])
    code, out, _ = run(capsys, str(good), str(tmp_path / "nope.json"))
    assert (code, len(out)) == (1, 1)


def test_no_path_is_a_usage_error(capsys):
    """No PATH: usage on stderr and exit 2."""
    with pytest.raises(SystemExit) as exc:
        main(["review"])
    assert exc.value.code == 2


def test_hidden_files_in_folders_are_skipped(capsys, tmp_path):
    """Dot files inside a folder (.DS_Store) are not read."""
    folder = write(tmp_path / "in", [("a.json", record_bytes("typical-trd")), (".DS_Store", b"x")])
    assert run(capsys, str(folder))[0] == 0


def test_subfolders_are_read(capsys, tmp_path):
    """Files in subfolders load."""
    write(tmp_path / "in" / "day1", [("a.json", record_bytes("typical-trd"))])
    assert len(run(capsys, str(tmp_path / "in"))[1]) == 1


def test_large_file_is_refused_without_reading(tmp_path):
    """A file over the size limit is refused from its size."""
    folder = write(tmp_path / "in", [("big.json", b" " * 500)])
    builder = ReviewBuilder(Limits(max_file_bytes=100))
    for file in iter_files(str(folder)):
        builder.add_path(file)
    assert [p.code for p in builder.result().problems] == ["review.too_large"]


def test_files_over_the_count_limit_are_refused(tmp_path):
    """A builder with a file limit (the staff page's) refuses the files past it."""
    folder = write(tmp_path / "in", [(f"r{i}.json", record_bytes("typical-trd")) for i in range(3)])
    builder = ReviewBuilder(Limits(max_files=2))
    for file in iter_files(str(folder)):
        builder.add_path(file)
    review = builder.result()
    assert (len(review.entries), [p.code for p in review.problems]) == (
        2,
        ["review.too_many_files"],
    )


def test_cli_review_has_no_file_limit(capsys, tmp_path):
    """The command reads more files than the staff page's limit allows (here 2,001)."""
    data = record_bytes("typical-trd")
    folder = write(tmp_path / "in", [(f"r{i:04d}.json", data) for i in range(2_001)])
    code, lines, err = run(capsys, str(folder), "--csv", str(tmp_path / "out.csv"))
    rows = (tmp_path / "out.csv").read_bytes().count(b"\r\n") - 1
    assert (code, len(lines), rows, err) == (0, 2_001, 2_001, [])


def test_module_entry_point_runs_review(tmp_path):
    """``python -m screening review`` works as a command."""
    folder = write(tmp_path / "in", [("a.json", record_bytes("urgent-intent"))])
    done = subprocess.run(
        [sys.executable, "-m", "screening", "review", str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout.split("\t")[1]) == (0, "URGENT,CRISIS")


def test_csv_option_writes_every_record_crisis_first(capsys, mixed, tmp_path):
    """--csv OUT writes one row per loaded record, in the printed order, even with refusals."""
    import csv
    import io

    out = tmp_path / "out.csv"
    code, lines, _ = run(capsys, str(mixed), "--csv", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert (code, [r["record"] for r in rows]) == (1, [line.split("\t")[4] for line in lines])


def test_csv_option_to_unwritable_place_exits_2(capsys, tmp_path):
    """An output CSV that cannot be written: named on stderr, exit 2."""
    folder = write(tmp_path / "in", good_files()[:1])
    code, _, err = run(capsys, str(folder), "--csv", str(tmp_path / "no" / "such" / "out.csv"))
    assert (code, "cannot be written" in err[-1]) == (2, True)


def test_pdf_dir_option_writes_one_pdf_per_record(capsys, tmp_path):
    """--pdf-dir DIR writes one numbered PDF per loaded record."""
    folder = write(tmp_path / "in", good_files()[:3])
    out = tmp_path / "pdfs"
    code, _, _ = run(capsys, str(folder), "--pdf-dir", str(out))
    names = sorted(p.name for p in out.iterdir())
    assert (code, names, (out / names[0]).read_bytes()[:5]) == (
        0,
        ["screening-summary-0001.pdf", "screening-summary-0002.pdf", "screening-summary-0003.pdf"],
        b"%PDF-",
    )
