"""``parse_json``, the one strict JSON reader of record files: duplicate keys, nesting,
text, numbers and malformed input, each refused with a stable code and a located message."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from screening.errors import RecordError
from screening.record import MAX_DEPTH, build_record, dump_record, parse_json, read_record
from tests.conftest import vignette

WHEN = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


def outcome(data: bytes | str) -> tuple[Any, ...]:
    """What parse_json makes of the data: ("ok", value) or ("refused", code, message)."""
    try:
        return ("ok", parse_json(data, "f.json"))
    except RecordError as exc:
        return ("refused", exc.code, str(exc))


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads hook: refuse an object that writes a key twice."""
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("a key twice")
    return dict(pairs)


# --------------------------------------------------------------------------- duplicate keys


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1, "a": 2}',
        b'{"a" : 1, "a"\n\t:2}',  # whitespace before the colon
        b'{"a\\"b": 1, "a\\"b": 2}',  # escaped quotes in the key
        b'{"\\u0022": 1, "\\"": 2}',  # the same key, escaped two ways
        b'{"a\\u003a": 1, "a:": 2}',  # an escaped colon and a plain one
        b'{"a": ":", "a": 1}',  # a value that starts with a colon
        b'{"a": "\\":", "a": 1}',  # a value holding an escaped quote and a colon
        b'{"k\\\\": 1, "k\\\\": 2}',  # a key ending in an escaped backslash
        b'{"answers": {"ad_trials": [{"weeks": 2, "weeks": 12}]}}',  # nested
        b'{"answers": {}, "result": {"outcome": "a", "outcome": "b"}}',  # stored result
        b'[{"x": {"y": [1, {"z": 1, "z": 1}]}}]',  # deep inside a list
    ],
)
def test_duplicate_keys_are_refused_on_outcome(data: bytes) -> None:
    """A key written twice in one object is refused, however it is spelt or nested."""
    got = outcome(data)
    assert got[:2] == ("refused", "record.not_json")
    assert "appears twice" in got[2]


def test_duplicate_question_message_names_the_key() -> None:
    """The refusal of a question answered twice names it, as before."""
    got = outcome(b'{"answers": {"phq9_9": 3, "age_years": 40, "phq9_9": 0}}')
    assert got[2] == 'f.json: the key "phq9_9" appears twice in one object; keep one'


# --------------------------------------------------------------------------- depth


@pytest.mark.parametrize("opening, closing", [(b"[", b"]"), (b'{"a":', b"}")])
def test_depth_limit_is_exact(opening: bytes, closing: bytes) -> None:
    """MAX_DEPTH levels are read; one more is refused."""
    inner = b"[]" if opening == b"[" else b"{}"
    at_limit = opening * (MAX_DEPTH - 1) + inner + closing * (MAX_DEPTH - 1)
    over = opening + at_limit + closing
    assert outcome(at_limit)[0] == "ok"
    assert outcome(over) == (
        "refused",
        "record.too_deep",
        f"f.json: the JSON is nested more than {MAX_DEPTH} levels deep",
    )


def test_very_deep_json_is_too_deep() -> None:
    """Nesting far past the limit (2,000 levels) is refused as too deep, not a crash."""
    assert outcome(b"[" * 2000 + b"]" * 2000)[1] == "record.too_deep"


# --------------------------------------------------------------------------- text


def test_bom_is_accepted() -> None:
    """A UTF-8 byte order mark before the JSON is skipped."""
    data = b'\xef\xbb\xbf{"answers": {}}'
    assert outcome(data) == ("ok", {"answers": {}})


@pytest.mark.parametrize("data", [b'\xef\xbb\xbf\xef\xbb\xbf{"answers": {}}', '\ufeff{"a": 1}'])
def test_second_or_text_bom_is_refused(data: bytes | str) -> None:
    """A second BOM, or one left in text that was already decoded, is not JSON."""
    assert outcome(data)[:2] == ("refused", "record.not_json")


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": "\\ud800"}',  # escaped high surrogate alone
        b'{"a": "x\\udc00y"}',  # escaped low surrogate alone
        b'{"a": "\\udc00\\ud800"}',  # a pair in the wrong order
        b'{"\\ud800": 1}',  # in a key
        b'{"a": "\xed\xa0\x80"}',  # a raw surrogate encoded as if UTF-8
        '{"a": "\ud800"}',  # a lone surrogate in text
    ],
)
def test_lone_surrogates_are_refused(data: bytes | str) -> None:
    """Lone surrogates, escaped or raw, are refused as not UTF-8."""
    assert outcome(data)[:2] == ("refused", "record.not_utf8")


