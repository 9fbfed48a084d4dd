"""Coverage-guided fuzzing of the loaders with atheris (optional; not in the requirements).

    pip install --target /tmp/atheris atheris              # once, outside the project
    PYTHONPATH=/tmp/atheris .venv/bin/python bench/fuzz_loaders.py -max_total_time=300

Every input is given to the core record loader, the staff review, the CSV reader and the
FHIR reader. A loader may load it or refuse it with ``RecordError`` (the review never
raises at all); anything else is a crash, which atheris reports with the input that
caused it (saved as ``crash-*`` in the working folder). Seeds: the hostile corpus
(tests/data/hostile/) and a valid record, copied to a temporary corpus folder so the
committed corpus is never written to. Extra arguments go to libFuzzer
(``-max_total_time``, ``-runs``, ``-jobs``...). See docs/security.md.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:
    import atheris
except ImportError:  # pragma: no cover - optional tool
    raise SystemExit(
        "atheris is not installed: pip install --target /tmp/atheris atheris, then run with "
        "PYTHONPATH=/tmp/atheris (see docs/security.md)"
    ) from None

with atheris.instrument_imports(include=["screening"]):
    from screening.errors import RecordError
    from screening.exports.csv_read import read_csv
    from screening.exports.fhir_response import response_to_answers
    from screening.questionnaire import load_questionnaire
    from screening.record import read_record
    from screening.review import load_files

QN = load_questionnaire()


def one_input(data: bytes) -> None:
    """Feed one input to every loader; only RecordError may come out."""
    with contextlib.suppress(RecordError):
        read_record(data, "fuzz.json", QN)
    review = load_files([("fuzz.json", data)], questionnaire=QN)
    assert len(review.entries) + len(review.problems) >= 1
    with contextlib.suppress(RecordError):
        read_csv(data, "fuzz.csv", QN)
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError):
        return
    if isinstance(obj, dict):
        with contextlib.suppress(RecordError):
            response_to_answers({**obj, "resourceType": "QuestionnaireResponse"}, QN)


def seed_corpus() -> str:
    """A temporary corpus folder holding the hostile files and one valid record."""
    from tests.hostile import CORPUS, good_bytes, good_csv

    folder = Path(tempfile.mkdtemp(prefix="fuzz-corpus-"))
    for path in CORPUS.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "good.json").write_bytes(good_bytes())
    (folder / "good.csv").write_bytes(good_csv())
    return str(folder)


def main() -> None:
    args = sys.argv[:]
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(seed_corpus())
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
