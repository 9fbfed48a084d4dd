"""Drive the self-screening wizard under AppTest, as a person would: step by step.

    at = new_app()
    start(at)
    complete(at, answers)          # every step, trials added with the Add button, to results
    outcome_title(at)              # the outcome heading on the results page

Widgets are found by their keys (ui/wizard/state.py): ``q:<id>``, ``q:<id>:<code>``,
``q:<id>:__none``, ``t:<row>:<sub id>``; buttons ``wiz:next``, ``wiz:back`` and so on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from screening.answers import prune
from screening.questionnaire import Question, load_questionnaire
from ui.wizard import state as S

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
QN = load_questionnaire()
MAX_STEPS = 20


def new_app() -> AppTest:
    """A fresh session on the start page."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def run(at: AppTest) -> AppTest:
    """Rerun and fail on any exception shown on the page."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    """Click the button with this key and rerun."""
    at.button(key=key).click()
    return run(at)


def start(at: AppTest) -> AppTest:
    """Press Start."""
    return click(at, "wiz:start")


def view(at: AppTest) -> str:
    """The current view: start, step, review or results."""
    return str(at.session_state[S.VIEW]) if S.VIEW in at.session_state else "start"


def step(at: AppTest) -> str:
    """The section id of the current step."""
    return str(at.session_state[S.STEP])


def _find(at: AppTest, key: str) -> Any:
    for kind in ("radio", "selectbox", "text_input", "text_area", "checkbox"):
        for widget in getattr(at, kind):
            if widget.key == key:
                return widget
    return None


def shown_ids(at: AppTest) -> set[str]:
    """Ids of the top-level questions on the page now."""
    shown = set()
    for q in QN.questions:
        key = S.option_key(q.id, q.codes_in_order[0]) if q.type == "multi" else S.qkey(q.id)
        if q.type == "repeat":
            key = "wiz:add_trial"
            if any(b.key == key for b in at.button):
                shown.add(q.id)
            continue
        if _find(at, key) is not None:
            shown.add(q.id)
    return shown


def _set_question(at: AppTest, q: Question, value: Any) -> bool:
    if q.type == "multi":
        changed = False
        for code in q.codes_in_order:
            box = _find(at, S.option_key(q.id, code))
            want = code in value
            if box is not None and box.value != want:
                box.set_value(want)
                changed = True
        none = _find(at, S.none_key(q.id))
        if none is not None and none.value != (value == []):
            none.set_value(value == [])
            changed = True
        return changed
    return _set(_find(at, S.qkey(q.id)), q, value)


def _set(widget: Any, q: Question, value: Any) -> bool:
    """Set a widget to an answer (a number is typed as text); True when it changed."""
    if widget is None:
        return False
    shown = str(value) if q.type == "integer" else value
    if widget.value == shown:
        return False
    widget.set_value(shown)
    return True


def fill_step(at: AppTest, answers: dict[str, Any]) -> AppTest:
    """Answer the questions of the current step that ``answers`` has (trials included)."""
    for _ in range(5):
        changed = False
        for q in QN.in_section(step(at)):
            if q.id not in answers:
                continue
            if q.type == "repeat":
                changed |= fill_trials(at, q, answers[q.id])
            else:
                changed |= _set_question(at, q, answers[q.id])
        if not changed:
            return at
        run(at)
    raise AssertionError("the step kept changing")


def trial_rows(at: AppTest) -> list[int]:
    """Row ids of the trial rows on the page."""
    return list(at.session_state[S.TRIALS]) if S.TRIALS in at.session_state else []


def add_trial(at: AppTest) -> int:
    """Press "Add an antidepressant"; the new row id."""
    click(at, "wiz:add_trial")
    return trial_rows(at)[-1]


def set_trial(at: AppTest, row: int, entry: dict[str, Any]) -> AppTest:
    """Fill one trial row (medication first: "Other" shows its name box)."""
    q = QN.by_id["ad_trials"]
    for _ in range(3):
        changed = False
        for sub in q.items:
            if sub.id not in entry:
                continue
            changed |= _set(_find(at, S.trial_key(row, sub.id)), sub, entry[sub.id])
        if not changed:
            return at
        run(at)
    return at


def fill_trials(at: AppTest, q: Question, entries: list[dict[str, Any]]) -> bool:
    """Make the trial rows hold ``entries`` (adding rows as needed); True when changed."""
    rows = trial_rows(at)
    if not entries:
        box = _find(at, S.none_key(q.id))
        if box is not None and not box.value:
            box.check()
            return True
        return False
    if state_entries(at) == entries:
        return False
    for index, entry in enumerate(entries):
        row = rows[index] if index < len(rows) else add_trial(at)
        set_trial(at, row, entry)
    return True


def next_step(at: AppTest) -> AppTest:
    """Press Next."""
    return click(at, "wiz:next")


def complete(at: AppTest, answers: dict[str, Any]) -> AppTest:
    """From the first step, answer every step and go to the results."""
    for _ in range(MAX_STEPS):
        if view(at) != "step":
            break
        here = step(at)
        fill_step(at, answers)
        next_step(at)
        if view(at) == "step" and step(at) == here:
            errors = [e.value for e in at.error]
            raise AssertionError(f"step {here} did not advance: {errors}")
    assert view(at) == "review", view(at)
    return click(at, "wiz:results")


def outcome_title(at: AppTest) -> str:
    """The outcome heading on the results page (the first heading after "Your summary")."""
    elements = page_elements(at)
    title = next(i for i, e in enumerate(elements) if e.type == "title")
    return str(next(e.value for e in elements[title:] if e.type == "header"))


def state_entries(at: AppTest) -> list[dict[str, Any]]:
    """The trial entries held in the session's answers."""
    held = at.session_state[S.ANSWERS] if S.ANSWERS in at.session_state else {}  # noqa: SIM401
    return list(held.get("ad_trials") or [])


