"""What a staff review exports: file names without respondent data, a CSV of the rows
shown, a ZIP of summary PDFs. Builders are returned as functions so a page can run them
only on a click."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from screening.review.files import Entry

if TYPE_CHECKING:
    from screening.settings import ClinicSettings


def export_name(kind: Literal["csv", "pdf", "zip"], number: int | None = None) -> str:
    """Download file names: never any respondent data, only the row number."""
    if kind == "csv":
        return "screening-review.csv"
    if kind == "zip":
        return "screening-summaries.zip"
    return f"screening-summary-{number or 0:04d}.pdf"


def pdf_zip(entries: Iterable[Entry], render: Callable[[Entry], bytes]) -> bytes:
    """A ZIP holding one PDF per entry, named by row number only (stored, not compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(
                export_name("pdf", entry.number), date_time=(2000, 1, 1, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, render(entry))
    return buffer.getvalue()


def csv_writer() -> Callable[[Sequence[Entry]], bytes]:
    """Bytes of one CSV (this product's export format) holding the given records."""

    def write(entries: Sequence[Entry]) -> bytes:
        from screening.exports.csv import records_to_csv

        return records_to_csv(e.record for e in entries)

    return write


def pdf_renderer(
    generated_at: datetime, settings: ClinicSettings | None = None
) -> Callable[[Entry], bytes]:
    """A function giving one record's summary PDF, dated ``generated_at`` (timezone-aware)."""

    def render(entry: Entry) -> bytes:
        from screening.exports.pdf import summary_pdf

        return summary_pdf(entry.record, generated_at=generated_at, settings=settings)

    return render
