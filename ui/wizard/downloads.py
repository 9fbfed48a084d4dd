"""Downloads, built lazily: ``st.download_button(data=callable, on_click="ignore")``.

A callable runs only when the person clicks, in another thread, with no access to
st.session_state: each one closes over a copy of the answers taken at render time.
Nothing is built on an ordinary rerun. File names never contain respondent data.

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
from screening.record import build_record, dump_record
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
    """The record dict for the answers as they are now (invalid values left out)."""
    qn = questionnaire()
    answers, _ = clean_answers(raw, qn)
    return build_record(
        answers,
        created_at=datetime.now(UTC),
        app_version=screening.__version__,
        questionnaire=qn,
        status=status,  # type: ignore[arg-type]
        progress_step=step,
    )


def record_bytes(raw: Mapping[str, Any]) -> bytes:
    """The record file (status from the answers: completed or in_progress)."""
    return dump_record(make_record(raw))


def progress_bytes(raw: Mapping[str, Any], step: str) -> bytes:
    """A progress file: the record with status in_progress and the step to resume at."""
    return dump_record(make_record(raw, status="in_progress", step=step))


def save_progress_button(raw: Mapping[str, Any], step: str) -> None:
    """The "Save my progress" button of a step: a progress file, built only on click."""
    snapshot = dict(raw)
    st.download_button(
        "Save my progress to a file",
        data=lambda: progress_bytes(snapshot, step),
        file_name=PROGRESS_FILE,
        mime=JSON,
        on_click="ignore",
        key="wiz:save_progress",
        icon=":material/download:",
    )


def result_downloads(raw: Mapping[str, Any]) -> None:
    """The download row of the results page: the record file, then any EXPORTS."""
    snapshot = dict(raw)
    st.download_button(
        "Download your answers and summary (record file, JSON)",
        data=lambda: record_bytes(snapshot),
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
    return lambda: export.build(make_record(snapshot))
