"""Generated junk (hypothesis) against the loaders: they load it or refuse it with a
``RecordError``, never anything else; and whatever they accept, every export can write.
"""

from __future__ import annotations

import contextlib
import copy
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.errors import RecordError
from screening.exports.csv import records_to_csv
from screening.exports.csv_read import read_csv
from screening.exports.fhir_response import questionnaire_response, response_to_answers
from screening.questionnaire import load_questionnaire
from screening.record import LoadedRecord, build_record, dump_record, read_record
from screening.review import load_files
from screening.safety import crisis_flag
from tests.hostile import base_answers

QN = load_questionnaire()
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
CREATED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

# Text with everything people and attackers type: controls, bidi and zero-width marks,
# lone surrogates, markup, very long words.
ODD = st.sampled_from(
    [
        "\x00",
        "\x07",
        "\x1b[31m",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\ud800",
        "\udfff",
        "<script>",
        "](javascript:x)",
        "{nb}",
        "=",
        "\r\n",
        "W" * 300,
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=20), ODD), max_size=6).map("".join)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JUNK = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(TEXT, st.just("answers")), inner, max_size=5),
    ),
    max_leaves=25,
)
IDS = [q.id for q in QN.questions]
LINKS = st.sampled_from([*IDS, "ad_trials.weeks", "ad_trials.medication", "ad_trials_none"])
FHIR_SCALAR = st.one_of(SCALAR, LINKS, st.sampled_from(["0", "3", "yes", "sertraline", "none"]))
FHIR_ANSWER = st.dictionaries(
    st.sampled_from(["valueCoding", "valueInteger", "valueString", "valueBoolean"]),
    st.one_of(
        FHIR_SCALAR,
        st.fixed_dictionaries({"code": FHIR_SCALAR}, optional={"system": FHIR_SCALAR}),
    ),
    max_size=2,
)
FHIR_ITEMS = st.deferred(
    lambda: st.lists(
        st.fixed_dictionaries(
            {"linkId": st.one_of(LINKS, FHIR_SCALAR)},
            optional={
                "answer": st.one_of(st.lists(FHIR_ANSWER, max_size=3), FHIR_SCALAR),
                "item": st.one_of(FHIR_ITEMS, FHIR_SCALAR),
            },
        ),
        max_size=4,
    )
)
FHIR_JUNK = st.one_of(FHIR_ITEMS, JUNK)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=True).encode("utf-8")


def _loads_or_refuses(data: bytes) -> LoadedRecord | None:
    try:
        return read_record(data, "junk.json")
    except RecordError:
        return None


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_load_or_are_refused(data: bytes) -> None:
    """Arbitrary bytes: a record or a RecordError, nothing else."""
    _loads_or_refuses(data)


@SETTINGS
@given(JUNK)
def test_any_json_document_loads_or_is_refused(value: Any) -> None:
    """Any JSON document: a record or a RecordError."""
    _loads_or_refuses(_json(value))


@SETTINGS
@given(st.dictionaries(st.sampled_from(IDS), JUNK, max_size=8))
def test_junk_answers_load_or_are_refused(answers: dict[str, Any]) -> None:
    """Real question ids with junk values: a record or a RecordError."""
    _loads_or_refuses(_json({"answers": answers}))


@SETTINGS
@given(st.dictionaries(st.sampled_from(IDS), JUNK, max_size=8))
def test_crisis_flag_on_junk_is_the_rule(answers: dict[str, Any]) -> None:
    """On junk answers the crisis flag is exactly the rule: item 9 an integer of 1 or more,
    or (item 9 not 0) a safety answer yes or prefer not to say."""
    item9 = answers.get("phq9_9")
    positive = type(item9) is int and item9 >= 1
    safety = item9 != 0 and any(
        answers.get(k) in ("yes", "prefer_not_to_say")
        for k in ("si_plan", "si_intent", "self_harm_recent")
        if isinstance(answers.get(k), str)
    )
    assert crisis_flag(answers) is (positive or safety)


class _Unreadable(dict):  # type: ignore[type-arg]
    """Answers whose reading fails."""

    def get(self, key: object, default: object = None) -> object:
        raise RuntimeError("cannot read")


def test_crisis_flag_shows_resources_when_answers_cannot_be_read() -> None:
    """Answers that raise when read give True: when in doubt, show crisis resources."""
    assert crisis_flag(_Unreadable()) is True


@SETTINGS
@given(st.lists(st.binary(max_size=500), max_size=6))
def test_review_accounts_for_every_junk_file(blobs: list[bytes]) -> None:
    """The staff review never raises, and every file is either loaded or a problem."""
    files = [(f"f{i}.json", b) for i, b in enumerate(blobs)]
    review = load_files(files)
    seen = {e.source.split(" row ", 1)[0] for e in review.entries}
    seen |= {p.name.split(" row ", 1)[0] for p in review.problems}
    assert seen == {name for name, _ in files}


@SETTINGS
@given(TEXT)
def test_any_text_as_csv_loads_or_is_refused(text: str) -> None:
    """Any text given to the CSV reader: rows and problems, or a RecordError."""
    data = text.encode("utf-8", "surrogatepass")
    with contextlib.suppress(RecordError):
        read_csv(data, "junk.csv", QN)


@SETTINGS
@given(FHIR_JUNK)
def test_any_fhir_items_load_or_are_refused(items: Any) -> None:
    """A QuestionnaireResponse with junk items: answers or a RecordError."""
    with contextlib.suppress(RecordError):
        response_to_answers({"resourceType": "QuestionnaireResponse", "item": items}, QN)


# --------------------------------------------------------------------------- accepted → exported

FREE_TEXT = ("display_name", "notes_for_clinician")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(FREE_TEXT), TEXT, st.integers(0, 3))
def test_accepted_text_is_exported_by_every_export(field: str, text: str, item9: int) -> None:
    """Any free text the loader accepts can be written as a record, CSV, FHIR and PDF."""
    from screening.exports.pdf import summary_pdf

    answers = copy.deepcopy(base_answers())
    answers[field] = text
    answers["phq9_9"] = item9
    loaded = _loads_or_refuses(_json({"answers": answers}))
    if loaded is None:
        return
    record = build_record(loaded.answers, created_at=CREATED, app_version="test")
    outputs = (
        dump_record(record),
        records_to_csv([record]),
        json.dumps(questionnaire_response(record), ensure_ascii=False).encode("utf-8"),
        summary_pdf(record, generated_at=CREATED),
    )
    assert all(isinstance(out, bytes) and out for out in outputs)
