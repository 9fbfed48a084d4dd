"""Whole journeys through the self-screening wizard (AppTest): vignettes to their outcome."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from screening.answers import prune
from screening.rules import OUTCOMES, RULE_BY_ID
from tests.conftest import load_vignettes, vignette
from tests.wizard_driver import (
    QN,
    add_trial,
    click,
    complete,
    go_to_step,
    markdown_text,
    new_app,
    next_step,
    outcome_title,
    set_trial,
    start,
    state_answers,
    step,
    trial_rows,
    view,
)
from ui.common import md_escape

# Every vignette with a complete answer set (the wizard will not pass a step with a gap).
COMPLETE = [v for v in load_vignettes() if v["expect"]["outcome"] != "incomplete"]


@pytest.fixture(scope="module", params=COMPLETE, ids=[v["id"] for v in COMPLETE])
def journey(request: pytest.FixtureRequest) -> tuple[dict[str, Any], Any]:
    """A vignette answered step by step (trials added with the Add button), on its results."""
    story = request.param
    at = new_app()
    start(at)
    complete(at, copy.deepcopy(story["answers"]))
    return story, at


def test_vignette_reaches_its_outcome(journey: tuple[dict[str, Any], Any]) -> None:
    """The results page shows the outcome the vignette expects."""
    story, at = journey
    assert outcome_title(at) == OUTCOMES[story["expect"]["outcome"]].title


def test_vignette_shows_its_findings(journey: tuple[dict[str, Any], Any]) -> None:
    """Every finding the vignette expects is on the results page, with its source."""
    story, at = journey
    text = markdown_text(at)
    captions = " ".join(str(c.value) for c in at.caption)
    for finding_id in story["expect"].get("findings_include", []):
        rule = RULE_BY_ID[finding_id]
        assert f"**{md_escape(rule.title)}**" in text, finding_id
        assert md_escape(rule.source) in captions, finding_id


def test_vignette_answers_reach_the_session_unchanged(journey: tuple[dict[str, Any], Any]) -> None:
    """The answers the session holds are exactly the vignette's (pruned) answers."""
    story, at = journey
    assert state_answers(at) == prune(story["answers"], QN)


def test_trials_can_be_added_edited_and_removed() -> None:
    """Three rows added, one edited and the middle one removed: two trials reach the result."""
    answers = vignette("typical-trd")
    at = new_app()
    start(at)
    go_to_step(at, "treatment", answers)
    first = add_trial(at)
    set_trial(at, first, answers["ad_trials"][0] | {"weeks": 2})
    middle = add_trial(at)
    set_trial(at, middle, {"medication": "other", "medication_other": "Something new"})
    last = add_trial(at)
    set_trial(at, last, answers["ad_trials"][1])
    set_trial(at, first, {"weeks": answers["ad_trials"][0]["weeks"]})  # edit the first row
    click(at, f"wiz:remove:{middle}")
    assert trial_rows(at) == [first, last]
    complete(at, answers)
    assert state_answers(at)["ad_trials"] == answers["ad_trials"]
    assert outcome_title(at) == OUTCOMES["discuss_ketamine"].title


def test_removing_every_trial_asks_again() -> None:
    """With all rows removed and no "none" tick, the trials question is missing again."""
    answers = vignette("typical-trd")
    at = new_app()
    start(at)
    go_to_step(at, "treatment", answers)
    row = add_trial(at)
    click(at, f"wiz:remove:{row}")
    next_step(at)
    assert (view(at), step(at)) == ("step", "treatment")
    assert "ad_trials" not in state_answers(at)


def test_other_medication_name_reaches_the_record() -> None:
    """An "Other" antidepressant keeps the name typed for it."""
    answers = vignette("typical-trd")
    answers["ad_trials"][1] = answers["ad_trials"][1] | {
        "medication": "other",
        "medication_other": "Levomilnacipran XR",
    }
    at = new_app()
    start(at)
    complete(at, answers)
    assert state_answers(at)["ad_trials"][1]["medication_other"] == "Levomilnacipran XR"


def test_free_text_is_shown_as_text_not_markdown() -> None:
    """A name with markdown and HTML in it is shown literally on the review, never rendered."""
    answers = vignette("typical-trd") | {"display_name": "**Bold** <b>x</b> [link](http://x)"}
    at = new_app()
    start(at)
    complete(at, answers)
    click(at, "wiz:to_review")
    assert "**Bold** <b>x</b> [link](http://x)" in [t.value for t in at.text]
    assert "**Bold**" not in markdown_text(at)


def test_results_prepared_for_name_is_escaped() -> None:
    """The summary's "Prepared for" line shows the name with its markdown escaped."""
    answers = vignette("typical-trd") | {"display_name": "*J* [x](y)"}
    at = new_app()
    start(at)
    complete(at, answers)
    assert f"Prepared for: **{md_escape('*J* [x](y)')}**" in markdown_text(at)


def test_second_session_starts_empty() -> None:
    """Answers of one session never appear in another (nothing is cached or global)."""
    first = new_app()
    start(first)
    complete(first, vignette("typical-trd"))
    second = new_app()
    assert view(second) == "start"
    assert state_answers(second) == {}
    assert json.dumps(dict(second.query_params)) == "{}"
