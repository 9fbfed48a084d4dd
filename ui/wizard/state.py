"""Where the wizard keeps everything, all in st.session_state (never anywhere else).

The answers are one dict, ``wiz:answers``, in the form of the record file (spec §2), not
yet validated: a number typed as text that is not a whole number stays as that text, so
the step can say what is wrong with it instead of keeping an older value. Every widget
writes its answer into the dict from its ``on_change`` callback, which Streamlit runs
before the page, so the page (the crisis panel first) always draws from the latest
answers. Widgets are keyed by question and seeded from the dict when their step is drawn:

    q:<id>               integer, single, ynu, ynp and text questions
    q:<id>:<code>        one checkbox per option of a multi question
    q:<id>:__none        the "None of these" checkbox of a multi, and "no antidepressants"
                         for the repeat ``ad_trials``
    t:<row>:<sub id>     one widget per sub-answer of a trial row

    wiz:answers          the answers dict
    wiz:trial_rows       a row id per entry of answers["ad_trials"] (row ids never reused)
    wiz:trial_seq        the next trial row id
    wiz:changes          safety answers that were positive and then changed (see below)

Navigation and messages:

    wiz:view             "start" | "step" | "review" | "results"
    wiz:step             section id of the current step
    wiz:checked          section id whose Next failed: its problems are shown, live
    wiz:from_review      came to a step with "Edit" from the review: offer the way back
    wiz:crisis_seen      the crisis panel has been shown: it stays until the answers are cleared
    wiz:notice           a one-off message (markdown, data in it escaped) for the next view
    wiz:upload_error     why the last uploaded file could not be read
    wiz:uploader         a counter that resets the file uploader after a load
    wiz:confirm_clear    "Clear my answers" was pressed once: ask to confirm
    wiz:scroll           the view changed: scroll to the top (and focus the heading) once
    wiz:scrolls          a counter that makes each scroll script new
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from screening import AnswerChange, is_safety_positive
from screening.questionnaire import Question, Questionnaire

VIEW = "wiz:view"
STEP = "wiz:step"
CHECKED = "wiz:checked"
FROM_REVIEW = "wiz:from_review"
CRISIS_SEEN = "wiz:crisis_seen"
NOTICE = "wiz:notice"
UPLOAD_ERROR = "wiz:upload_error"
UPLOADER = "wiz:uploader"
CONFIRM_CLEAR = "wiz:confirm_clear"
SCROLL = "wiz:scroll"
ANSWERS = "wiz:answers"
TRIALS = "wiz:trial_rows"
TRIAL_SEQ = "wiz:trial_seq"
CHANGES = "wiz:changes"

NONE = "__none"
PREFIXES = ("q:", "t:", "wiz:")
REPEAT_ID = "ad_trials"
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,12}$")

State = MutableMapping[str, Any]


def qkey(question_id: str) -> str:
    """Widget key of a top-level question."""
    return f"q:{question_id}"


def option_key(question_id: str, code: object) -> str:
    """Widget key of one option checkbox of a multi question."""
    return f"q:{question_id}:{code}"


def none_key(question_id: str) -> str:
    """Widget key of the "None of these" checkbox (multi and repeat questions)."""
    return f"q:{question_id}:{NONE}"


def trial_key(row: int, sub_id: str) -> str:
    """Widget key of one sub-answer of a trial row."""
    return f"t:{row}:{sub_id}"


# --------------------------------------------------------------------------- the answers


def answers(state: State) -> dict[str, Any]:
    """The answers dict of this session (created empty the first time)."""
    held = state.get(ANSWERS)
    if not isinstance(held, dict):
        held = {}
        state[ANSWERS] = held
    return held


def answers_copy(state: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the answers (entries copied too), for a download built later."""
    held = state.get(ANSWERS)
    if not isinstance(held, dict):
        return {}
    return {
        k: [dict(e) for e in v] if isinstance(v, list) and k == REPEAT_ID else v
        for k, v in held.items()
    }


def typed_number(text: object) -> int | str | None:
    """What a typed number means as an answer: an int, None when blank, or the text itself
    when it is not a whole number (validation then says so, next to the field)."""
    if not isinstance(text, str) or not text.strip():
        return None
    cleaned = text.strip().replace(",", "")
    return int(cleaned) if _WHOLE_NUMBER.match(cleaned) else text.strip()


