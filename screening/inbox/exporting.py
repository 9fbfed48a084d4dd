"""Exports of opened submissions, named by reference so files and rows match.

    submissions_csv(opened)                         # one CSV row each; record = K7QM-4XPD
    submissions_zip(opened, generated_at=now)       # K7QM-4XPD.pdf … and inbox.csv

Each record was read with its reference as its name, so the CSV's ``record`` column, the
PDF file names and the JSON file names of ``python -m screening inbox export`` agree.
No other name (never the person's) goes into a file name.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from screening.inbox.staff import OpenedSubmission
    from screening.settings import ClinicSettings

__all__ = ["CSV_NAME", "ZIP_NAME", "file_name", "submissions_csv", "submissions_zip"]

CSV_NAME = "inbox.csv"
ZIP_NAME = "inbox-export.zip"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # ZIP entries carry no clock time of their own


def file_name(reference: str, suffix: str) -> str:
    """``K7QM-4XPD.pdf`` and the like."""
    return f"{reference}{suffix}"


def submissions_csv(submissions: Sequence[OpenedSubmission]) -> bytes:
    """This product's CSV, one row per submission, in the order given."""
    from screening.exports.csv import records_to_csv

    return records_to_csv(item.record for item in submissions)


def submissions_zip(
    submissions: Sequence[OpenedSubmission],
    *,
    generated_at: datetime,
    settings: ClinicSettings | None = None,
) -> bytes:
    """A ZIP (stored, not compressed) with one summary PDF per submission and the CSV."""
    from screening.exports.pdf import summary_pdf

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for item in submissions:
            pdf = summary_pdf(item.record, generated_at=generated_at, settings=settings)
            archive.writestr(zipfile.ZipInfo(file_name(item.reference, ".pdf"), _FIXED_TIME), pdf)
        archive.writestr(zipfile.ZipInfo(CSV_NAME, _FIXED_TIME), submissions_csv(submissions))
    return buffer.getvalue()
