"""The record file, format 1 (content spec §7): write, read, recompute, report mismatches.

Readers accept a file with only ``answers``; they recompute ``result`` from the answers
and never trust a stored one. A stored result that differs is reported as mismatches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal, NamedTuple

import orjson

from screening.answers import AnswerValue, prune_and_find_missing, validate_and_prune
from screening.errors import AnswersInvalid, RecordError
from screening.questionnaire import Questionnaire, load_questionnaire
from screening.rules import Result, evaluate_pruned
from screening.scoring import SCORE_KEYS

FORMAT = "ketamine-screening-record"
FORMAT_VERSION = 1
MAX_RECORD_BYTES = 1_000_000
MAX_DEPTH = 32
TOP_LEVEL_KEYS = frozenset(
    (
        "format",
        "format_version",
        "questionnaire_id",
        "questionnaire_version",
        "status",
        "created_at",
        "app_version",
        "progress",
        "answers",
        "result",
    )
)
Status = Literal["completed", "in_progress"]
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")


class LoadedRecord(NamedTuple):
    """A record read back: validated answers, the recomputed result, any mismatch."""

    name: str
    answers: dict[str, AnswerValue]
    result: Result
    status: Status
    created_at: str | None = None
    app_version: str | None = None
    questionnaire_version: str | None = None
    progress_step: str | None = None
    stored_result: dict[str, Any] | None = None
    mismatches: tuple[str, ...] = ()

    @property
    def display_name(self) -> str | None:
        """The name or initials the respondent chose, if any."""
        value = self.answers.get("display_name")
        return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- writing


def build_record(
    answers: Mapping[str, Any],
    *,
    created_at: datetime,
    app_version: str,
    questionnaire: Questionnaire | None = None,
    status: Status | None = None,
    progress_step: str | None = None,
    result: Result | None = None,
) -> dict[str, Any]:
    """The record object for validated answers (hidden answers pruned, result included).

    ``status`` defaults to completed when nothing required is missing.
    """
    qn = questionnaire or _default_questionnaire()
    kept, missing = prune_and_find_missing(answers, qn)
    res = result if result is not None else evaluate_pruned(kept, missing)
    record: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "questionnaire_id": qn.id,
        "questionnaire_version": qn.version,
        "status": status or ("in_progress" if res.missing else "completed"),
        "created_at": _iso_utc(created_at),
        "app_version": app_version,
    }
    if progress_step is not None:
        record["progress"] = {"step": progress_step}
    record["answers"] = kept
    record["result"] = res.to_dict()
    return record


def dump_record(record: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON bytes of a record (stable key order, readable)."""
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second."""
    if moment.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- reading


def _no_constants(token: str) -> Any:
    raise ValueError(f"{token} is not allowed in a record")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys each appear once: readers disagree on which duplicate wins."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {_short(key)} appears twice in one object; keep one")
            seen.add(key)
    return obj


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _has_lone_surrogate(obj: object) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_json(data: bytes | str, name: str, *, max_bytes: int = MAX_RECORD_BYTES) -> Any:
    """Parse JSON strictly: size limit, UTF-8, no NaN/Infinity, limited nesting, no key twice
    in one object, no lone surrogates.

    A fast parser tries first (``_parse_fast``); whatever it does not accept with certainty
    goes through the standard library's parser, which gives the messages.
    """
    size = len(data)
    if size > max_bytes:
        raise RecordError(
            "record.too_large",
            f"{name}: the file is {size:,} bytes; the limit is {max_bytes:,} bytes",
        )
    if isinstance(data, bytes):
        if not data or data.isspace():  # nothing but whitespace (as strip() sees it)
            raise RecordError("record.empty", f"{name}: the file is empty")
        obj = _parse_fast(data[3:] if data.startswith(_BOM) else data)
        if obj is not _UNSURE:
            return obj
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RecordError(
                "record.not_utf8",
                f"{name}: not UTF-8 text (byte {exc.start:,}); is it a record file?",
            ) from None
    else:
        text = data
        if not text or text.isspace():
            raise RecordError("record.empty", f"{name}: the file is empty")
        try:
            obj = _parse_fast(text.encode("utf-8"))  # a leading BOM stays, and is refused
        except UnicodeEncodeError:  # a lone surrogate: the standard path says so
            obj = _UNSURE
        if obj is not _UNSURE:
            return obj
    return _parse_standard(data, text, name)


def _parse_standard(data: bytes | str, text: str, name: str) -> Any:
    """``json.loads`` with every check of ``parse_json`` and its messages."""
    if _nesting_may_exceed(data, text, MAX_DEPTH) and _nesting_exceeds(text, MAX_DEPTH):
        raise RecordError(
            "record.too_deep", f"{name}: the JSON is nested more than {MAX_DEPTH} levels deep"
        )
    try:
        obj = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        if _nesting_exceeds(text, MAX_DEPTH):  # the quick check trusts well-formed JSON only
            raise RecordError(
                "record.too_deep", f"{name}: the JSON is nested more than {MAX_DEPTH} levels deep"
            ) from None
        raise RecordError(
            "record.not_json",
            f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
        ) from None
    except ValueError as exc:
        if _nesting_exceeds(text, MAX_DEPTH):
            raise RecordError(
                "record.too_deep", f"{name}: the JSON is nested more than {MAX_DEPTH} levels deep"
            ) from None
        reason = str(exc)
        if "integer string conversion" in reason:  # Python's 4,300-digit limit
            reason = "a number in the file is too long (thousands of digits)"
        raise RecordError("record.not_json", f"{name}: {reason}") from None
    except RecursionError:
        raise RecordError(
            "record.too_deep", f"{name}: the JSON is nested more than {MAX_DEPTH} levels deep"
        ) from None
    if (not isinstance(data, bytes) or _SURROGATE_ESCAPE.search(text)) and _has_lone_surrogate(obj):
        raise RecordError(
            "record.not_utf8",
            f"{name}: holds text that is not valid Unicode (a lone surrogate such as \\ud800)",
        )
    return obj


_BOM = b"\xef\xbb\xbf"
_UNSURE = object()  # _parse_fast's answer when the standard path must decide


def _parse_fast(raw: bytes) -> Any:
    """The parsed JSON when ``orjson`` parses ``raw`` and the result is certainly what the
    standard path returns (no error, same value); else _UNSURE.

    orjson accepts only valid UTF-8 and RFC 8259 JSON without NaN or Infinity, refuses
    lone surrogates, nests at most 1,024 deep and keeps the last of duplicate keys; it
    reads integers beyond 64 bits as floats. So the result is certain when it nests at
    most MAX_DEPTH deep, no object lost a key to a duplicate, and no integer became a
    float: ``_as_rendered`` or ``_checked`` tells.
    """
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _UNSURE
    if type(obj) is dict or type(obj) is list:
        if _as_rendered(obj, raw) or _checked(obj, raw):
            return obj
        return _UNSURE
    return _UNSURE if type(obj) is float else obj


# Records as the app writes them (``dump_record``) are orjson's indented rendering.
_RENDERING = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
_TOO_DEEP_LINE = b"\n" + b" " * (2 * MAX_DEPTH)


def _as_rendered(obj: Any, raw: bytes) -> bool:
    """Whether ``raw`` is byte for byte orjson's indented rendering of ``obj``, nested at
    most MAX_DEPTH deep (the bytes of every record the app writes).

    A rendering writes each key of an object once, so no key was written twice; it writes
    an integer as digits and a float in a form that reads back as the same float (orjson
    floats round-trip), so no integer was read as a float and every float reads the same
    with ``json.loads``. Strings never hold a raw line break, so a line indented by
    2 * MAX_DEPTH spaces is the only way the rendering can hold a list or object inside
    MAX_DEPTH others.
    """
    if raw[1:2] != b"\n":  # a rendering puts what its outer list or object holds on new lines
        return False
    try:
        rendered = orjson.dumps(obj, option=_RENDERING)
    except orjson.JSONEncodeError:  # nested past orjson's own limit for writing
        return False
    return rendered == raw and _TOO_DEEP_LINE not in raw


def _checked(obj: dict[str, Any] | list[Any], raw: bytes) -> bool:
    """Whether the JSON text ``raw`` that parsed to ``obj`` nests at most MAX_DEPTH deep,
    holds no float (some may have been integers) and writes no key twice in one object.

    Every colon outside strings in valid JSON separates one key from its value, so the
    colons outside strings number the keys written; the parsed objects hold as many keys
    only when none was written twice.
    """
    held = _keys_held(obj, 1)
    return held >= 0 and held == _keys_written(raw)


_SCALARS = frozenset((str, int, bool, type(None)))


def _keys_held(value: Any, depth: int) -> int:
    """Keys in the objects of ``value`` (itself at ``depth`` <= MAX_DEPTH), or -1 when it
    nests deeper than MAX_DEPTH or holds a float."""
    if type(value) is dict:
        count = len(value)
        items = value.values()
    else:
        count = 0
        items = value
    for item in items:
        if type(item) in _SCALARS:
            continue
        if type(item) is float or depth == MAX_DEPTH:  # a float, or a container too deep
            return -1
        if item:  # an empty list or object holds no keys
            held = _keys_held(item, depth + 1)
            if held < 0:
                return -1
            count += held
    return count


# Keeps quotes and colons only.
_NOT_QUOTE_OR_COLON = bytes(b for b in range(256) if b not in b'":')


def _keys_written(raw: bytes) -> int:
    """Colons outside strings in valid JSON text (UTF-8: the bytes of ``"``, ``:`` and
    ``\\`` never occur inside a multi-byte character).

    Dropping escaped backslashes, then escaped quotes, leaves a quote only where a string
    starts or ends. Keeping just quotes and colons, each string becomes a quote, the
    colons it holds, a quote; dropping adjacent quote pairs (an empty string, or the end
    of one string and the start of the next) leaves every colon inside or outside the
    strings it was in or out of; the strings left are removed whole.
    """
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    shape = raw.translate(None, _NOT_QUOTE_OR_COLON).replace(b'""', b"")
    if b'"' in shape:
        shape = _QUOTED.sub(b"", shape)
    return shape.count(b":")


# Keeps brackets (as parentheses) and quotes only: the shape of the JSON without its content.
_NOT_SHAPE = bytes(b for b in range(256) if b not in b'[]{}"')
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")
_QUOTED = re.compile(rb'"[^"]*"')


def _nesting_may_exceed(data: bytes | str, text: str, limit: int) -> bool:
    """Cheap test, exact for well-formed JSON: False when brackets outside strings nest at
    most ``limit`` deep. True means "check with ``_nesting_exceeds``"; callers run that
    check on malformed JSON too, so the answer never differs from it.

    Works on bytes at C speed: drop escaped backslashes and quotes, keep only brackets
    (as parentheses) and quotes, drop the strings, then peel innermost pairs, one level
    per round.
    """
    raw = data if isinstance(data, bytes) else text.encode("utf-8", "replace")
    if raw.count(b"[") + raw.count(b"{") <= limit:  # no deeper than the brackets opened
        return False
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    shape = raw.translate(_AS_PARENS, _NOT_SHAPE)
    quotes = shape.count(b'"')
    if quotes:
        # Quotes come in runs of even length exactly when no string holds a bracket.
        if shape.count(b'""') * 2 == quotes:
            shape = shape.replace(b'"', b"")
        else:
            shape = _QUOTED.sub(b"", shape)
    for _ in range(limit):
        if not shape:
            return False
        shape = shape.replace(b"()", b"")
    return bool(shape)


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _nesting_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (cheap pre-check)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _BRACKETS.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        elif bracket in "]}":
            depth -= 1
    return False


def read_record(
    data: bytes | str, name: str = "record", questionnaire: Questionnaire | None = None
) -> LoadedRecord:
    """Read a record file's bytes; raises RecordError with a message naming ``name``."""
    return record_from_object(parse_json(data, name), name, questionnaire)


