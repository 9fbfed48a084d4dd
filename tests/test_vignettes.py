"""The shared clinical vignettes: answers → expected outcome, crisis, findings and scores."""

from __future__ import annotations

from typing import Any

import pytest

from screening.answers import validate_answers
from screening.rules import evaluate
from tests.conftest import load_vignettes

VIGNETTES = load_vignettes()


def _result(v: dict[str, Any], qn):  # type: ignore[no-untyped-def]
    return evaluate(validate_answers(v["answers"], qn), qn)


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_outcome(v: dict[str, Any], qn) -> None:  # type: ignore[no-untyped-def]
    """Each vignette reaches its expected outcome."""
    assert _result(v, qn).outcome == v["expect"]["outcome"]


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_crisis(v: dict[str, Any], qn) -> None:  # type: ignore[no-untyped-def]
    """Each vignette has the expected crisis flag."""
    assert _result(v, qn).crisis == v["expect"]["crisis"]


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_findings(v: dict[str, Any], qn) -> None:  # type: ignore[no-untyped-def]
    """Each vignette raises the findings it must and none it must not."""
    fired = set(_result(v, qn).finding_ids)
    assert set(v["expect"]["findings_include"]) - fired == set()
    assert set(v["expect"]["findings_exclude"]) & fired == set()


@pytest.mark.parametrize("v", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_scores(v: dict[str, Any], qn) -> None:  # type: ignore[no-untyped-def]
    """Each vignette's expected scores match."""
    scores = _result(v, qn).scores
    expected = v["expect"].get("scores", {})
    assert {k: scores[k] for k in expected} == expected
