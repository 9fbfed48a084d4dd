"""A step's questions as parts (fragments), and only the shown step's answers in widget keys.

A click in a question reruns only that question in the browser; AppTest always reruns the
whole page, so these tests check what the parts rely on: the page signature, the stash of
the other steps' answers (ui/wizard/state.py), and the progress file read at click time.
Browser behaviour is in tests/browser/test_wizard_parts.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from screening.questionnaire import load_questionnaire
from tests.conftest import spy_downloads, vignette
from tests.wizard_driver import crisis_first, fill_step, new_app, next_step, start, step
from ui.wizard import live
from ui.wizard import state as S

QN = load_questionnaire()


def _answer_keys(state: Any) -> set[str]:
    return {k for k in state if isinstance(k, str) and k.startswith(("q:", "t:"))}


def _walk_to(at: Any, answers: dict[str, Any], section: str) -> None:
    start(at)
    while step(at) != section:
        fill_step(at, answers)
        next_step(at)


# --------------------------------------------------------------------------- the stash


def test_focus_keeps_only_the_shown_sections_keys() -> None:
    """After focusing on a section, every answer key in session state belongs to it."""
    state: dict[str, Any] = {}
    S.load_answers(state, vignette("typical-trd"), QN)
    S.focus_section(state, QN, "substances")
    assert {S.section_of_key(k, QN) for k in _answer_keys(state)} == {"substances"}


def test_focus_loses_no_answer() -> None:
    """Moving answers between the widget keys and the stash never changes the answers."""
    answers = vignette("typical-trd")
    state: dict[str, Any] = {}
    S.load_answers(state, answers, QN)
    before = S.answers_from_state(state, QN)
    for section in ("phq9", "treatment", "practical", "about"):
        S.focus_section(state, QN, section)
        assert S.answers_from_state(state, QN) == before


def test_focus_brings_a_sections_answers_back_into_its_keys() -> None:
    """A section focused again has its answers back in its widget keys (the widgets show them)."""
    state: dict[str, Any] = {}
    S.load_answers(state, vignette("typical-trd"), QN)
    S.focus_section(state, QN, "medical")
    S.focus_section(state, QN, "phq9")
    assert state[S.qkey("phq9_1")] == vignette("typical-trd")["phq9_1"]


def test_focus_keeps_a_value_typed_since() -> None:
    """A widget value already in session state wins over an older stashed one."""
    state: dict[str, Any] = {}
    S.load_answers(state, {"phq9_1": 0}, QN)
    S.focus_section(state, QN, "about")
    state[S.STASH][S.qkey("phq9_1")] = 0
    state[S.qkey("phq9_1")] = 3
    S.focus_section(state, QN, "phq9")
    assert S.answers_from_state(state, QN)["phq9_1"] == 3


def test_crisis_answers_read_the_stash() -> None:
    """Item 9 answered on an earlier step still reaches the crisis flag from the stash."""
    state: dict[str, Any] = {}
    S.load_answers(state, {"phq9_9": 2, "si_plan": "prefer_not_to_say"}, QN)
    S.focus_section(state, QN, "history")
    assert S.crisis_answers(state)["phq9_9"] == 2
    assert S.crisis_answers(state)["si_plan"] == "prefer_not_to_say"


def test_clearing_wipes_the_stash() -> None:
    """Clear my answers removes the stashed answers too."""
    state: dict[str, Any] = {}
    S.load_answers(state, vignette("typical-trd"), QN)
    S.focus_section(state, QN, "practical")
    S.clear_answers(state)
    assert S.answers_from_state(state, QN) == {}


def test_later_step_holds_only_its_own_widget_keys() -> None:
    """In the app, the substances step's session holds only substances answers as widget keys."""
    answers = vignette("typical-trd")
    at = new_app()
    _walk_to(at, answers, "substances")
    shown = {S.section_of_key(k, QN) for k in _answer_keys(dict(at.session_state))}
    assert shown <= {"substances"}


def test_crisis_panel_stays_when_item9_is_stashed() -> None:
    """Item 9 answered above zero, three steps on (its key stashed): the panel is still first."""
    answers = dict(vignette("typical-trd"), phq9_9=1, si_plan="no", si_intent="no")
    answers["self_harm_recent"] = "no"
    at = new_app()
    _walk_to(at, answers, "medical")
    assert S.qkey("phq9_9") not in dict(at.session_state)
    assert crisis_first(at)


# --------------------------------------------------------------------------- the parts


def test_signature_changes_when_item9_is_answered() -> None:
    """Item 9 above zero changes the page signature (crisis panel, one step more)."""
    state: dict[str, Any] = {S.VIEW: "step", S.STEP: "phq9"}
    quiet = live.signature(state, {"phq9_9": 0}, QN)
    state[S.qkey("phq9_9")] = 1
    assert live.signature(state, {"phq9_9": 1}, QN) != quiet


def test_signature_changes_when_a_follow_up_opens() -> None:
    """An answer that opens a follow-up question on the same step changes the signature."""
    state: dict[str, Any] = {S.VIEW: "step", S.STEP: "substances"}
    closed = live.signature(state, {"auditc_1": 0}, QN)
    assert live.signature(state, {"auditc_1": 2}, QN) != closed


def test_signature_ignores_an_ordinary_answer() -> None:
    """An answer that opens nothing leaves the signature alone (only its part reruns)."""
    state: dict[str, Any] = {S.VIEW: "step", S.STEP: "phq9"}
    assert live.signature(state, {"phq9_1": 1}, QN) == live.signature(state, {"phq9_1": 3}, QN)


@pytest.fixture
def progress_builds(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], Any]]:
    """The deferred builders of every progress file rendered."""
    seen: list[Callable[[], Any]] = []

    def on_add(name: str | None, build: Callable[[], Any]) -> None:
        if name == "screening-progress.json":
            seen.append(build)

    spy_downloads(monkeypatch, on_add)
    return seen


def test_progress_file_holds_answers_given_after_the_page_was_drawn(
    progress_builds: list[Callable[[], Any]],
) -> None:
    """The progress file is built from the answers at the click, not at the last page draw."""
    at = new_app()
    _walk_to(at, vignette("typical-trd"), "phq9")
    build = progress_builds[-1]
    box = at.session_state[live.ANSWERS_BOX]
    box[0] = {**box[0], "phq9_1": 2}  # what the run of item 1's part does after a click
    saved = json.loads(build())
    assert saved["answers"]["phq9_1"] == 2


def test_a_broken_question_leaves_the_rest_of_the_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question that fails to draw shows a plain message in its place; the others and the
    crisis panel still show."""
    import ui.wizard.step as step_module

    original = step_module.render_question

    def broken(q: Any, problems: Any) -> None:
        if q.id == "phq9_3":
            raise RuntimeError("drawing failed")
        original(q, problems)

    monkeypatch.setattr(step_module, "render_question", broken)
    answers = dict(vignette("typical-trd"), phq9_9=1)
    at = new_app()
    _walk_to(at, answers, "phq9")
    fill_step(at, answers)
    errors = [e.value for e in at.error]
    assert (live.PART_ERROR in errors, crisis_first(at), len(at.radio)) == (True, True, 9)
