"""Comparing a stored result with the recomputed one: odd stored values are reported,
never a crash."""

from __future__ import annotations

import json
from typing import Any

from screening.record import read_record


def mismatches_of(base: dict[str, Any], stored: object) -> tuple[str, ...]:
    """The mismatches reported for answers with the given stored result."""
    data = json.dumps({"answers": base, "result": stored}).encode()
    return read_record(data, "f.json").mismatches


def test_finding_id_that_is_a_list_is_reported(base: dict[str, Any]) -> None:
    """A stored finding whose id is a list is reported as not recomputed."""
    stored = {"outcome": "discuss_ketamine", "crisis": False, "findings": [{"id": ["x"]}]}
    found = [m for m in mismatches_of(base, stored) if m.startswith("findings:")]
    assert len(found) == 1
    assert "stored but not recomputed: ['x']" in found[0]


def test_finding_id_that_is_a_number_is_reported(base: dict[str, Any]) -> None:
    """A stored finding id that is a number is named as text."""
    stored = {"outcome": "discuss_ketamine", "crisis": False, "findings": [{"id": 7}]}
    assert any("stored but not recomputed: 7" in m for m in mismatches_of(base, stored))


def test_scores_that_are_not_an_object_are_ignored(base: dict[str, Any]) -> None:
    """Stored scores that are not an object add no score mismatch."""
    stored = {"outcome": "discuss_ketamine", "crisis": False, "scores": [1, 2]}
    assert not any(m.startswith("scores.") for m in mismatches_of(base, stored))


def test_one_wrong_score_is_named(base: dict[str, Any]) -> None:
    """A stored score that differs from the recomputed one is named with both values."""
    fresh = read_record(json.dumps({"answers": base}).encode(), "f.json").result
    scores = {**fresh.scores, "phq9_total": 3}
    stored = {"outcome": fresh.outcome, "crisis": fresh.crisis, "scores": scores}
    found = [m for m in mismatches_of(base, stored) if m.startswith("scores.")]
    assert found == [f"scores.phq9_total: stored 3, recomputed {fresh.scores['phq9_total']}"]
