"""2. Scoring throughput: ``read_record`` on record bytes (parse, validate, prune, score,
evaluate, compare with the stored result), beside ``json.loads`` of the same bytes."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bench.common import Growth, Row, interleaved, median
from bench.data import answers_only_records, synthetic_records, vignette_records
from screening.record import read_record

SECTION = "Scoring"
ANSWERS_ONLY_BUDGET = 10_000.0  # records/s
FULL_RECORD_BUDGET = 5_000.0  # records/s: a day's 10,000 full records in 2 s


def _rates(batch: Sequence[bytes], samples: int) -> tuple[list[float], list[float]]:
    """Records per second of read_record and of json.loads, per sample."""

    def subject() -> None:
        for data in batch:
            read_record(data, "record.json")

    def floor() -> None:
        for data in batch:
            json.loads(data)

    a, b = interleaved(subject, floor, samples, warmup=2)
    n = len(batch)
    return [n / t for t in a], [n / t for t in b]


def throughput_row(name: str, batch: Sequence[bytes], samples: int, budget: float) -> Row:
    """One throughput figure against its budget (records per second)."""
    rates, floors = _rates(batch, samples)
    m = median(rates)
    return Row(
        SECTION,
        name,
        "records/s",
        m,
        # the slow tail of a throughput is its 5th percentile
        sorted(rates)[max(0, len(rates) * 5 // 100 - 1)] if len(rates) >= 20 else min(rates),
        floor=median(floors),
        floor_name="`json.loads`",
        budget=f"≥ {budget:,.0f}/s",
        passed=m >= budget,
        note=f"{1e6 / m:.1f} µs per record; floor {1e6 / median(floors):.1f} µs; p95 column = "
        "slowest 5 %",
        higher_is_better=True,
    )


def run(quick: bool) -> list[Row]:
    """The vignettes as answers-only files and as full records, and a synthetic mix."""
    samples = 15 if quick else 41
    count = len(vignette_records())
    mix = synthetic_records(500)[: 200 if quick else 500]
    return [
        throughput_row(
            f"`read_record`, the {count} vignettes as answers-only files (~1 KB)",
            answers_only_records() * 20,
            samples,
            ANSWERS_ONLY_BUDGET,
        ),
        throughput_row(
            f"`read_record`, the {count} vignettes as full records with their result (~4 KB)",
            vignette_records() * 20,
            samples,
            FULL_RECORD_BUDGET,
        ),
        throughput_row(
            f"`read_record`, synthetic mix of {len(mix)} full records (~10 KB)",
            mix,
            samples,
            FULL_RECORD_BUDGET,
        ),
    ]


def growth(quick: bool) -> list[Growth]:
    """µs per record with 1, 5 and 15 antidepressant trials."""
    sizes = [1, 5, 15]
    g = Growth(SECTION, "`read_record` per record", "trials in the record", "µs", sizes=sizes)
    floor = Growth(
        SECTION, "`json.loads` per record (floor)", "trials in the record", "µs", sizes=sizes
    )
    for trials in sizes:
        batch = synthetic_records(100, trials)
        rates, floors = _rates(batch, 7 if quick else 15)
        g.costs.append(1e6 / median(rates))
        floor.costs.append(1e6 / median(floors))
    return [g, floor]
