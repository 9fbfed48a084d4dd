"""Files for the staff-review tests and screenshots: records built from the vignettes.

mixed_upload() -> list[(name, bytes)]   good records of every outcome, a crisis record, a
                                        tampered record, broken files (see BROKEN)
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.record import build_record, dump_record

DATA = Path(__file__).parent / "data"
CREATED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

# Names (initials) given to some vignettes, to test search and display.
NAMES = {
    "typical-trd": "A.B.",
    "urgent-intent": "C.D.",
    "item9-passive": "E.F.",
    "aneurysm": "Gina H.",
    "mild-symptoms": "I.J.",
}

# Broken files and the problem code each must produce.
BROKEN: dict[str, str] = {
    "broken.json": "review.not_json",
    "notes.txt": "review.not_a_record",
    "bundle.json": "review.archive",
    "summary.pdf": "review.archive",
    "backup.json.gz": "review.archive",
    "future.json": "review.unsupported_version",
    "bad-answers.json": "review.invalid_answers",
    "empty.json": "review.empty",
    "other.json": "review.not_a_record",
}


def vignettes() -> list[dict[str, Any]]:
    """The clinical vignettes (tests/data/vignettes.json)."""
    return json.loads((DATA / "vignettes.json").read_text(encoding="utf-8"))


def answers_of(vignette_id: str) -> dict[str, Any]:
    """A vignette's answers (deep copy), with its test name if it has one."""
    for v in vignettes():
        if v["id"] == vignette_id:
            answers = copy.deepcopy(v["answers"])
            if vignette_id in NAMES:
                answers["display_name"] = NAMES[vignette_id]
            return answers
    raise KeyError(vignette_id)


def record_obj(vignette_id: str) -> dict[str, Any]:
    """A format-1 record object for a vignette."""
    return build_record(answers_of(vignette_id), created_at=CREATED, app_version="0.1.0")


def record_bytes(vignette_id: str) -> bytes:
    """A format-1 record file for a vignette."""
    return dump_record(record_obj(vignette_id))


def tampered_bytes() -> bytes:
    """The item9-passive record (crisis) whose stored result was edited to claim no crisis."""
    record = record_obj("item9-passive")
    record["result"]["crisis"] = False
    record["result"]["findings"] = [
        f for f in record["result"]["findings"] if f["id"] != "F-CRISIS-RESOURCES"
    ]
    return dump_record(record)


def zip_bytes() -> bytes:
    """A ZIP archive holding one record."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("r.json", record_bytes("typical-trd"))
    return buffer.getvalue()


def broken_files() -> list[tuple[str, bytes]]:
    """One file per entry of BROKEN."""
    future = record_obj("typical-trd")
    future["format_version"] = 2
    bad = answers_of("one-trial")
    bad["age_years"] = 300
    bad["sex_at_birth"] = "robot"
    files = {
        "broken.json": b'{"answers": {"age_years": 40,',
        "notes.txt": b"Please call me back about my appointment.\n",
        "bundle.json": zip_bytes(),
        "summary.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        "backup.json.gz": gzip.compress(record_bytes("typical-trd")),
        "future.json": dump_record(future),
        "bad-answers.json": json.dumps({"answers": bad}).encode(),
        "empty.json": b"  \n",
        "other.json": b'{"patient": "x", "score": 3}',
    }
    assert set(files) == set(BROKEN)
    return list(files.items())


def good_files() -> list[tuple[str, bytes]]:
    """One record file per vignette (every outcome), named by vignette id."""
    return [(f"{v['id']}.json", record_bytes(v["id"])) for v in vignettes()]


def mixed_upload() -> list[tuple[str, bytes]]:
    """Good records of every outcome, the tampered one, then the broken files."""
    return [*good_files(), ("tampered.json", tampered_bytes()), *broken_files()]
