"""The record file (format 1): write, read, recompute, mismatches, located errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from screening.errors import RecordError
from screening.record import build_record, dump_record, read_record
from tests.conftest import vignette

WHEN = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def record_of(answers: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """A complete record object for the answers."""
    return build_record(answers, created_at=WHEN, app_version="0.1.0", **kw)


def test_record_has_the_spec_fields(base: dict[str, Any]) -> None:
    """A written record carries format, versions, status, time and the result."""
    rec = record_of(base)
    assert {
        k: rec[k] for k in ("format", "format_version", "questionnaire_id", "status", "created_at")
    } == {
        "format": "ketamine-screening-record",
        "format_version": 1,
        "questionnaire_id": "ketamine-candidacy",
        "status": "completed",
        "created_at": "2026-11-27T09:30:00Z",
    }
    assert rec["result"]["outcome"] == "discuss_ketamine"


def test_incomplete_answers_are_in_progress() -> None:
    """Missing required answers make the status in_progress."""
    assert record_of({"age_years": 30})["status"] == "in_progress"


def test_written_answers_are_pruned(base: dict[str, Any]) -> None:
    """Answers to hidden questions never reach the file."""
    base.update(phq9_9=0, si_plan="yes")
    assert "si_plan" not in record_of(base)["answers"]


def test_answers_only_file_is_read(base: dict[str, Any]) -> None:
    """A file with only answers is accepted and its result computed."""
    loaded = read_record(json.dumps({"answers": base}), "a.json")
    assert (loaded.result.outcome, loaded.status, loaded.mismatches) == (
        "discuss_ketamine",
        "completed",
        (),
    )


def test_tampered_result_is_a_mismatch() -> None:
    """A stored result claiming no crisis is recomputed and reported."""
    rec = record_of(vignette("urgent-intent"))
    rec["result"]["crisis"] = False
    rec["result"]["outcome"] = "discuss_ketamine"
    loaded = read_record(dump_record(rec), "t.json")
    assert loaded.result.crisis is True
    assert loaded.mismatches[:2] == (
        'outcome: stored "discuss_ketamine", recomputed "seek_help_now"',
        "crisis: stored false, recomputed true",
    )


def test_progress_step_round_trips(base: dict[str, Any]) -> None:
    """A progress file remembers its step."""
    rec = record_of(base, status="in_progress", progress_step="medical")
    assert read_record(dump_record(rec), "p.json").progress_step == "medical"


def test_output_is_utf8_and_literal() -> None:
    """Text is written literally in UTF-8 (no escaping needed to read it)."""
    rec = record_of({"display_name": "Zoë ✓ <b>"})
    assert "Zoë ✓ <b>".encode() in dump_record(rec)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "record.empty", "f.json: the file is empty"),
        (b'{"answers": {', "record.not_json", "f.json: not valid JSON at line 1, column 14"),
        (b"\xff\xfe{}", "record.not_utf8", "f.json: not UTF-8 text (byte 0"),
        (b"[" * 5000, "record.too_deep", "f.json: the JSON is nested more than 32 levels deep"),
        (b'{"answers": {"age_years": NaN}}', "record.not_json", "f.json: NaN is not allowed"),
        (
            b"[1, 2]",
            "record.not_a_record",
            "f.json: not a screening record (expected a JSON object, found a list)",
        ),
        (
            b'{"resourceType": "Patient"}',
            "record.not_a_record",
            "f.json: not a screening record (unexpected key 'resourceType'",
        ),
        (b'{"format": "other", "answers": {}}', "record.wrong_format", 'f.json: format is "other"'),
        (
            b'{"format_version": 2, "answers": {}}',
            "record.unsupported_version",
            "f.json: format_version 2 is not supported",
        ),
        (
            b'{"format_version": true, "answers": {}}',
            "record.unsupported_version",
            "f.json: format_version true",
        ),
        (b'{"status": "done", "answers": {}}', "record.invalid_field", 'f.json: status is "done"'),
        (
            b'{"format": "ketamine-screening-record"}',
            "record.no_answers",
            "f.json: has no 'answers' object",
        ),
        (
            b'{"answers": {"age_years": true}}',
            "record.invalid_answers",
            "f.json: invalid answers: age_years: expected a whole number, found true",
        ),
        (
            b'{"answers": {"weight": 3}}',
            "record.invalid_answers",
            "f.json: invalid answers: weight: is not a question",
        ),
        (
            b'{"answers": {}, "created_at": "yesterday"}',
            "record.invalid_field",
            'f.json: created_at is "yesterday"',
        ),
    ],
)
def test_broken_records_are_refused(data: bytes, code: str, message: str) -> None:
    """Each broken file is refused with a stable code and a message that starts with its name."""
    with pytest.raises(RecordError) as info:
        read_record(data, "f.json")
    assert (info.value.code, str(info.value)[: len(message)]) == (code, message)


def test_too_large_is_refused_before_parsing() -> None:
    """A file over the limit is refused by size."""
    with pytest.raises(
        RecordError, match=r"f.json: the file is 1,000,001 bytes; the limit is 1,000,000"
    ):
        read_record(b" " * 1_000_001, "f.json")


def test_deep_but_legal_strings_are_not_nesting() -> None:
    """Brackets inside strings do not count as nesting."""
    rec = read_record(json.dumps({"answers": {"display_name": "[" * 90}}), "f.json")
    assert rec.display_name == "[" * 90
