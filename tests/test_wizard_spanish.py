"""The wizard in Spanish (AppTest): the switch on the start page and in the sidebar, answers
kept when the language changes mid-way, Spanish crisis routes, a Spanish summary, and a
record that says which language was used."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from screening.i18n import t
from screening.questionnaire import load_questionnaire
from tests.conftest import spy_downloads, vignette
from tests.wizard_driver import (
    click,
    complete,
    crisis_first,
    fill_step,
    go_to_step,
    markdown_text,
    new_app,
    outcome_title,
    run,
    start,
    step,
)
from ui.wizard import downloads
from ui.wizard import state as S

ES = load_questionnaire(language="es")


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Callable[[], Any]]]:
    """The download callables registered on the page, by file name (latest wins)."""
    seen: dict[str, Callable[[], Any]] = {}
    spy_downloads(monkeypatch, seen.__setitem__)
    yield seen


def choose(at: AppTest, language: str, where: str = "start") -> AppTest:
    """Pick a language with the switch on the start page (or in the sidebar)."""
    at.radio(key=f"lang:{where}").set_value(language)
    return run(at)


def spanish_app() -> AppTest:
    """A fresh session switched to Spanish on the start page."""
    return choose(new_app(), "es")


def test_start_page_switches_to_spanish() -> None:
    """Choosing Español on the start page shows the start page in Spanish."""
    at = spanish_app()
    assert at.title[0].value == t("start.title", "es")
    assert at.button(key="wiz:start").label == t("start.start", "es")


def test_question_labels_are_spanish() -> None:
    """The first step asks its questions in Spanish, with Spanish option labels."""
    at = start(spanish_app())
    radio = at.radio(key="q:sex_at_birth")
    assert radio.label == ES.by_id["sex_at_birth"].text
    assert "Femenino" in radio.options


def test_switching_mid_way_keeps_answers() -> None:
    """Answers given in English stay when the sidebar switch changes to Spanish, and back."""
    answers = vignette("typical-trd")
    at = start(new_app())
    at = go_to_step(at, "phq9", answers)
    fill_step(at, answers)
    before = dict(at.session_state[S.ANSWERS])
    at = choose(at, "es", "sidebar")
    assert step(at) == "phq9"
    assert dict(at.session_state[S.ANSWERS]) == before
    assert at.radio(key="q:phq9_1").value == answers["phq9_1"]
    assert at.radio(key="q:phq9_1").label == ES.by_id["phq9_1"].text
    at = choose(at, "en", "sidebar")
    assert dict(at.session_state[S.ANSWERS]) == before
    assert at.radio(key="q:phq9_1").value == answers["phq9_1"]


def test_spanish_crisis_panel_with_spanish_routes() -> None:
    """Item 9 above zero shows the crisis panel first, in Spanish, with 988 press 2 and AYUDA."""
    at = start(spanish_app())
    at = go_to_step(at, "phq9", vignette("typical-trd"))
    at.radio(key="q:phq9_9").set_value(1)
    run(at)
    assert crisis_first(at)
    text = markdown_text(at)
    assert "marque 2" in text
    assert "sms:988?body=AYUDA" in text
    assert "tel:911" in text


def test_spanish_crisis_panel_on_a_safety_answer() -> None:
    """A safety answer "Prefiero no decirlo" keeps the Spanish crisis panel on the page."""
    answers = vignette("item9-passive") | {"si_plan": "prefer_not_to_say"}
    at = start(spanish_app())
    at = go_to_step(at, "safety", answers)
    fill_step(at, answers)
    assert crisis_first(at)
    assert "marque 2" in markdown_text(at)


def test_spanish_results_and_record(deferred: dict[str, Any]) -> None:
    """The whole journey in Spanish ends on a Spanish summary; the record says "es"."""
    at = start(spanish_app())
    complete(at, vignette("typical-trd"))
    assert at.title[0].value == t("results.title", "es")
    assert outcome_title(at).startswith("Vale la pena hablar")
    record = json.loads(deferred[downloads.RECORD_FILE]())
    assert record["language"] == "es"
    assert record["answers"]["phq9_1"] == vignette("typical-trd")["phq9_1"]


def test_clearing_keeps_the_language() -> None:
    """ "Clear my answers" wipes the answers but the page stays in Spanish."""
    at = start(spanish_app())
    click(at, "wiz:clear")
    click(at, "wiz:clear_yes")
    assert at.title[0].value == t("start.title", "es")