def test_surrogate_pair_is_one_character() -> None:
    """An escaped surrogate pair is the character it encodes."""
    assert outcome(b'{"a": "\\ud83d\\ude00"}') == ("ok", {"a": "\U0001f600"})


@pytest.mark.parametrize("data", [b'{"a": "Zo\xeb"}', b'{"a": 1}\xff', b"\xc0\xaf"])
def test_invalid_utf8_is_refused_with_its_position(data: bytes) -> None:
    """Bytes that are not UTF-8 are refused with the byte named, as before."""
    got = outcome(data)
    assert got[:2] == ("refused", "record.not_utf8")
    assert "byte" in got[2]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "number",
    [
        10**20,
        10**100,
        -(10**25),
        2**63,
        2**64,
        -(2**63) - 1,
        12345678901234567890123,
    ],
)
def test_long_integers_stay_exact(number: int) -> None:
    """Integers beyond 64 bits are exact integers, never rounded floats."""
    got = outcome(json.dumps({"a": number}).encode())
    assert got == ("ok", {"a": number})
    assert type(got[1]["a"]) is int


def test_huge_age_is_still_out_of_range() -> None:
    """An age of 10^100 is refused as out of range (an integer), not as a fraction."""
    answers = {**vignette("typical-trd"), "age_years": 10**100}
    with pytest.raises(RecordError) as info:
        read_record(json.dumps({"answers": answers}).encode(), "f.json")
    assert info.value.code == "record.invalid_answers"
    assert "out of range" in str(info.value)


@pytest.mark.parametrize(
    "data", [b"1.5", b'{"a": 0.1}', b'{"a": -0.0}', b'{"a": 1e400}', b'{"a": 1E2}']
)
def test_fractions_are_read_as_before(data: bytes) -> None:
    """Numbers with a fraction or exponent give the standard value (1e400 is infinity)."""
    assert outcome(data)[0] == "ok"


@pytest.mark.parametrize("token", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_refused(token: bytes) -> None:
    """NaN and Infinity are refused, naming the token."""
    got = outcome(b'{"answers": {"age_years": ' + token + b"}}")
    assert got[:2] == ("refused", "record.not_json")
    assert f"{token.decode().lstrip('-')} is not allowed" in got[2]


def test_number_with_thousands_of_digits_is_refused() -> None:
    """An integer past Python's digit limit is refused as too long, as before."""
    got = outcome(b'{"a": 1' + b"0" * 5000 + b"}")
    assert got[:2] == ("refused", "record.not_json")
    assert "too long" in got[2]


# --------------------------------------------------------------------------- other refusals


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "record.empty"),
        (b" \r\n\t", "record.empty"),
        ("  ", "record.empty"),
        (b'{"a": 1,}', "record.not_json"),
        (b'{"a" 1}', "record.not_json"),
        (b'{"a": 1 "b": 2}', "record.not_json"),
        (b'{"a": 1}}', "record.not_json"),
        (b"{'a': 1}", "record.not_json"),
        (b'/* note */ {"a": 1}', "record.not_json"),
        (b'{"a": "tab\there"}', "record.not_json"),
        (b'{"a": tru}', "record.not_json"),
        (b"[01]", "record.not_json"),
        (b'{"a": 1}\x00', "record.not_json"),
    ],
)
def test_malformed_json_is_refused(data: bytes | str, code: str) -> None:
    """Malformed input is refused with its code."""
    assert outcome(data)[:2] == ("refused", code)


def test_message_gives_line_and_column() -> None:
    """A syntax error is located by line and column, as before."""
    assert outcome(b'{\n  "a": 1,\n  "b": }') == (
        "refused",
        "record.not_json",
        "f.json: not valid JSON at line 3, column 8: Expecting value",
    )


# --------------------------------------------------------------------------- as the app writes


def rendered(value: Any) -> bytes:
    """The bytes of a value written as the app writes records (two-space indent)."""
    return json.dumps(value, ensure_ascii=False, indent=2).encode() + b"\n"


def test_key_twice_in_a_written_record_is_refused(base: dict[str, Any]) -> None:
    """A line repeated in a written record (a key twice) is refused, not read."""
    data = dump_record(build_record(base, created_at=WHEN, app_version="0.1.0"))
    line = b'    "phq9_9": 0,\n'
    assert line in data
    edited = data.replace(line, b'    "phq9_9": 3,\n' + line)
    got = outcome(edited)
    assert got[:2] == ("refused", "record.not_json")


