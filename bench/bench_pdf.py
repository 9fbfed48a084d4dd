"""4. Summary PDF: ms per record, beside an empty page with the same font and settings."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.common import Growth, Row, interleaved, median, p95, skipped
from bench.data import synthetic_records, vignette_records
from screening.record import LoadedRecord, read_record

SECTION = "Summary PDF"
BUDGET_MS = 40.0
GENERATED_AT = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def available() -> bool:
    """Whether screening.exports.pdf exists."""
    return importlib.util.find_spec("screening.exports.pdf") is not None


def empty_page() -> bytes:
    """The floor: one page with the summary's fonts and paper, and one character."""
    from fpdf import FPDF

    from screening.exports.pdf import fonts

    pdf = FPDF(unit="mm", format="Letter")
    pdf.set_lang("en")
    fonts.add_fonts(pdf)
    pdf.add_page()
    pdf.set_font(fonts.FAMILY, "", 10)
    pdf.cell(text=".")
    fonts.prepare_output(pdf)
    return bytes(pdf.output())


def renderer() -> Callable[[LoadedRecord], bytes]:
    """summary_pdf at a fixed moment."""
    from screening.exports.pdf import summary_pdf

    def render(record: LoadedRecord) -> bytes:
        return summary_pdf(record, generated_at=GENERATED_AT)

    return render


def per_record(records: list[LoadedRecord], rounds: int) -> tuple[list[float], list[float]]:
    """ms per summary and per empty page, one record per sample, alternating."""
    render = renderer()
    subject_ms: list[float] = []
    floor_ms: list[float] = []
    for _ in range(rounds):
        for record in records:

            def subject(r: Any = record) -> bytes:
                return render(r)

            a, b = interleaved(subject, empty_page, 1, warmup=0)
            subject_ms.append(a[0] * 1000)
            floor_ms.append(b[0] * 1000)
    return subject_ms, floor_ms


def run(quick: bool) -> list[Row]:
    """The vignettes and a synthetic mix."""
    if not available():
        return [skipped(SECTION, "summary PDF per record", "screening/exports/pdf.py is missing")]
    render = renderer()
    vignettes = [read_record(b) for b in vignette_records()]
    mix = [read_record(b) for b in synthetic_records(500)[: 20 if quick else 60]]
    render(vignettes[0])  # first use parses the fonts: measured apart below
    empty_page()
    rows = []
    for name, records, rounds in (
        (f"the {len(vignettes)} vignettes", vignettes, 2 if quick else 5),
        (f"synthetic mix of {len(mix)}", mix, 1 if quick else 2),
    ):
        ms, floor = per_record(records, rounds)
        rows.append(
            Row(
                SECTION,
                f"`summary_pdf`, {name}",
                "ms",
                median(ms),
                p95(ms),
                floor=median(floor),
                floor_name="empty page, same font",
                budget=f"≤ {BUDGET_MS:.0f} ms median",
                passed=median(ms) <= BUDGET_MS,
            )
        )
    pages = [_pages(render(r)) for r in mix]
    rows[-1].note = f"pages per summary: median {median(pages):.0f}, max {max(pages)}"
    return rows


def _pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def growth(quick: bool) -> list[Growth]:
    """ms per summary with 1, 5 and 15 antidepressant trials."""
    if not available():
        return []
    sizes = [1, 5, 15]
    g = Growth(SECTION, "`summary_pdf` per record", "trials in the record", "ms", sizes=sizes)
    for trials in sizes:
        records = [read_record(b) for b in synthetic_records(100, trials)[: 8 if quick else 20]]
        ms, _floor = per_record(records, 1)
        g.costs.append(median(ms))
    return [g]
