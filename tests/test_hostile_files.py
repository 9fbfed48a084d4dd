"""Hostile files (tests/hostile.py) through every door: the core loader, the staff review,
the CLI, the wizard's "resume from a file" and the staff page.

Each is refused with a message that names the file, never with a traceback, and the good
files of the same batch still load. How long each refusal takes is measured by
``bench/hostile.py`` (docs/security.md), not here.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from screening.cli import main
from screening.errors import RecordError
from screening.exports.csv import records_to_csv
from screening.record import read_record
from screening.review import load_files
from tests.conftest import staff_app
from tests.hostile import CASES, CORPUS, CSV_CASES, FORMULA, Case, CsvCase, good_bytes
from ui.common import md_escape

REPO = Path(__file__).resolve().parents[1]
SMALL = [c for c in (*CASES, *CSV_CASES) if not c.huge]
IDS = [c.name for c in CASES]
CSV_IDS = [c.name for c in CSV_CASES]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case (huge ones included) written to a folder: name → path."""
    folder = tmp_path_factory.mktemp("hostile")
    out = {}
    for case in (*CASES, *CSV_CASES):
        path = folder / case.name
        path.write_bytes(case.data())
        out[case.name] = path
    return out


# --------------------------------------------------------------------------- the corpus


@pytest.mark.parametrize("case", SMALL, ids=[c.name for c in SMALL])
def test_committed_file_matches_its_generator(case: Case | CsvCase) -> None:
    """The committed corpus file is what tests/hostile.py builds (run it to refresh)."""
    assert (CORPUS / case.name).read_bytes() == case.make()


def test_corpus_folder_holds_only_known_files() -> None:
    """Every file in tests/data/hostile/ is a case of tests/hostile.py."""
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(c.name for c in SMALL)


# --------------------------------------------------------------------------- core loader


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_record_loader_refuses_with_its_code(case: Case) -> None:
    """read_record refuses the file with the case's stable code."""
    with pytest.raises(RecordError) as caught:
        read_record(case.data(), case.name)
    assert caught.value.code == case.record


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_record_loader_message_names_the_file(case: Case) -> None:
    """The message starts with the file name and says what is wrong."""
    with pytest.raises(RecordError) as caught:
        read_record(case.data(), case.name)
    message = str(caught.value)
    assert message.startswith(f"{case.name}: ") and case.message in message


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_record_loader_message_is_one_short_line(case: Case) -> None:
    """The message is one line a person can read (no dump of the file)."""
    with pytest.raises(RecordError) as caught:
        read_record(case.data(), case.name)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400


# --------------------------------------------------------------------------- staff review


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_review_refuses_with_its_code(case: Case) -> None:
    """The staff review refuses the file with the case's problem code and loads nothing."""
    review = load_files([(case.name, case.data())])
    assert (len(review.entries), [p.code for p in review.problems]) == (0, [case.review])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_review_problem_names_the_file(case: Case) -> None:
    """The review problem is filed under the file name and its message starts with it."""
    problem = load_files([(case.name, case.data())]).problems[0]
    assert (problem.name, problem.message.startswith(f"{case.name}: ")) == (case.name, True)


def test_batch_loads_the_good_files_around_every_hostile_one() -> None:
    """Good files before and after the whole corpus still load; each bad file is refused."""
    batch = [("first.json", good_bytes())]
    batch += [(c.name, c.data()) for c in CASES]
    batch += [("last.json", good_bytes())]
    review = load_files(batch)
    assert ([e.source for e in review.entries], len(review.problems)) == (
        ["first.json", "last.json"],
        len(CASES),
    )


@pytest.mark.parametrize("case", CSV_CASES, ids=CSV_IDS)
def test_csv_case_loads_and_refuses_as_expected(case: CsvCase) -> None:
    """Each spreadsheet loads the rows it should and reports the rest by code."""
    review = load_files([(case.name, case.data())])
    assert (len(review.entries), tuple(p.code for p in review.problems)) == (
        case.loaded,
        case.problems,
    )


@pytest.mark.parametrize(
    "case", [c for c in CSV_CASES if c.problems], ids=[c.name for c in CSV_CASES if c.problems]
)
def test_csv_problem_names_the_file(case: CsvCase) -> None:
    """A refused spreadsheet (or row) is reported under its file name."""
    problem = load_files([(case.name, case.data())]).problems[0]
    assert problem.message.startswith(case.name)


def test_formula_name_is_kept_as_text() -> None:
    """An unescaped formula in the name column loads as the literal text."""
    data = (CORPUS / "formula-in-name.csv").read_bytes()
    entry = load_files([("f.csv", data)]).entries[0]
    assert entry.record.display_name == FORMULA[:100]


def test_formula_name_is_escaped_again_on_export() -> None:
    """Exported again, the formula cell starts with an apostrophe: a spreadsheet shows text."""
    data = (CORPUS / "formula-in-name.csv").read_bytes()
    entry = load_files([("f.csv", data)]).entries[0]
    rows = csv.DictReader(io.StringIO(records_to_csv([entry.record]).decode("utf-8-sig")))
    assert next(rows)["display_name"] == "'" + FORMULA[:100]


def test_quotes_and_line_breaks_in_a_note_survive() -> None:
    """Quotes, commas and line breaks inside a quoted note load exactly as written."""
    data = (CORPUS / "quotes-and-newlines.csv").read_bytes()
    entry = load_files([("q.csv", data)]).entries[0]
    assert entry.record.answers["notes_for_clinician"] == (
        'He said "no", then\r\nlater: "yes, ok".\nEnd'
    )