@pytest.mark.parametrize("innermost", [{"a": 1}, [], {}])
@pytest.mark.parametrize("levels, code", [(MAX_DEPTH, "ok"), (MAX_DEPTH + 1, "refused")])
def test_depth_limit_in_written_layout(innermost: Any, levels: int, code: str) -> None:
    """Nesting in the written layout is read up to MAX_DEPTH levels and refused beyond."""
    value: Any = innermost
    for i in range(levels - 1):
        value = [value] if i % 2 else {"b": value}
    data = rendered(value)
    assert outcome(data)[0] == code


@pytest.mark.parametrize("number", [10**20, -(2**63) - 1, 2**64])
def test_long_integer_in_written_layout_stays_exact(number: int) -> None:
    """An integer beyond 64 bits in the written layout is read as that integer."""
    data = rendered({"answers": {"age_years": number}})
    assert outcome(data) == ("ok", {"answers": {"age_years": number}})


@SETTINGS
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_in_written_layout_read_the_same(number: float) -> None:
    """Any finite float in the written layout reads as the standard parser reads it."""
    outcome(rendered({"a": [number, {"b": number}]}))


# --------------------------------------------------------------------------- generated JSON

# A JSON tree whose objects are lists of (key, value) pairs, so a key can be written twice.
KEY_TEXT = st.text(alphabet=st.sampled_from('ab:"\\/é\x01\ud800\U0001f600 '), max_size=4)
LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**22), max_value=10**22),
    st.sampled_from([0.5, -2.25, 1e300, 1e-7]),
    KEY_TEXT,
)
TREE = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(st.tuples(KEY_TEXT, inner), max_size=4).map(lambda pairs: ("obj", pairs)),
    ),
    max_leaves=20,
)
SPACE = st.sampled_from(["", " ", "\n", "\t", " \r\n  "])


@st.composite
def json_text(draw: st.DrawFn) -> str:
    """JSON text for a tree: random spacing, strings escaped in varied ways, and some
    keys repeated."""

    def string(s: str) -> str:
        out = []
        for ch in s:
            how = draw(st.integers(0, 3))
            if ch in '"\\' or ord(ch) < 0x20:
                out.append(json.dumps(ch)[1:-1] if how else f"\\u{ord(ch):04x}")
            elif 0xD800 <= ord(ch) <= 0xDFFF or how == 0:
                out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else json.dumps(ch)[1:-1])
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'

    def write(node: Any) -> str:
        gap = draw(SPACE)
        if isinstance(node, tuple):
            pairs = list(node[1])
            if pairs and draw(st.booleans()):
                pairs.append((pairs[0][0], draw(LEAF)))  # the first key again
            members = [f"{string(k)}{draw(SPACE)}:{draw(SPACE)}{write(v)}" for k, v in pairs]
            return "{" + gap + ("," + draw(SPACE)).join(members) + draw(SPACE) + "}"
        if isinstance(node, list):
            return "[" + gap + ("," + draw(SPACE)).join(write(v) for v in node) + "]"
        if isinstance(node, str):
            return string(node)
        return json.dumps(node)

    return draw(SPACE) + write(draw(TREE)) + draw(SPACE)


@SETTINGS
@given(json_text())
@example('{"a": ":", "a": 1}')
@example('{"a"\n:1, "a":2}')
def test_generated_json_is_read_as_json_loads_reads_it_or_refused(text: str) -> None:
    """Generated JSON (repeated keys, odd escapes and spacing) gives json.loads' value, or
    a refusal with a stable code exactly when json.loads with unique keys refuses it or it
    breaks one of the loader's own limits."""
    data = text.encode("utf-8", "surrogatepass")
    got = outcome(data)
    try:
        value = json.loads(text, object_pairs_hook=unique_keys, parse_constant=float)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        assert got[0] == "refused" and got[1] in ("record.not_json", "record.not_utf8")
        return
    assert got == ("ok", value) or got[1] == "record.too_deep"


@SETTINGS
@given(json_text(), st.data())
def test_damaged_json_is_read_or_refused_plainly(text: str, data: st.DataObject) -> None:
    """Generated JSON with a character removed, doubled or replaced is read or refused
    with a stable code; nothing else escapes."""
    raw = bytearray(text.encode("utf-8", "surrogatepass"))
    at = data.draw(st.integers(0, len(raw) - 1))
    how = data.draw(st.sampled_from(["drop", "double", "replace"]))
    if how == "drop":
        del raw[at]
    elif how == "double":
        raw.insert(at, raw[at])
    else:
        raw[at] = data.draw(st.sampled_from(b'":,{}[]\\ u0e-.'))
    got = outcome(bytes(raw))
    assert got[0] == "ok" or got[1] in (
        "record.not_json",
        "record.not_utf8",
        "record.empty",
        "record.too_deep",
    )
