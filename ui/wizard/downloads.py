"""Downloads, built lazily: ``st.download_button(data=callable, on_click="ignore")``.

A callable runs only when the person clicks, in another thread, with no access to
st.session_state: each one closes over a copy of the answers taken at render time.
Nothing is built on an ordinary rerun. File names never contain respondent data.

Streamlit logs an error raised by a download callable, with its traceback; so every
callable here is ``guarded``: a failure becomes ``DownloadFailed`` naming only the file
(the browser shows its own short "failed" note under the button). And when working out
the result fails, the record and progress files still hold every answer (a record with
answers only, which every reader accepts and recomputes, spec §7).

The results page offers the record file (JSON, which can also be opened again here),
then every entry of ``EXPORTS`` whose module is present. To add a download, add one
``Export(label, file name, mime type, builder, module)`` line to ``EXPORTS``; the builder
takes the record dict (format 1, spec §7) and returns bytes, importing its module inside.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import streamlit as st

import screening
from screening.answers import prune
from screening.record import FORMAT, FORMAT_VERSION, build_record, dump_record
from ui.common import guarded
from ui.wizard.checks import clean_answers
from ui.wizard.flow import questionnaire

RECORD_FILE = "screening-record.json"
PROGRESS_FILE = "screening-progress.json"
JSON = "application/json"

Builder = Callable[[dict[str, Any]], bytes]


@dataclass(frozen=True, slots=True)
class Export:
    """One extra download of the summary: built from the record dict on click."""

    label: str
    file_name: str
    mime: str
    build: Builder
    module: str


def _pdf(record: dict[str, Any]) -> bytes:
    from screening.exports import pdf

    kwargs: dict[str, Any] = {"generated_at": datetime.now(UTC)}
    if "settings" in inspect.signature(pdf.summary_pdf).parameters:
        from ui.common import clinic_settings

        kwargs["settings"] = clinic_settings()[0]
    data: bytes = pdf.summary_pdf(record, **kwargs)
    return data


def _csv(record: dict[str, Any]) -> bytes:
    from screening.exports.csv import records_to_csv

    return records_to_csv([record])


def _fhir(record: dict[str, Any]) -> bytes:
    from screening.exports.fhir import questionnaire_response

    resource = questionnaire_response(record)
    return (json.dumps(resource, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _present(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


# Extra downloads on the results page, after the record file: one entry each.
_ALL_EXPORTS = (
    Export(
        "Summary to print or share (PDF)",
        "screening-summary.pdf",
        "application/pdf",
        _pdf,
        "screening.exports.pdf",
    ),
    Export("Spreadsheet (CSV)", "screening-summary.csv", "text/csv", _csv, "screening.exports.csv"),
    Export(
        "For health-record systems (FHIR, JSON)",
        "screening-fhir.json",
        "application/fhir+json",
        _fhir,
        "screening.exports.fhir",
    ),
)
EXPORTS: list[Export] = [export for export in _ALL_EXPORTS if _present(export.module)]


def make_record(
    raw: Mapping[str, Any], *, status: str | None = None, step: str | None = None
) -> dict[str, Any]:
    """The record dict for the answers as they are now (invalid values left out).

    If the result cannot be worked out, the record holds the answers only.
    """
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
        )
    except Exception:  # a fault in scoring must not cost the person their answers
        return answers_only_record(answers, created, status=status, step=step)


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


def record_bytes(raw: Mapping[str, Any]) -> bytes:
    """The record file (status from the answers: completed or in_progress)."""
    return dump_record(make_record(raw))


def progress_bytes(raw: Mapping[str, Any], step: str) -> bytes:
    """A progress file: the record with status in_progress and the step to resume at."""
    return dump_record(make_record(raw, status="in_progress", step=step))


def save_progress_button(raw: Mapping[str, Any] | list[dict[str, Any]], step: str) -> None:
    """The "Save my progress" button: a progress file, built only on click.

    ``raw`` is the answers, or a one-item list holding the latest answers (a step's
    ``live.answers_box``): a question answered since the page was drawn reran only
    itself and refreshed the box, so the file holds the answers as they are at the click.
    """
    box = raw if isinstance(raw, list) else [dict(raw)]
    st.download_button(
        "Save my progress to a file",
        data=guarded(PROGRESS_FILE, lambda: progress_bytes(dict(box[0]), step)),
        file_name=PROGRESS_FILE,
        mime=JSON,
        on_click="ignore",
        key="wiz:save_progress",
        icon=":material/download:",
    )


def result_downloads(raw: Mapping[str, Any]) -> None:
    """The download row of the results page: the record file, then any EXPORTS."""
    snapshot = dict(raw)
    with st.container(horizontal=True, key="downloads"):
        st.download_button(
            "Your answers and summary (record file, JSON)",
            data=guarded(RECORD_FILE, lambda: record_bytes(snapshot)),
            file_name=RECORD_FILE,
            mime=JSON,
            on_click="ignore",
            key="wiz:download_record",
            icon=":material/download:",
        )
        for export in EXPORTS:
            st.download_button(
                export.label,
                data=_export_callable(export, snapshot),
                file_name=export.file_name,
                mime=export.mime,
                on_click="ignore",
                key=f"wiz:download:{export.file_name}",
                icon=":material/download:",
            )


def _export_callable(export: Export, snapshot: dict[str, Any]) -> Callable[[], bytes]:
    return guarded(export.file_name, lambda: export.build(make_record(snapshot)))
