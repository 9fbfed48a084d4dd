"""Synthetic, valid, complete records for the benchmarks (deterministic from a seed).

Answers are drawn question by question from the questionnaire itself, in order, so only
enabled questions get an answer and every value is one the strict validator accepts. No
real person is described; names are "Respondent 0001" and so on.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT
from screening.conditions import is_enabled
from screening.questionnaire import Question, Questionnaire, load_questionnaire
from screening.record import build_record, dump_record

CREATED_AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
APP_VERSION = "0.1.0"
VIGNETTES = REPO_ROOT / "tests" / "data" / "vignettes.json"

_WEEKS = (2, 3, 4, 5, 6, 8, 10, 12, 16, 26)
_NUMBERS = {
    "age_years": (18, 80),
    "bp_systolic": (100, 165),
    "bp_diastolic": (60, 100),
    "drug_use_times": (0, 3),
}
_NOTES = (
    "Works night shifts; mornings are easier for appointments.",
    "Had side effects from two medicines; would like to talk about them.",
    "Partner can drive on Tuesdays and Fridays.",
)


def _value(q: Question, rng: random.Random, index: int) -> Any:
    t = q.type
    if t == "integer":
        assert q.min is not None and q.max is not None
        low, high = _NUMBERS.get(q.id, (q.min, q.max))
        if q.id == "weeks":
            return rng.choice(_WEEKS)
        return rng.randint(max(low, q.min), min(high, q.max))
    if t in ("single", "ynu", "ynp"):
        codes = q.codes_in_order
        if q.id.startswith("phq9_") and q.id != "phq9_difficulty":
            # Mostly moderate or worse, as in people who would fill this in.
            return rng.choices(codes, weights=(2, 3, 4, 3) if q.id != "phq9_9" else (8, 2, 1, 1))[0]
        return rng.choice(codes)
    if t == "multi":
        codes = list(q.codes_in_order)
        if q.id == "route_interest":
            return rng.sample(codes, rng.randint(0, 2))
        if rng.random() < 0.6:
            return []
        return rng.sample(codes, rng.randint(1, min(2, len(codes))))
    if t == "text":
        if q.id == "display_name":
            return f"Respondent {index:04d}"
        if q.id == "medication_other":
            return rng.choice(("Reboxetine", "Tianeptine", "Moclobemide"))
        return rng.choice(_NOTES)
    raise AssertionError(f"unexpected type {t}")  # pragma: no cover


def _trial(q: Question, rng: random.Random, index: int) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for sub in q.items:
        if sub.id == "medication_other" and entry.get("medication") != "other":
            continue
        if sub.id == "medication" and rng.random() < 0.1:
            entry[sub.id] = "other"
            continue
        entry[sub.id] = _value(sub, rng, index)
    return entry


def synthetic_answers(
    rng: random.Random, index: int = 1, trials: int | None = None, qn: Questionnaire | None = None
) -> dict[str, Any]:
    """Complete, valid answers; ``trials`` fixes the number of antidepressant trials."""
    qn = qn or load_questionnaire()
    answers: dict[str, Any] = {}
    for q in qn.questions:
        if not is_enabled(q, answers, qn):
            continue
        if not q.required and q.id not in ("display_name", "bp_systolic") and rng.random() < 0.5:
            continue
        if q.type == "repeat":
            count = trials if trials is not None else rng.choice((0, 1, 2, 2, 3, 3, 4, 5))
            answers[q.id] = [_trial(q, rng, index) for _ in range(count)]
            continue
        answers[q.id] = _value(q, rng, index)
    return answers


def record_bytes(answers: dict[str, Any]) -> bytes:
    """The record file of some answers, as the app writes it (result included)."""
    return dump_record(build_record(answers, created_at=CREATED_AT, app_version=APP_VERSION))


@cache
def synthetic_records(
    count: int, trials: int | None = None, seed: int = 20261127
) -> tuple[bytes, ...]:
    """``count`` record files (bytes), the same for the same arguments."""
    rng = random.Random(seed * 100 + (trials if trials is not None else 99))
    qn = load_questionnaire()
    return tuple(record_bytes(synthetic_answers(rng, i, trials, qn)) for i in range(1, count + 1))


@cache
def vignette_records() -> tuple[bytes, ...]:
    """The clinical vignettes (tests/data/vignettes.json) as record files."""
    vignettes = json.loads(VIGNETTES.read_text(encoding="utf-8"))
    return tuple(record_bytes(v["answers"]) for v in vignettes)


@cache
def answers_only_records() -> tuple[bytes, ...]:
    """The clinical vignettes as the smallest files a reader accepts: ``{"answers": …}``."""
    vignettes = json.loads(VIGNETTES.read_text(encoding="utf-8"))
    return tuple(json.dumps({"answers": v["answers"]}).encode() for v in vignettes)


def write_files(folder: Path, records: tuple[bytes, ...]) -> list[Path]:
    """Write each record to its own file in ``folder``; returns the paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, data in enumerate(records, start=1):
        path = folder / f"record-{i:05d}.json"
        path.write_bytes(data)
        paths.append(path)
    return paths
