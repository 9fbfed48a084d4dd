"""Where the wizard keeps everything, all in st.session_state (never anywhere else).

Answers live in the widgets' own keys, kept while a step is not shown
(``persist_state="session"``):

    q:<id>               integer, single, ynu, ynp and text questions (the widget value)
    q:<id>:<code>        one checkbox per option of a multi question (True/False)
    q:<id>:__none        the "None of these" checkbox of a multi, and "no antidepressants"
                         for the repeat ``ad_trials``
    wiz:trials           row ids of the antidepressant trials, in order (list of int)
    t:<row>:<sub id>     one widget per sub-answer of a trial row

Only the current step's answers are in those keys while the step is shown; the others
wait in one dict, ``wiz:answers`` (``focus_section``). Streamlit copies the whole of
session state once per keyed radio on every run, so fewer keys make every rerun cheaper.

``answers_from_state`` is the one function that turns these into the answers dict.
``load_answers`` does the reverse (resume from a file); ``clear_all`` wipes everything.

Navigation and messages:

    wiz:view             "start" | "step" | "review" | "results"
    wiz:step             section id of the current step
    wiz:checked          section id whose Next failed: its problems are shown, live
    wiz:from_review      came to a step with "Edit" from the review: offer the way back
    wiz:crisis_seen      the crisis panel has been shown: it stays until the answers are cleared
    wiz:notice           a one-off message (markdown, data in it escaped) for the next view
    wiz:upload_error     why the last uploaded file could not be read
    wiz:uploader         a counter that resets the file uploader after a load (its key is
                         wizfile:<n>, outside wiz: because an uploader's value cannot be set)
    wiz:confirm_clear    "Clear my answers" was pressed once: ask to confirm
    wiz:scroll           the view changed: scroll to the top (and focus the heading) once
    wiz:scrolls          a counter that makes each scroll script new
    wiz:trial_seq        the next trial row id (row ids are never reused)
    wiz:answers          the answers of the steps not shown, by widget key (focus_section)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from screening.questionnaire import Question, Questionnaire
from screening.safety import SAFETY_ITEMS

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
TRIALS = "wiz:trials"
TRIAL_SEQ = "wiz:trial_seq"
STASH = "wiz:answers"

NONE = "__none"
PREFIXES = ("q:", "t:", "wiz:")
REPEAT_ID = "ad_trials"

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


# --------------------------------------------------------------------------- reading


def _text_value(value: object) -> str | None:
    if isinstance(value, str):
        return value if value.strip() else None
    return None


def question_value(state: Mapping[str, Any], q: Question) -> Any:
    """The raw answer of one top-level question from its widget keys (None: unanswered)."""
    if q.type == "multi":
        chosen = [c for c in q.codes_in_order if state.get(option_key(q.id, c))]
        if chosen:
            return chosen
        return [] if state.get(none_key(q.id)) else None
    if q.type == "repeat":
        rows = trial_rows(state)
        if not rows:
            return [] if state.get(none_key(q.id)) else None
        return [trial_entry(state, q, row) for row in rows]
    value = state.get(qkey(q.id))
    if q.type == "text":
        return _text_value(value)
    return value


def trial_rows(state: Mapping[str, Any]) -> list[int]:
    """Row ids of the trials, in order."""
    rows = state.get(TRIALS)
    return list(rows) if isinstance(rows, list) else []


def trial_entry(state: Mapping[str, Any], q: Question, row: int) -> dict[str, Any]:
    """One trial row as an answer entry (unanswered sub-answers left out)."""
    entry: dict[str, Any] = {}
    for sub in q.items:
        value = state.get(trial_key(row, sub.id))
        if sub.type == "text":
            value = _text_value(value)
        if value is not None:
            entry[sub.id] = value
    return entry


def with_stashed(state: Mapping[str, Any]) -> Mapping[str, Any]:
    """Session state with the answers of the steps not shown put back in their keys."""
    stash = state.get(STASH)
    if not isinstance(stash, dict) or not stash:
        return state
    merged = dict(stash)
    merged.update(state)
    return merged


def answers_from_state(state: Mapping[str, Any], qn: Questionnaire) -> dict[str, Any]:
    """The answers dict (spec §2) from the widget keys: unvalidated, hidden answers kept.

    Validate with ``screening.answers.validate_answers`` and prune before using it.
    """
    state = with_stashed(state)
    answers: dict[str, Any] = {}
    for q in qn.questions:
        value = question_value(state, q)
        if value is not None:
            answers[q.id] = value
    return answers


def crisis_answers(state: Mapping[str, Any]) -> dict[str, Any]:
    """Only the answers the crisis flag reads, straight from session state (shown step or
    stash)."""
    stash = state.get(STASH)
    stashed = stash if isinstance(stash, dict) else {}
    out: dict[str, Any] = {}
    for item in ("phq9_9", *SAFETY_ITEMS):
        key = qkey(item)
        out[item] = state.get(key) if key in state else stashed.get(key)
    return out


# --------------------------------------------------------------------------- writing


def answer_keys(state: Mapping[str, Any]) -> list[str]:
    """Every session key that holds an answer, a trial row or the answers of other steps."""
    return [
        k
        for k in state
        if isinstance(k, str) and (k.startswith(("q:", "t:")) or k in (TRIALS, STASH))
    ]


def section_of_key(key: str, qn: Questionnaire) -> str | None:
    """The section whose answer the widget key ``key`` holds (None: not an answer key)."""
    if key.startswith("t:"):
        repeat = qn.by_id.get(REPEAT_ID)
        return repeat.section if repeat is not None else None
    if key.startswith("q:"):
        q = qn.by_id.get(key[2:].split(":", 1)[0])
        return q.section if q is not None else None
    return None


def focus_section(state: State, qn: Questionnaire, section_id: str) -> None:
    """Keep only the answers of ``section_id`` in their widget keys; put the others in the
    stash (and take this section's out of it). Call before the step's widgets are drawn."""
    stash = state.get(STASH)
    stash = dict(stash) if isinstance(stash, dict) else {}
    for key in [k for k in list(state) if isinstance(k, str) and k.startswith(("q:", "t:"))]:
        if section_of_key(key, qn) != section_id:
            stash[key] = state[key]
            del state[key]
    for key in [k for k in stash if section_of_key(k, qn) == section_id]:
        value = stash.pop(key)
        if key not in state:
            state[key] = value
    state[STASH] = stash


def clear_all(state: State) -> None:
    """Wipe the wizard: every answer, trial row, message and navigation key."""
    for key in [k for k in list(state) if isinstance(k, str) and k.startswith(PREFIXES)]:
        del state[key]


def clear_answers(state: State) -> None:
    """Wipe the answers and trial rows only."""
    for key in answer_keys(state):
        del state[key]


def new_trial_row(state: State) -> int:
    """Append an empty trial row; returns its id."""
    row = int(state.get(TRIAL_SEQ, 0))
    state[TRIAL_SEQ] = row + 1
    state[TRIALS] = [*trial_rows(state), row]
    state[none_key(REPEAT_ID)] = False
    return row


def remove_trial_row(state: State, row: int, sub_ids: Iterable[str]) -> None:
    """Remove a trial row and its widget values."""
    state[TRIALS] = [r for r in trial_rows(state) if r != row]
    for sub in sub_ids:
        state.pop(trial_key(row, sub), None)


def load_answers(state: State, answers: Mapping[str, Any], qn: Questionnaire) -> None:
    """Put validated answers into the widget keys (replacing any answers there)."""
    clear_answers(state)
    for q in qn.questions:
        value = answers.get(q.id)
        if value is None:
            continue
        if q.type == "multi":
            for code in value:
                state[option_key(q.id, code)] = True
            if not value:
                state[none_key(q.id)] = True
        elif q.type == "repeat":
            if not value:
                state[none_key(q.id)] = True
            for entry in value:
                row = new_trial_row(state)
                for sub_id, sub_value in entry.items():
                    state[trial_key(row, sub_id)] = sub_value
        else:
            state[qkey(q.id)] = value