# --------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli_score_refuses_with_one_line(
    case: Case, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``score FILE``: exit 2, nothing on stdout, one stderr line that starts with the path."""
    path = files[case.name]
    code = main(["score", str(path)])
    out, err = capsys.readouterr()
    assert (code, out, len(err.splitlines()), err.startswith(f"{path}: ")) == (2, "", 1, True)


def test_cli_score_prints_the_good_file_among_the_bad(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``score`` over the whole corpus and one good file prints that file's result only."""
    good = tmp_path / "good.json"
    good.write_bytes(good_bytes())
    code = main(["score", *(str(files[c.name]) for c in CASES), str(good)])
    out, err = capsys.readouterr()
    assert (code, len(out.splitlines()), len(err.splitlines())) == (2, 1, len(CASES))


def test_cli_review_loads_the_good_files_of_the_corpus_folder(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``review FOLDER``: exit 1; the good file and the two literal-text CSVs are listed."""
    folder = next(iter(files.values())).parent
    (folder / "zz-good.json").write_bytes(good_bytes())
    try:
        code = main(["review", str(folder)])
    finally:
        (folder / "zz-good.json").unlink()
    out, _ = capsys.readouterr()
    assert (code, len(out.splitlines())) == (1, 3)


def test_cli_review_names_every_refused_file(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``review FOLDER``: every refused file's path starts one stderr line."""
    folder = next(iter(files.values())).parent
    main(["review", str(folder)])
    _, err = capsys.readouterr()
    refused = [c.name for c in CASES] + [c.name for c in CSV_CASES if c.problems]
    assert [
        n for n in refused if not any(ln.startswith(str(folder / n)) for ln in err.splitlines())
    ] == []


def test_cli_process_never_prints_a_traceback(files: dict[str, Path]) -> None:
    """Run as a program over every hostile file: exit 2 and no traceback on stderr."""
    paths = [str(files[c.name]) for c in (*CASES, *CSV_CASES)]
    run = subprocess.run(
        [sys.executable, "-m", "screening", "score", *paths],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert (run.returncode, "Traceback" in run.stderr) == (2, False)


# --------------------------------------------------------------------------- pages

APP = str(REPO / "streamlit_app.py")
STAFF = str(REPO / "ui" / "staff.py")
JSON_CASES = [c for c in CASES if not c.huge or len(c.data()) < 2_000_000]


@pytest.mark.parametrize("case", JSON_CASES, ids=[c.name for c in JSON_CASES])
def test_wizard_resume_refuses_with_a_message_naming_the_file(case: Case) -> None:
    """Resume from a hostile file: a plain error naming the file; the start page stays."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.file_uploader[0].set_value([(case.name, case.data(), "application/json")])
    at.run()
    errors = [str(e.value) for e in at.error]
    assert (
        not at.exception,
        at.session_state["wiz:view"] if "wiz:view" in at.session_state else "start",  # noqa: SIM401
        len(errors),
        bool(errors) and md_escape(case.name) in errors[0],
    ) == (True, "start", 1, True)


@pytest.fixture(scope="module")
def staff_batch() -> AppTest:
    """The staff page with a good file, the whole corpus and another good file uploaded."""
    at = staff_app()
    at.run()
    batch = [("first.json", good_bytes())]
    batch += [(c.name, c.data()) for c in (*CASES, *CSV_CASES)]
    batch += [("last.json", good_bytes())]
    at.file_uploader[0].set_value([(n, d, "application/octet-stream") for n, d in batch])
    at.run()
    return at


def _frame(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    return next(f.value for f in at.dataframe if column in f.value.columns)


def test_staff_page_shows_no_exception_for_the_corpus(staff_batch: AppTest) -> None:
    """The staff page handles the whole corpus in one upload without an exception."""
    assert not staff_batch.exception


def test_staff_page_lists_the_good_files(staff_batch: AppTest) -> None:
    """The good files of the batch (and the literal-text CSVs) are in the triage table."""
    shown = sorted(_frame(staff_batch, "Outcome")["File"].tolist())
    assert shown == sorted(
        ["first.json", "last.json", "formula-in-name.csv row 2", "quotes-and-newlines.csv row 2"]
    )


def test_staff_page_names_every_refused_file(staff_batch: AppTest) -> None:
    """Every refused file is a row of the "Files not loaded" table, by its name."""
    listed = {str(n).split(" row ", 1)[0] for n in _frame(staff_batch, "Problem")["File"]}
    refused = {c.name for c in CASES} | {c.name for c in CSV_CASES if c.problems}
    assert refused - listed == set()


def _doc_row(doc: str, name: str) -> str:
    """The line of a table in the doc whose first cell is that file name ('' if none)."""
    return next((ln for ln in doc.splitlines() if ln.startswith(f"| `{name}` |")), "")


def test_security_doc_lists_every_corpus_file_with_its_codes() -> None:
    """docs/security.md has a row for every case, ending with the codes the tests check."""
    doc = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    wrong = [
        c.name
        for c in CASES
        if not _doc_row(doc, c.name).endswith(f"| `{c.record}` | `{c.review}` |")
    ]
    wrong += [c.name for c in CSV_CASES if not _doc_row(doc, c.name)]
    assert wrong == []