def record_from_object(
    obj: object, name: str = "record", questionnaire: Questionnaire | None = None
) -> LoadedRecord:
    """Check a parsed record object and recompute its result."""
    qn = questionnaire or _default_questionnaire()
    if not isinstance(obj, dict):
        raise RecordError(
            "record.not_a_record",
            f"{name}: not a screening record (expected a JSON object, found {_json_type(obj)})",
        )
    if not obj.keys() <= TOP_LEVEL_KEYS:
        unknown = [k for k in obj if k not in TOP_LEVEL_KEYS]
        raise RecordError(
            "record.not_a_record",
            f"{name}: not a screening record (unexpected key {str(unknown[0])[:40]!r}; a "
            "record has format, answers and result)",
        )
    fmt = obj.get("format", FORMAT)
    if fmt != FORMAT:
        raise RecordError(
            "record.wrong_format",
            f"{name}: format is {_short(fmt)}; expected {FORMAT!r}",
        )
    version = obj.get("format_version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:
        raise RecordError(
            "record.unsupported_version",
            f"{name}: format_version {_short(version)} is not supported; this version of the "
            f"app reads format_version {FORMAT_VERSION}",
        )
    qid = obj.get("questionnaire_id", qn.id)
    if qid != qn.id:
        raise RecordError(
            "record.wrong_questionnaire",
            f"{name}: questionnaire_id is {_short(qid)}; expected {qn.id!r}",
        )
    if "answers" not in obj:
        raise RecordError("record.no_answers", f"{name}: has no 'answers' object")
    try:
        kept, missing = validate_and_prune(obj["answers"], qn)
    except AnswersInvalid as exc:
        shown = "; ".join(str(p) for p in exc.problems[:3])
        more = f" (and {len(exc.problems) - 3} more)" if len(exc.problems) > 3 else ""
        raise RecordError(
            "record.invalid_answers", f"{name}: invalid answers: {shown}{more}"
        ) from None
    result = evaluate_pruned(kept, missing)
    status = obj.get("status")
    if status not in ("completed", "in_progress", None):
        raise RecordError(
            "record.invalid_field",
            f"{name}: status is {_short(status)}; expected 'completed' or 'in_progress'",
        )
    derived: Status = "in_progress" if result.missing else "completed"
    stored = obj.get("result")
    mismatches = compare_results(stored, result) if "result" in obj else []
    if status == "completed" and derived == "in_progress":
        mismatches.append("status: stored completed, but required answers are missing")
    return _new_tuple(  # LoadedRecord(name, answers, result, status, ...), built directly
        LoadedRecord,
        (
            name,
            result.answers,
            result,
            status or derived,
            _optional_text(obj, "created_at", name, _ISO),
            _optional_text(obj, "app_version", name),
            _optional_text(obj, "questionnaire_version", name),
            _progress_step(obj.get("progress"), name),
            stored if isinstance(stored, dict) else None,
            tuple(mismatches),
        ),
    )


_new_tuple = tuple.__new__


def compare_results(stored: object, result: Result) -> list[str]:
    """Differences between a stored result and the recomputed one, in words."""
    if not isinstance(stored, dict):
        return [f"result: stored {_json_type(stored)}, expected an object"]
    out: list[str] = []
    for key, fresh in (("outcome", result.outcome), ("crisis", result.crisis)):  # as in to_dict()
        value = stored.get(key)
        if value != fresh:
            out.append(f"{key}: stored {_short(value)}, recomputed {_short(fresh)}")
    scores = stored.get("scores")
    fresh_scores = result.scores
    if isinstance(scores, dict) and scores != fresh_scores:  # equal: nothing to report
        for key in SCORE_KEYS:
            if key in scores and scores[key] != fresh_scores[key]:
                out.append(
                    f"scores.{key}: stored {_short(scores[key])}, recomputed "
                    f"{_short(fresh_scores[key])}"
                )
    findings = stored.get("findings")
    # An id that is not text is compared as text (it matches no finding; a list cannot
    # be in a set).
    stored_ids = (
        {
            x if type(x) is str else str(x)
            for x in [f.get("id") for f in findings if isinstance(f, dict)]
        }
        if isinstance(findings, list)
        else set()
    )
    fresh_ids = {f[0] for f in result.findings}
    if stored_ids != fresh_ids:
        lacking = sorted(fresh_ids - stored_ids)
        extra = sorted(stored_ids - fresh_ids)
        parts = []
        if lacking:
            parts.append("not stored: " + ", ".join(lacking))
        if extra:
            parts.append("stored but not recomputed: " + ", ".join(e[:30] for e in extra[:5]))
        out.append("findings: " + "; ".join(parts))
    return out


def _optional_text(
    obj: Mapping[str, Any], key: str, name: str, pattern: re.Pattern[str] | None = None
) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 60 or (pattern and not pattern.match(value)):
        raise RecordError(
            "record.invalid_field", f"{name}: {key} is {_short(value)}, which is not valid"
        )
    return value


def _progress_step(value: object, name: str) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or set(value) - {"step"}
        or not isinstance(value.get("step"), str)
        or len(value["step"]) > 40
    ):
        raise RecordError(
            "record.invalid_field", f'{name}: progress must be an object like {{"step": "about"}}'
        )
    step: str = value["step"]
    return step


_default_questionnaire = cache(load_questionnaire)  # the bundled file, without re-resolving


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if _is_json(value) else repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _is_json(value: object) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
