"""Staff review of uploaded files: load many records, triage them in one table, open one,
export.

Nothing is stored on the server: uploads and results live in this browser session's
memory (st.session_state) until Clear is pressed or the tab is closed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from screening.review import (
    MAX_CSV_COLUMNS,
    MAX_CSV_ROWS,
    MAX_FILE_BYTES,
    MAX_FILES,
    Entry,
    Review,
    ReviewBuilder,
    csv_writer,
    filter_rows,
    findings_present,
    outcome_choices,
    pdf_renderer,
    sort_rows,
    triage_rows,
)
from ui import staff_view as view

STATE = "staff_review"  # session_state: {"key": fingerprint, "review": Review, "rows": [...]}
GENERATION = "staff_upload_generation"
FILTER_KEYS = (
    "staff_outcomes",
    "staff_findings",
    "staff_crisis_only",
    "staff_mismatch_only",
    "staff_search",
    "staff_open",
)


def _clear() -> None:
    """Forget every upload and result of this session (new uploader keys empty them)."""
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    for key in (STATE, *FILTER_KEYS):
        st.session_state.pop(key, None)


def _uploads(generation: int) -> list[Any]:
    """The files of both uploaders (files and a folder)."""
    mb = max(1, MAX_FILE_BYTES // 1_000_000)
    left, right = st.columns(2)
    with left:
        files = st.file_uploader(
            "Record files",
            accept_multiple_files=True,
            max_upload_size=mb,
            key=f"staff_files_{generation}",
            help="Choose one or many files; you can add more by browsing again.",
        )
    with right:
        folder = st.file_uploader(
            "Or a whole folder",
            accept_multiple_files="directory",
            max_upload_size=mb,
            key=f"staff_folder_{generation}",
            help="Every file in the folder and its subfolders is read.",
        )
    return [*(files or []), *(folder or [])]


def _review(uploads: Sequence[Any]) -> tuple[Review, list[dict[str, Any]]]:
    """Load the uploads once per change of files; kept in this session only."""
    key = tuple((f.file_id, f.size) for f in uploads)
    cached = st.session_state.get(STATE)
    if cached is not None and cached["key"] == key:
        return cached["review"], cached["rows"]
    builder = ReviewBuilder()
    for upload in uploads:
        if builder.full:
            builder.refuse_too_many(upload.name)
        elif upload.size > builder.limits.max_file_bytes:
            builder.refuse_too_large(upload.name, upload.size)
        else:
            builder.add(upload.name, upload.getvalue())
    review = builder.result()
    rows = sort_rows(triage_rows(review.entries))
    st.session_state[STATE] = {"key": key, "review": review, "rows": rows}
    for name in FILTER_KEYS:  # choices depend on the records: start the filters afresh
        st.session_state.pop(name, None)
    return review, rows


def _pdf_maker() -> Callable[[], Callable[[Entry], bytes]]:
    """Gives, when called (on a click), a PDF renderer dated then, for this clinic."""
    from ui.settings import load_clinic_settings

    settings = load_clinic_settings()  # checked at startup by streamlit_app.py

    def make() -> Callable[[Entry], bytes]:
        return pdf_renderer(datetime.now(UTC), settings)

    return make


def _filters(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    outcomes = dict(outcome_choices())
    findings = dict(findings_present(rows))
    top = st.columns([2, 3])
    with top[0]:
        chosen_outcomes = st.multiselect(
            "Outcome",
            options=list(outcomes),
            format_func=outcomes.__getitem__,
            key="staff_outcomes",
            placeholder="All outcomes",
        )
    with top[1]:
        chosen_findings = st.multiselect(
            "Has any of these findings",
            options=list(findings),
            format_func=findings.__getitem__,
            key="staff_findings",
            placeholder="Any findings",
        )
    low = st.columns([2, 2, 3])
    with low[0]:
        crisis_only = st.checkbox("⚠ Crisis or urgent only", key="staff_crisis_only")
    with low[1]:
        mismatch_only = st.checkbox("⚠ Stored result differs only", key="staff_mismatch_only")
    with low[2]:
        search = st.text_input(
            "Search by name or file", key="staff_search", max_chars=100, placeholder="e.g. A.B."
        )
    return filter_rows(
        rows,
        outcomes=chosen_outcomes,
        findings=chosen_findings,
        crisis_only=crisis_only,
        mismatch_only=mismatch_only,
        search=search,
    )


def _choose(rows: list[dict[str, Any]]) -> int | None:
    """The record number chosen for the detail view (from the rows shown)."""
    labels = {
        row["number"]: " · ".join(
            part
            for part in (
                f"#{row['number']}",
                row["name"] or "(no name)",
                row["outcome"],
                "⚠ URGENT" if row["is_urgent"] else "",
                "⚠ risk not assessed" if row["is_risk_unknown"] else "",
                "⚠ CRISIS" if row["is_crisis"] else "",
                "⚠ answer changed" if row["has_changed_answers"] else "",
                "⚠ stored result differs" if row["has_mismatch"] else "",
                row["source"],
            )
            if part
        )
        for row in rows
    }
    if st.session_state.get("staff_open") not in labels:
        st.session_state.pop("staff_open", None)
    chosen: int | None = st.selectbox(
        "Open a record",
        options=list(labels),
        format_func=labels.__getitem__,
        index=None,
        key="staff_open",
        placeholder="Choose a row from the table…",
    )
    return chosen


@contextlib.contextmanager
def part(what: str) -> Iterator[None]:
    """Run one part of the page; if it fails, a plain sentence takes its place and the rest
    of the page still runs (Streamlit's rerun and stop signals are not Exceptions)."""
    try:
        yield
    except Exception:
        st.error(
            f"Sorry, the {what} could not be shown because of an error in this app. "
            "The rest of the page still works; the files are still loaded.",
            icon=":material/error:",
        )


def render() -> None:
    """The uploaded-files part of the staff page."""
    st.markdown(
        "Load record files people brought or sent you and see who needs attention first. "
        "Results are recomputed from the answers in each file; they are information for a "
        "clinician, not a diagnosis."
    )
    st.markdown(
        f"Accepted: record files (.json) saved by this app, FHIR QuestionnaireResponse JSON, "
        f"and this app's CSV (up to {MAX_CSV_ROWS:,} rows and {MAX_CSV_COLUMNS} columns). "
        f"Up to {MAX_FILES:,} files at once, {MAX_FILE_BYTES // 1_000_000} MB each. "
        "ZIP, GZIP and PDF files are not accepted. "
        "Nothing is stored on the server: the files stay in this browser tab's session until "
        "you press Clear or close the tab."
    )
    generation = st.session_state.get(GENERATION, 0)
    uploads = _uploads(generation)
    st.button("Clear", on_click=_clear, help="Remove every file and result from this session")
    if not uploads:
        st.session_state.pop(STATE, None)
        st.info("No files loaded yet.")
        return

    review, rows = _review(uploads)
    crisis = sum(r["is_crisis"] or r["is_urgent"] for r in rows)
    urgent = sum(r["is_urgent"] for r in rows)
    mismatched = sum(r["has_mismatch"] for r in rows)
    not_loaded = (
        f"; **{len(review.problems):,} not loaded** (listed below)" if review.problems else ""
    )
    st.markdown(f"**{len(rows):,} record(s)** from {review.loaded_files:,} file(s){not_loaded}.")
    if crisis:
        st.error(
            f"⚠ CRISIS: {crisis} record(s) show crisis answers"
            + (f", {urgent} of them URGENT" if urgent else "")
            + ". They are listed first.",
            icon="⚠️",
        )
    if mismatched:
        st.warning(
            f"⚠ {mismatched} record(s) hold a stored result that differs from the one "
            "recomputed from their answers (marked “⚠ differs”). The recomputed result is shown.",
            icon="⚠️",
        )
    if review.problems:
        with part("list of files not loaded"):
            view.show_problems(review.problems)
    if not rows:
        return

    st.header("Records", anchor=False)
    shown = rows
    with part("filters"):
        shown = _filters(rows)
    st.markdown(
        f"Showing {len(shown):,} of {len(rows):,}. Crisis and urgent first; "
        "click a column heading to sort."
    )
    picked = None
    with part("table of records"):
        picked = view.show_table(shown, key="staff_table")
    make_pdf = _pdf_maker()
    entries = {e.number: e for e in review.entries}
    with part("downloads"):
        view.show_downloads([entries[r["number"]] for r in shown], csv_writer(), make_pdf)

    st.header("Record detail", anchor=False)
    with part("record detail"):
        chosen = picked if picked is not None else _choose(shown)
        if chosen is not None:
            view.show_detail(entries[chosen], make_pdf)

    if shown:
        st.header("Overview", anchor=False)
        st.markdown("Of the rows shown.")
        with part("charts"):
            view.show_charts(shown)
