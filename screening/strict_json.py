"""The one strict reader of JSON files (records, FHIR responses): a size limit, UTF-8, no
NaN or Infinity, at most ``MAX_DEPTH`` levels of nesting, no key twice in one object
(readers disagree on which one wins), no lone surrogates. Every refusal is a
``RecordError`` with a stable code and a sentence naming the file.
"""

from __future__ import annotations

import json
import re
from typing import Any

from screening.errors import ErrorCode as E
from screening.errors import RecordError

MAX_RECORD_BYTES = 1_000_000
MAX_DEPTH = 32


def parse_json(data: bytes | str, name: str, *, max_bytes: int = MAX_RECORD_BYTES) -> Any:
    """Parse JSON strictly: size limit, UTF-8, no NaN/Infinity, at most MAX_DEPTH levels of
    nesting, no key twice in one object (readers disagree on which one wins), no lone
    surrogates. Raises RecordError naming ``name``."""
    if len(data) > max_bytes:
        raise RecordError(E.RECORD_TOO_LARGE, name=name, size=len(data), limit=max_bytes)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            hint = "is it a record file?"
            raise RecordError(E.RECORD_NOT_UTF8, name=name, at=exc.start, hint=hint) from None
    else:
        text = data
    if not text or text.isspace():
        raise RecordError(E.RECORD_EMPTY, name=name)
    try:
        obj = _DECODER.decode(text)
    except RecursionError:
        raise RecordError(E.RECORD_TOO_DEEP, name=name, limit=MAX_DEPTH) from None
    except json.JSONDecodeError as exc:
        if _nesting_exceeds(text, MAX_DEPTH):  # a deep file cut short: say what matters
            raise RecordError(E.RECORD_TOO_DEEP, name=name, limit=MAX_DEPTH) from None
        raise RecordError(
            E.RECORD_NOT_JSON, name=name, line=exc.lineno, column=exc.colno, reason=exc.msg
        ) from None
    except ValueError as exc:  # a NaN, a key twice, a number of thousands of digits
        reason = str(exc)
        if "integer string conversion" in reason:  # Python's 4,300-digit limit
            reason = "a number in the file is too long (thousands of digits)"
        raise RecordError(E.RECORD_BAD_JSON_VALUE, name=name, reason=reason) from None
    if _too_deep(obj, MAX_DEPTH):
        raise RecordError(E.RECORD_TOO_DEEP, name=name, limit=MAX_DEPTH)
    # A lone surrogate comes from an escape (\ud800) or from text that was never UTF-8.
    if (not isinstance(data, bytes) or "\\u" in text) and _has_lone_surrogate(obj):
        raise RecordError(E.RECORD_LONE_SURROGATE, name=name)
    return obj


def _no_constants(token: str) -> Any:
    raise ValueError(f"{token} is not allowed in a record")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {_quoted(key)} appears twice in one object; keep one")
            seen.add(key)
    return obj


# One decoder for every file (json.loads with options would build one per call).
_DECODER = json.JSONDecoder(parse_constant=_no_constants, object_pairs_hook=_unique_keys)


def _too_deep(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` levels (one level at a time)."""
    level = [value] if type(value) is dict or type(value) is list else []
    for _ in range(limit):
        inner = []
        for container in level:
            for item in container.values() if type(container) is dict else container:
                if type(item) is dict or type(item) is list:
                    inner.append(item)
        if not inner:
            return False
        level = inner
    return True


def _has_lone_surrogate(obj: object) -> bool:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _nesting_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (also in broken JSON)."""
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


def _quoted(key: str) -> str:
    text = json.dumps(key, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"
