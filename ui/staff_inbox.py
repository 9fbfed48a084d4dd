"""The clinic inbox on the staff page: submissions decrypted in this session's memory,
crisis first then newest; open one by clicking its row; mark it reviewed or delete it;
a ZIP of PDFs and a CSV whose names and rows match by reference; duplicates shown.

Every staff action (open, export, mark reviewed, delete) goes to the inbox's audit log
with who and when; nothing about a respondent is logged or cached across sessions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import streamlit as st

from screening.review import Entry, sort_rows, triage_row
from ui.common import guarded, md_escape
from ui.staff_view import show_detail, show_table

if TYPE_CHECKING:
    from screening.inbox import Inbox
    from screening.inbox.staff import OpenedInbox, OpenedSubmission
    from screening.settings import ClinicSettings

OPENED = "staff_inbox_opened"  # the OpenedInbox of this session (decrypted, in memory)
CONFIRM_DELETE = "staff_inbox_confirm_delete"
OPENED_REFERENCES = "staff_inbox_opened_references"
NOTICE = "staff_inbox_notice"


def _now() -> datetime:
    return datetime.now(UTC)


def _load(inbox: Inbox, who: str) -> OpenedInbox:
    opened = inbox.open_all(actor=who, now=_now())
    st.session_state[OPENED] = opened
    return opened


def _refresh() -> None:
    st.session_state.pop(OPENED, None)
    st.session_state.pop(CONFIRM_DELETE, None)


def _mark_reviewed(inbox: Inbox, reference: str, who: str) -> None:
    inbox.mark_reviewed(reference, actor=who, now=_now())
    st.session_state[NOTICE] = f"{reference} is marked reviewed."
    _refresh()


def _delete(inbox: Inbox, reference: str, who: str) -> None:
    inbox.delete(reference, actor=who, now=_now())
    st.session_state[NOTICE] = f"{reference} was deleted from the inbox."
    _refresh()


def _rows(opened: OpenedInbox) -> tuple[list[dict[str, Any]], dict[int, OpenedSubmission]]:
    """Triage rows (urgent and crisis first, then newest) and the submission of each."""
    by_number: dict[int, OpenedSubmission] = {}
    rows = []
    newest_first = sorted(opened.submissions, key=lambda s: s.received_at, reverse=True)
    for number, item in enumerate(newest_first, start=1):
        by_number[number] = item
        row = triage_row(Entry(number, "record", item.record, item.reference))
        row["source"] = item.reference
        rows.append(row)
    return sort_rows(rows), by_number


def render(settings: ClinicSettings, who: str) -> None:
    """The inbox tab."""
    from screening import ScreeningError
    from ui.clinic_inbox import staff_inbox

    state = st.session_state
    try:
        inbox = staff_inbox(settings)
        opened = state.get(OPENED) or _load(inbox, who)
    except ScreeningError as exc:
        st.error(f"The clinic inbox cannot be opened: {exc}", icon=":material/error:")
        return
    notice = state.pop(NOTICE, None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    st.button("Check for new submissions", key="staff_inbox_refresh", on_click=_refresh)
    rows, by_number = _rows(opened)
    crisis = sum(r["is_crisis"] or r["is_urgent"] or r["is_risk_unknown"] for r in rows)
    problems = opened.problems
    days = settings.inbox.retention_days if settings.inbox is not None else 30
    st.markdown(
        f"**{len(rows):,} submission(s)** in the inbox"
        + (f"; **{len(problems)} could not be opened** (listed below)" if problems else "")
        + f". Each is deleted {days} days after it arrived."
    )
    if crisis or any(p.crisis for p in problems):
        st.error(
            f"⚠ CRISIS: {crisis + sum(p.crisis for p in problems)} submission(s) show crisis "
            "answers. They are listed first. The inbox is not an emergency service: act on "
            "these now.",
            icon="⚠️",
        )
    for problem in problems:
        mark = "⚠ CRISIS · " if problem.crisis else ""
        st.warning(md_escape(f"{mark}{problem.message}"), icon=":material/lock:")
    groups = opened.duplicate_groups()
    if groups:
        st.info(
            "Same answers sent more than once: " + "; ".join(" = ".join(group) for group in groups),
            icon=":material/content_copy:",
        )
    if not rows:
        st.info("The inbox is empty.")
        return
    extra = {
        "Reference": [r["source"] for r in rows],
        "Received": [by_number[r["number"]].received_at.strftime("%Y-%m-%d %H:%M") for r in rows],
        "Reviewed": ["yes" if by_number[r["number"]].reviewed else "no" for r in rows],
        "Same answers as": [", ".join(by_number[r["number"]].duplicates) for r in rows],
    }
    st.caption("Click a row to open it.")
    picked = show_table(rows, key="staff_inbox_table", extra=extra)
    shown = [by_number[r["number"]] for r in rows]
    _downloads(inbox, shown, who, settings)
    if picked is None:
        return
    item = by_number[picked]
    st.header(f"Submission {item.reference}", anchor=False)
    seen = state.setdefault(OPENED_REFERENCES, set())
    if item.reference not in seen:  # the audit log records each opening once per session
        inbox.open(item.reference, actor=who, now=_now())
        seen.add(item.reference)
    show_detail(Entry(picked, "record", item.record, item.reference), _pdf_maker(settings))
    _actions(inbox, item, who)


def _pdf_maker(settings: ClinicSettings) -> Any:
    from screening.review import pdf_renderer

    def make() -> Any:
        return pdf_renderer(_now(), settings)

    return make


def _downloads(
    inbox: Inbox, shown: list[OpenedSubmission], who: str, settings: ClinicSettings
) -> None:
    with st.container(horizontal=True):
        st.download_button(
            f"Download PDFs and CSV as ZIP ({len(shown):,})",
            data=guarded(
                "inbox.zip",
                lambda: inbox.export_zip(shown, actor=who, now=_now(), settings=settings),
            ),
            file_name="inbox.zip",
            mime="application/zip",
            on_click="ignore",
            key="staff_inbox_zip",
            icon=":material/folder_zip:",
        )
        st.download_button(
            f"Download CSV ({len(shown):,} rows)",
            data=guarded("inbox.csv", lambda: inbox.export_csv(shown, actor=who, now=_now())),
            file_name="inbox.csv",
            mime="text/csv",
            on_click="ignore",
            key="staff_inbox_csv",
            icon=":material/table:",
        )


def _actions(inbox: Inbox, item: OpenedSubmission, who: str) -> None:
    state = st.session_state
    with st.container(horizontal=True, key="staff-inbox-actions"):
        if not item.reviewed:
            st.button(
                "Mark reviewed",
                key="staff_inbox_reviewed",
                on_click=_mark_reviewed,
                args=(inbox, item.reference, who),
            )
        if state.get(CONFIRM_DELETE) != item.reference:
            st.button(
                "Delete from the inbox",
                key="staff_inbox_delete",
                on_click=lambda: state.__setitem__(CONFIRM_DELETE, item.reference),
            )
    if state.get(CONFIRM_DELETE) == item.reference:
        st.warning(
            f"Delete {item.reference} for good? Download anything you need first.",
            icon=":material/warning:",
        )
        with st.container(horizontal=True):
            st.button(
                "Yes, delete it",
                key="staff_inbox_delete_yes",
                on_click=_delete,
                args=(inbox, item.reference, who),
            )
            st.button("No, keep it", key="staff_inbox_delete_no", on_click=_refresh)
