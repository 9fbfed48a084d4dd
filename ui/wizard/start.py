"""The start page: what this is, how long it takes, privacy; Start, or resume from a file."""

from __future__ import annotations

import streamlit as st

from screening import RecordError, missing_answers, prune, read_record, section_enabled
from ui.common import md_escape
from ui.lang import switcher, tr
from ui.wizard import flow
from ui.wizard import state as S

UPLOAD_KEY = "wizfile:{n}"  # outside the wiz: prefix: a file uploader's value cannot be set
MAX_NAME = 80

RESUME_MESSAGES = {  # error code → catalogue key
    "record.too_large": "start.too_large",
    "record.unsupported_version": "start.unsupported_version",
    "record.wrong_questionnaire": "start.wrong_questionnaire",
    "record.invalid_answers": "start.invalid_answers",
}


def resume_message(name: str, error: RecordError) -> str:
    """Why a file cannot be resumed, in plain words (never the parser's text)."""
    return tr(RESUME_MESSAGES.get(error.code, "start.not_saved"), name=name)


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
    name = _display_name(str(getattr(uploaded, "name", tr("start.the_file"))))
    try:
        record = read_record(uploaded.getvalue(), name)
    except RecordError as exc:
        state[S.UPLOAD_ERROR] = resume_message(name, exc)
        return
    except Exception:
        state[S.UPLOAD_ERROR] = tr("start.not_saved", name=name)
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
        where = tr("start.where_step")
    elif record.status == "completed":
        flow.show("review")
        where = tr("start.where_review")
    else:
        missing = missing_answers(pruned, qn)
        first = qn.by_id[missing[0].question].section if missing else None
        if first:
            flow.show("step", first)
            where = tr("start.where_first")
        else:
            flow.show("review")
            where = tr("start.where_review")
    notice = tr("start.back", name=md_escape(name), where=where)
    saved = record.questionnaire_version
    if saved is not None and saved != qn.version:
        notice += tr("start.version_changed", saved=md_escape(saved), current=md_escape(qn.version))
    state[S.NOTICE] = notice


def render() -> None:
    """The start page."""
    qn = flow.questionnaire()
    most = len(qn.sections) + 1  # every section, and the review
    fewest = most - sum(1 for s in qn.sections if s.enabled_when)
    switcher("start")
    st.title(tr("start.title"), anchor=False)
    st.markdown(tr("start.intro"))
    st.markdown(tr("start.points", minutes=qn.minutes, fewest=fewest, most=most))
    st.button(tr("start.start"), type="primary", key="wiz:start", on_click=flow.start)

    st.header(tr("start.resume_title"), anchor=False)
    st.markdown(tr("start.resume_intro"))
    st.file_uploader(
        tr("start.uploader"),
        type=["json"],
        key=_uploader_key(),
        on_change=load_uploaded,
    )
    error = st.session_state.get(S.UPLOAD_ERROR)
    if error:
        st.error(md_escape(str(error)), icon=":material/error:")
