"""Downloads, built lazily: ``st.download_button(data=callable, on_click="ignore")``.

A callable runs only when the person clicks, in another thread, with no access to
st.session_state: each one closes over a copy of the answers taken at render time.
Nothing is built on an ordinary rerun. File names never contain respondent data.

To add a download of the summary (PDF, CSV, FHIR, ...), append one line to ``EXPORTS``:

    Export("Summary (PDF)", "screening-summary.pdf", "application/pdf",
           lazy("screening.exports.pdf", "record_pdf")),

where the named function takes the record dict (format 1, spec §7) and returns bytes.
"""

from __future__ import annotations

import importlib
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


def lazy(module: str, function: str) -> Builder:
    """A builder that imports ``module`` only when the person clicks."""

    def build(record: dict[str, Any]) -> bytes:
        result: bytes = getattr(importlib.import_module(module), function)(record)
        return result

    return build


# Extra downloads on the results page, after the record file. One line each (see above).
EXPORTS: list[Export] = []


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