def typed_text(text: object) -> str | None:
    """Typed text as an answer (None when blank)."""
    return text if isinstance(text, str) and text.strip() else None


def set_answer(state: State, question_id: str, value: Any) -> None:
    """Set one answer (None removes it) and note a positive safety answer taken back."""
    held = answers(state)
    before = held.get(question_id)
    if value is None:
        held.pop(question_id, None)
    else:
        held[question_id] = value
    if is_safety_positive(question_id, before) and not is_safety_positive(question_id, value):
        changes = state.get(CHANGES)
        changes = list(changes) if isinstance(changes, list) else []
        changes.append(AnswerChange(question_id, before, value))
        state[CHANGES] = changes


def changes(state: Mapping[str, Any]) -> list[AnswerChange]:
    """The positive safety answers that were changed back, in order."""
    held = state.get(CHANGES)
    return list(held) if isinstance(held, list) else []


def widget_value(q: Question, value: Any) -> Any:
    """What the widget of ``q`` shows for the answer ``value``."""
    if q.type == "integer":
        return "" if value is None else str(value)
    if q.type == "text":
        return value or ""
    return value


def seed(state: State, key: str, value: Any) -> None:
    """Give a widget its answer before it is drawn (once per time its step is shown)."""
    if key not in state:
        state[key] = value


# --------------------------------------------------------------------------- trials


def trial_rows(state: Mapping[str, Any]) -> list[int]:
    """Row ids of the trials, in order (one per entry of answers["ad_trials"])."""
    rows = state.get(TRIALS)
    return list(rows) if isinstance(rows, list) else []


def trial_entries(state: State) -> list[dict[str, Any]]:
    """The trial entries of the answers (an empty list when there are none)."""
    entries = answers(state).get(REPEAT_ID)
    return entries if isinstance(entries, list) else []


def new_trial_row(state: State) -> int:
    """Append an empty trial row; returns its id."""
    row = int(state.get(TRIAL_SEQ, 0))
    state[TRIAL_SEQ] = row + 1
    state[TRIALS] = [*trial_rows(state), row]
    set_answer(state, REPEAT_ID, [*trial_entries(state), {}])
    state.pop(none_key(REPEAT_ID), None)
    return row


def remove_trial_row(state: State, row: int, sub_ids: Iterable[str]) -> None:
    """Remove a trial row, its entry and its widget values."""
    rows = trial_rows(state)
    if row not in rows:
        return
    index = rows.index(row)
    entries = trial_entries(state)
    del rows[index]
    state[TRIALS] = rows
    remaining = [e for i, e in enumerate(entries) if i != index]
    set_answer(state, REPEAT_ID, remaining or None)
    for sub in sub_ids:
        state.pop(trial_key(row, sub), None)


def set_trial_answer(state: State, row: int, sub_id: str, value: Any) -> None:
    """Set one sub-answer of a trial row (None removes it)."""
    rows = trial_rows(state)
    entries = trial_entries(state)
    if row not in rows or rows.index(row) >= len(entries):
        return
    entry = entries[rows.index(row)]
    if value is None:
        entry.pop(sub_id, None)
    else:
        entry[sub_id] = value


# --------------------------------------------------------------------------- whole state


def widget_keys(state: Mapping[str, Any]) -> list[str]:
    """Every session key of an answer widget."""
    return [k for k in state if isinstance(k, str) and k.startswith(("q:", "t:"))]


def load_answers(state: State, loaded: Mapping[str, Any], qn: Questionnaire) -> None:
    """Replace the answers with validated ones (resume from a file); widgets reseed."""
    for key in widget_keys(state):
        del state[key]
    state[ANSWERS] = {}
    state[TRIALS] = []
    state.pop(CHANGES, None)
    for q in qn.questions:
        value = loaded.get(q.id)
        if value is None:
            continue
        if q.type == "repeat":
            first = int(state.get(TRIAL_SEQ, 0))
            state[TRIALS] = list(range(first, first + len(value)))
            state[TRIAL_SEQ] = first + len(value)
            state[ANSWERS][q.id] = [dict(entry) for entry in value]
        else:
            state[ANSWERS][q.id] = value


def clear_all(state: State) -> None:
    """Wipe the wizard: every answer, trial row, message and navigation key."""
    for key in [k for k in list(state) if isinstance(k, str) and k.startswith(PREFIXES)]:
        del state[key]
