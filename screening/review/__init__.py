"""Staff review: many files in → one record per respondent, plus a problem per refused file.

    review = load_files([("a.json", data), ...])      # Review(entries, problems, files)
    rows = sort_rows(triage_rows(review.entries))     # urgent and crisis first
    shown = filter_rows(rows, outcomes={"discuss_ketamine"}, search="jo")

Split by reason to change: ``files`` (reading and refusing files), ``triage`` (rows,
filters, counts, the detail), ``lines`` (terminal output), ``exports`` (CSV, PDFs, names).
Refused files are ``screening.problems.FileProblem``.
"""

from screening.problems import REVIEW_CODES as PROBLEM_CODES
from screening.problems import FileProblem, clean_name
from screening.review.exports import csv_writer, export_name, pdf_renderer, pdf_zip
from screening.review.files import (
    KIND_LABELS,
    LIMITS,
    MAX_CSV_COLUMNS,
    MAX_CSV_ROWS,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_RECORDS,
    Entry,
    Limits,
    Review,
    ReviewBuilder,
    load_files,
    sniff,
)
from screening.review.lines import row_line
from screening.review.triage import (
    CRISIS_MARK,
    MISMATCH_MARK,
    NO_MARK,
    NOT_SCORED,
    OUTCOME_LABELS,
    OUTCOME_ORDER,
    TABLE_COLUMNS,
    URGENT_MARK,
    AnswerLine,
    ClinicianNote,
    answer_lines,
    band_label,
    clinician_notes,
    count_by_band,
    count_by_outcome,
    filter_rows,
    findings_present,
    outcome_choices,
    sort_rows,
    triage_row,
    triage_rows,
)

__all__ = [
    "CRISIS_MARK",
    "KIND_LABELS",
    "LIMITS",
    "MAX_CSV_COLUMNS",
    "MAX_CSV_ROWS",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_RECORDS",
    "MISMATCH_MARK",
    "NOT_SCORED",
    "NO_MARK",
    "OUTCOME_LABELS",
    "OUTCOME_ORDER",
    "PROBLEM_CODES",
    "TABLE_COLUMNS",
    "URGENT_MARK",
    "AnswerLine",
    "ClinicianNote",
    "Entry",
    "FileProblem",
    "Limits",
    "Review",
    "ReviewBuilder",
    "answer_lines",
    "band_label",
    "clean_name",
    "clinician_notes",
    "count_by_band",
    "count_by_outcome",
    "csv_writer",
    "export_name",
    "filter_rows",
    "findings_present",
    "load_files",
    "outcome_choices",
    "pdf_renderer",
    "pdf_zip",
    "row_line",
    "sniff",
    "sort_rows",
    "triage_row",
    "triage_rows",
]