def _crisis_title(at: AppTest) -> str:
    """The crisis panel's title in the session's language."""
    from screening.i18n import t

    language = at.session_state["ui:lang"] if "ui:lang" in at.session_state else "en"  # noqa: SIM401
    return t("crisis.title", language)


def crisis_shown(at: AppTest) -> bool:
    """Whether the crisis panel (full, or the compact bar of later steps) is on the page."""
    TITLE = _crisis_title(at)
    full = any(h.value == TITLE for h in at.header)
    return full or any(str(m.value).startswith(f"**{TITLE}:**") for m in at.markdown)


def crisis_first(at: AppTest) -> bool:
    """The crisis panel (or its compact bar) is the first text on the page."""
    TITLE = _crisis_title(at)
    texts = [e for e in page_elements(at) if e.type in ("header", "title", "markdown")]
    if not texts:
        return False
    first = str(texts[0].value)
    return first == TITLE or first.startswith(f"**{TITLE}:**")


def state_answers(at: AppTest) -> dict[str, Any]:
    """The answers now held in the session (pruned)."""
    held = at.session_state[S.ANSWERS] if S.ANSWERS in at.session_state else {}  # noqa: SIM401
    return prune(held, QN)


def walk(node: Any) -> Any:
    """Every element under ``node`` in page order."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def page_elements(at: AppTest) -> list[Any]:
    """The elements of the main area in page order."""
    return list(walk(at.main))


def problem_after(at: AppTest, key: str) -> str | None:
    """The problem shown right after the widget ``key`` (past its help), if any."""
    elements = page_elements(at)
    index = next(i for i, e in enumerate(elements) if getattr(e, "key", None) == key)
    for element in elements[index + 1 :]:
        if element.type == "caption":
            continue
        return str(element.value) if element.type == "error" else None
    return None


def markdown_text(at: AppTest) -> str:
    """All markdown on the page, joined."""
    return "\n".join(str(m.value) for m in at.markdown)


def go_to_step(at: AppTest, section_id: str, answers: dict[str, Any]) -> AppTest:
    """From the first step, answer and pass every step until ``section_id`` is shown."""
    for _ in range(MAX_STEPS):
        if view(at) == "step" and step(at) == section_id:
            return at
        fill_step(at, answers)
        next_step(at)
    raise AssertionError(f"never reached step {section_id}")


def back_step(at: AppTest) -> AppTest:
    """Press Back."""
    return click(at, "wiz:back")


def element_keys(at: AppTest) -> list[str]:
    """Keys of the keyed elements and containers on the page, in order."""
    return [str(e.key) for e in page_elements(at) if getattr(e, "key", None)]
