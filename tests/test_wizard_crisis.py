"""The crisis interlock of the self-screening wizard (AppTest)."""

from __future__ import annotations

from typing import Any

import pytest

from screening import rules
from screening.i18n import t
from tests.conftest import vignette
from tests.wizard_driver import (
    click,
    complete,
    crisis_first,
    crisis_shown,
    fill_step,
    go_to_step,
    markdown_text,
    new_app,
    next_step,
    run,
    start,
    step,
    view,
)
from ui.wizard import crisis_panel

FAILED = t("results.failed")


def on_phq9(answers: dict[str, Any]) -> Any:
    """A session on the PHQ-9 step, the first step answered."""
    at = new_app()
    start(at)
    return go_to_step(at, "phq9", answers)


def test_no_panel_when_item9_is_zero() -> None:
    """PHQ-9 item 9 at "Not at all" shows no crisis panel."""
    at = on_phq9(vignette("typical-trd"))
    fill_step(at, vignette("typical-trd"))
    assert not crisis_shown(at)


def test_panel_appears_as_soon_as_item9_is_positive() -> None:
    """Choosing "Several days" for item 9 shows the panel on the PHQ-9 step, before Next."""
    at = on_phq9(vignette("typical-trd"))
    at.radio(key="q:phq9_9").set_value(1)
    run(at)
    assert step(at) == "phq9"
    assert crisis_first(at)


def test_support_also_shows_right_under_item9() -> None:
    """A compact support notice with a call link sits right under item 9 when it is positive."""
    at = on_phq9(vignette("typical-trd"))
    at.radio(key="q:phq9_9").set_value(1)
    run(at)
    inline = at.get("flex_container")
    notice = [c for c in inline if getattr(c, "key", None) == crisis_panel.INLINE_KEY]
    assert notice and "tel:" in " ".join(m.value for m in notice[0].markdown)


def test_no_support_notice_under_item9_at_zero() -> None:
    """Item 9 at "Not at all" shows no notice under it."""
    at = on_phq9(vignette("typical-trd"))
    fill_step(at, vignette("typical-trd"))
    assert t("crisis.inline_title") not in markdown_text(at)


def test_panel_is_above_the_step_heading() -> None:
    """The panel is the first thing on the page, above the step's heading."""
    at = on_phq9(vignette("typical-trd"))
    at.radio(key="q:phq9_9").set_value(3)
    run(at)
    assert crisis_first(at)


def test_panel_stays_on_every_later_step() -> None:
    """After item 9 > 0, every later step and the review start with the panel."""
    answers = vignette("item9-passive")
    at = on_phq9(answers)
    seen = []
    while view(at) == "step":
        fill_step(at, answers)
        seen.append((step(at), crisis_first(at)))
        next_step(at)
    seen.append((view(at), crisis_first(at)))
    assert all(first for _, first in seen), seen


def test_panel_on_the_results() -> None:
    """The results page starts with the panel."""
    at = new_app()
    start(at)
    complete(at, vignette("item9-passive"))
    assert crisis_first(at)


def test_panel_links_call_and_text() -> None:
    """The panel has tel: and sms: links for the region's services."""
    at = on_phq9(vignette("item9-passive"))
    fill_step(at, vignette("item9-passive"))
    text = markdown_text(at)
    assert "(tel:988)" in text
    assert "(sms:741741?body=HOME)" in text
    assert "(tel:911)" in text


def test_panel_never_shows_the_retired_number() -> None:
    """The old US lifeline number is not on the page."""
    at = on_phq9(vignette("item9-passive"))
    fill_step(at, vignette("item9-passive"))
    assert "273" not in markdown_text(at)


def test_panel_still_shows_when_scoring_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """With scoring raising, the results page still starts with the panel and says why."""
    at = new_app()
    start(at)
    complete(at, vignette("item9-passive") | {"phq9_9": 2})

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("scoring is down")

    monkeypatch.setattr(rules, "evaluate", broken)
    run(at)
    assert crisis_first(at)
    assert [e.value for e in at.error] == [FAILED]


def test_panel_still_shows_when_the_page_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the step itself failing, the panel shows and a plain message replaces the step."""
    at = on_phq9(vignette("item9-passive"))
    fill_step(at, vignette("item9-passive"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("step rendering is down")

    monkeypatch.setattr("ui.wizard.step.render", broken)
    run(at)
    assert crisis_first(at)
    assert at.error[0].value.startswith("Sorry, something went wrong")


def test_panel_falls_back_when_resources_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the crisis-resources file cannot be read, the panel shows general words instead."""

    def broken() -> None:
        raise ValueError("resources file is broken")

    monkeypatch.setattr(crisis_panel, "crisis_region", broken)
    at = on_phq9(vignette("item9-passive"))
    fill_step(at, vignette("item9-passive"))
    assert crisis_first(at)
    assert "local emergency number" in markdown_text(at)


def test_panel_stays_after_item9_is_changed_back() -> None:
    """Once shown, the panel stays for the session even if item 9 is changed to zero."""
    at = on_phq9(vignette("item9-passive"))
    fill_step(at, vignette("item9-passive"))
    at.radio(key="q:phq9_9").set_value(0)
    run(at)
    assert crisis_first(at)


def test_safety_answer_prefer_not_to_say_keeps_results_crisis() -> None:
    """Urgent answers lead to "Please get support now" with the panel first."""
    at = new_app()
    start(at)
    complete(at, vignette("urgent-intent"))
    assert crisis_first(at)
    assert rules.OUTCOMES["seek_help_now"].title in [s.value for s in at.header]


def test_clear_removes_the_panel() -> None:
    """ "Finish and clear my answers" also ends the panel (there are no answers left)."""
    at = new_app()
    start(at)
    complete(at, vignette("item9-passive"))
    click(click(at, "wiz:finish"), "wiz:clear_yes")
    assert not crisis_shown(at)


def test_footer_on_the_start_page() -> None:
    """The start page ends with the crisis line."""
    at = new_app()
    assert at.caption[-1].value.startswith("In crisis?")


def test_footer_on_a_step() -> None:
    """A step ends with the crisis line."""
    at = new_app()
    start(at)
    assert at.caption[-1].value.startswith("In crisis?")


def test_footer_on_the_about_page() -> None:
    """The About page ends with the crisis line."""
    at = new_app()
    at.switch_page("ui/about.py")
    run(at)
    assert at.caption[-1].value.startswith("In crisis?")
