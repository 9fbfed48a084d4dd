"""Downloads, built lazily: ``st.download_button(data=callable)``.

A callable runs only when the person clicks, in another thread, with no access to
st.session_state: each one closes over a copy of the answers taken when the page was
drawn (every change of an answer redraws the page, so the copy is the latest). Nothing
is built on an ordinary rerun. File names never contain respondent data.

Streamlit logs an error raised by a download callable, with its traceback; so every
callable here is ``guarded``: a failure becomes ``DownloadFailed`` naming only the file.
When working out the result fails, the record and progress files still hold every answer
(a record with answers only, which every reader accepts and recomputes, spec §7).

The results page offers, in this order: the summary PDF (what a person brings to a
clinician), the record file (to open here again), then the CSV and FHIR files under
"For clinic staff".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import streamlit as st

import screening
from screening import build_record, dump_record, prune
from screening.record import FORMAT, FORMAT_VERSION
from ui.common import guarded
from ui.lang import current, tr
from ui.wizard import state as S
from ui.wizard.checks import clean_answers
from ui.wizard.flow import questionnaire

RECORD_FILE = "screening-record.json"
PROGRESS_FILE = "screening-progress.json"
JSON = "application/json"

Builder = Callable[[dict[str, Any]], bytes]


@dataclass(frozen=True, slots=True)
class Export:
    """One download of the summary: built from the record dict on click (``label``: the
    catalogue key of its button)."""

    label: str
    file_name: str
    mime: str
    build: Builder


def _pdf(record: dict[str, Any]) -> bytes:
    from screening.exports.pdf import summary_pdf
    from ui.common import clinic_settings

    # In the person's language (the record says which); staff formats stay English.
    language = str(record.get("language", "en"))
    return summary_pdf(
        record, generated_at=datetime.now(UTC), settings=clinic_settings()[0], language=language
    )


def _csv(record: dict[str, Any]) -> bytes:
    from screening.exports.csv import records_to_csv

    return records_to_csv([record])


def _fhir(record: dict[str, Any]) -> bytes:
    from screening.exports.fhir_response import questionnaire_response

    resource = questionnaire_response(record)
    return (json.dumps(resource, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


SUMMARY = Export("downloads.summary", "screening-summary.pdf", "application/pdf", _pdf)
FOR_STAFF = (
    Export("downloads.csv", "screening-summary.csv", "text/csv", _csv),
    Export(
        "downloads.fhir",
        "screening-fhir.json",
        "application/fhir+json",
        _fhir,
    ),
)


def make_record(
    raw: Mapping[str, Any],
    *,
    status: str | None = None,
    step: str | None = None,
    changes: list[Any] | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """The record dict for the answers as they are now (invalid values left out), in
    ``language`` (default: this session's; pass it from a download callable, which runs
    without the session).

    If the result cannot be worked out, the record holds the answers only.
    """
    language = language or current()
    qn = questionnaire()
    answers, _ = clean_answers(raw, qn)
    created = datetime.now(UTC)
    try:
        return build_record(
            answers,
            created_at=created,
            app_version=screening.__version__,
            questionnaire=qn,
            status=status,  # type: ignore[arg-type]
            progress_step=step,
            answer_changes=changes or (),
            language=language,
        )
    except Exception:  # a fault in scoring must not cost the person their answers
        record = answers_only_record(answers, created, status=status, step=step)
        return {**record, "language": language}


def answers_only_record(
    answers: dict[str, Any], created: datetime, *, status: str | None, step: str | None
) -> dict[str, Any]:
    """A record without a result (readers recompute it): used when scoring fails."""
    qn = questionnaire()
    try:
        kept = prune(answers, qn)
    except Exception:
        kept = answers  # readers prune again
    record: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "questionnaire_id": qn.id,
        "questionnaire_version": qn.version,
        "status": status or "in_progress",
        "created_at": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "app_version": screening.__version__,
    }
    if step is not None:
        record["progress"] = {"step": step}
    record["answers"] = kept
    return record


def record_bytes(
    raw: Mapping[str, Any], changes: list[Any] | None = None, language: str | None = None
) -> bytes:
    """The record file (status from the answers: completed or in_progress)."""
    return dump_record(make_record(raw, changes=changes, language=language))


def progress_bytes(
    raw: Mapping[str, Any],
    step: str,
    changes: list[Any] | None = None,
    language: str | None = None,
) -> bytes:
    """A progress file: the record with status in_progress and the step to resume at."""
    return dump_record(
        make_record(raw, status="in_progress", step=step, changes=changes, language=language)
    )


def _saved_notice(count: int, step: str) -> None:
    section = questionnaire().section_by_id.get(step)
    where = tr("downloads.saved_where", section=section.title) if section is not None else ""
    answers = tr("downloads.answer_one") if count == 1 else tr("downloads.answer_many")
    st.session_state[S.NOTICE] = tr(
        "downloads.saved", file=PROGRESS_FILE, count=count, answers=answers, where=where
    )


def save_progress_button(step: str) -> None:
    """The "Save my progress" button: a progress file of the answers as drawn, built only
    on click; the page then says what the file holds."""
    state = st.session_state
    snapshot = S.answers_copy(state)
    changes = S.changes(state)
    language = current()
    st.download_button(
        tr("downloads.save"),
        data=guarded(PROGRESS_FILE, lambda: progress_bytes(snapshot, step, changes, language)),
        file_name=PROGRESS_FILE,
        mime=JSON,
        on_click=_saved_notice,
        args=(len(snapshot), step),
        key="wiz:save_progress",
        icon=":material/download:",
    )


def result_downloads() -> None:
    """The downloads of the results page: the PDF, the record file, then staff formats."""
    state = st.session_state
    snapshot = S.answers_copy(state)
    changes = S.changes(state)
    _button(SUMMARY, snapshot, changes, primary=True)
    language = current()
    st.download_button(
        tr("downloads.record"),
        data=guarded(RECORD_FILE, lambda: record_bytes(snapshot, changes, language)),
        file_name=RECORD_FILE,
        mime=JSON,
        on_click="ignore",
        key="wiz:download_record",
        icon=":material/download:",
    )
    st.caption(tr("downloads.record_note"))
    with st.expander(tr("downloads.staff")):
        st.caption(tr("downloads.staff_note"))
        for export in FOR_STAFF:
            _button(export, snapshot, changes)


def _button(
    export: Export, snapshot: dict[str, Any], changes: list[Any], *, primary: bool = False
) -> None:
    language = current()
    st.download_button(
        tr(export.label),
        data=guarded(
            export.file_name,
            lambda: export.build(make_record(snapshot, changes=changes, language=language)),
        ),
        file_name=export.file_name,
        mime=export.mime,
        on_click="ignore",
        type="primary" if primary else "secondary",
        key=f"wiz:download:{export.file_name}",
        icon=":material/download:",
    )
