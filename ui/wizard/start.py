"""The start page: what this is, how long it takes, privacy; Start, or resume from a file."""

from __future__ import annotations

import streamlit as st

from screening import RecordError, missing_answers, prune, read_record, section_enabled
from ui.common import md_escape
from ui.wizard import flow
from ui.wizard import state as S

TITLE = "Ketamine and esketamine pre-screening"
UPLOAD_KEY = "wizfile:{n}"  # outside the wiz: prefix: a file uploader's value cannot be set
MAX_NAME = 80

NOT_SAVED = (
    "{name}: this file is not a saved questionnaire from this app. Choose the file you saved "
    "with “Save my progress to a file” or “Your answers file (JSON)”."
)
RESUME_MESSAGES = {
    "record.too_large": "{name}: this file is too large to be a saved questionnaire.",
    "record.unsupported_version": (
        "{name}: this file was saved by a newer version of this app and cannot be opened "
        "here. Ask the clinic, or start again."
    ),
    "record.wrong_questionnaire": (
        "{name}: this file is from a different questionnaire, so it cannot be opened here."
    ),
    "record.invalid_answers": (
        "{name}: this file holds answers this questionnaire cannot use (it may have been "
        "changed after it was saved). Start again, or use another saved file."
    ),
}


def resume_message(name: str, error: RecordError) -> str:
    """Why a file cannot be resumed, in plain words (never the parser's text)."""
    return RESUME_MESSAGES.get(error.code, NOT_SAVED).format(name=name)


def _uploader_key() -> str:
    return UPLOAD_KEY.format(n=int(st.session_state.get(S.UPLOADER, 0)))


def _display_name(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def load_uploaded() -> None:
    """Read the uploaded progress or record file with the core; restore answers and step."""
    state = st.session_state
    uploaded = state.get(_uploader_key())
    if uploaded is None:
        return
    name = _display_name(str(getattr(uploaded, "name", "the file")))
    try:
        record = read_record(uploaded.getvalue(), name)
    except RecordError as exc:
        state[S.UPLOAD_ERROR] = resume_message(name, exc)
        return
    except Exception:
        state[S.UPLOAD_ERROR] = NOT_SAVED.format(name=name)
        return
    qn = flow.questionnaire()
    S.load_answers(state, record.answers, qn)
    state[S.CHANGES] = list(record.answer_changes)
    state[S.UPLOAD_ERROR] = None
    state[S.UPLOADER] = int(state.get(S.UPLOADER, 0)) + 1
    state[S.FROM_REVIEW] = False
    pruned = prune(record.answers, qn)
    step = record.progress_step
    if step in qn.section_by_id and section_enabled(step, pruned, qn):
        flow.show("step", step)
        where = "the step where you stopped"
    elif record.status == "completed":
        flow.show("review")
        where = "the review of your answers"
    else:
        missing = missing_answers(pruned, qn)
        first = qn.by_id[missing[0].question].section if missing else None
        if first:
            flow.show("step", first)
            where = "the first step with a question still to answer"
        else:
            flow.show("review")
            where = "the review of your answers"
    notice = f"Your answers from {md_escape(name)} are back. You are on {where}."
    saved = record.questionnaire_version
    if saved is not None and saved != qn.version:
        notice += (
            f" The file was saved with version {md_escape(saved)} of the questionnaire; this "
            f"is version {md_escape(qn.version)}. Any question that is new or changed since "
            "then is asked again before your summary."
        )
    state[S.NOTICE] = notice


def render() -> None:
    """The start page."""
    qn = flow.questionnaire()
    most = len(qn.sections) + 1  # every section, and the review
    fewest = most - sum(1 for s in qn.sections if s.enabled_when)
    st.title(TITLE, anchor=False)
    st.markdown(
        "A short questionnaire to help you prepare for a conversation with a clinician about "
        "ketamine or esketamine treatment for depression. At the end you get a summary to "
        "bring to that conversation."
    )
    st.markdown(
        "- **Information only.** Your summary is not a diagnosis. It does not decide whether "
        "any treatment is right for you: only a clinician who knows you can do that.\n"
        "- **Not for emergencies.** If you might harm yourself or you are in danger, use the "
        "crisis numbers at the bottom of this page, or call your local emergency number now.\n"
        f"- **About {qn.minutes} minutes.** {fewest} or {most} short steps, depending on your "
        "answers. You can go back and change an answer at any time.\n"
        "- **Private.** Nothing is stored on our server. Your answers live only in this "
        "browser tab and vanish when you close it, unless you save them to a file yourself."
    )
    st.button("Start", type="primary", key="wiz:start", on_click=flow.start)

    st.header("Resume from a saved file", anchor=False)
    st.markdown(
        "If you saved your progress or your summary earlier, open that file here to pick up "
        "where you left off. The file is read in this session only and is not kept."
    )
    st.file_uploader(
        "Your saved progress or record file (.json)",
        type=["json"],
        key=_uploader_key(),
        on_change=load_uploaded,
    )
    error = st.session_state.get(S.UPLOAD_ERROR)
    if error:
        st.error(md_escape(str(error)), icon=":material/error:")
