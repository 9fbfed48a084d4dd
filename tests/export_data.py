"""Shared data for the export tests: vignette records and a strategy for any valid answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from screening.questionnaire import Question, load_questionnaire
from screening.record import LoadedRecord, build_record, record_from_object
from tests.conftest import load_vignettes

QN = load_questionnaire()
WHEN = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
VIGNETTES = load_vignettes()
VIGNETTE_IDS = [v["id"] for v in VIGNETTES]

# Text that tries hard to be a spreadsheet formula, markup or a layout breaker.
NASTY = (
    '=HYPERLINK("http://evil.example","click")',
    "+1 555 0100",
    "-2+3",
    "@SUM(A1:A9)",
    "'=already quoted",
    "''+twice",
    "<script>alert(1)</script>",
    "[click here](http://evil.example)",
    "**bold** _it_ `code`",
    "Café ≥ 3 “quotes” ✓ — naïve",
    "line one\nline two\r\nline three",
    "{nb} pages",
)


def record(answers: dict[str, Any], name: str = "record.json") -> LoadedRecord:
    """A loaded record for answers, as read back from a record file."""
    obj = build_record(answers, created_at=WHEN, app_version="0.1.0")
    return record_from_object(obj, name)


def vignette_record(v: dict[str, Any]) -> LoadedRecord:
    """The loaded record of one vignette."""
    return record(v["answers"], f"{v['id']}.json")


def _text(q: Question) -> st.SearchStrategy[str]:
    assert q.max_length is not None
    free = st.text(max_size=min(q.max_length, 30))
    nasty = st.sampled_from(NASTY)
    prefixed = st.tuples(st.sampled_from(["=", "+", "-", "@", "'", "''=", "'-"]), free).map("".join)
    return (
        st.one_of(nasty, prefixed, free)
        .map(lambda s: s[: q.max_length].strip())
        .filter(lambda s: bool(s) and "\x00" not in s)
    )


def value_of(q: Question) -> st.SearchStrategy[Any]:
    """Any valid value for one (sub-)question."""
    if q.type == "integer":
        assert q.min is not None and q.max is not None
        return st.integers(q.min, q.max)
    if q.type == "text":
        return _text(q)
    if q.type == "multi":
        return st.lists(st.sampled_from(q.codes_in_order), unique=True)
    if q.type == "repeat":
        entry = st.fixed_dictionaries({}, optional={s.id: value_of(s) for s in q.items})
        return st.lists(entry, max_size=4)
    return st.sampled_from(q.codes_in_order)


ANSWERS = st.fixed_dictionaries({}, optional={q.id: value_of(q) for q in QN.questions})


def items(node: Any) -> Iterator[dict[str, Any]]:
    """Every item of a Questionnaire or response, depth first."""
    for item in node.get("item", []):
        yield item
        yield from items(item)


def by_link(node: Any) -> dict[str, dict[str, Any]]:
    """Items by linkId."""
    return {i["linkId"]: i for i in items(node)}
