"""A file (or one row of a CSV file) that a staff review refused, and why.

Every refused file becomes one ``FileProblem``: the file's name, a stable code from
``screening.errors.ErrorCode`` and a sentence that names the file. ``crisis`` is True when
the refused content still showed crisis answers (PHQ-9 item 9 above zero or a safety
answer yes / prefer not to say): staff must see that anyway, first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from screening.errors import REVIEW_CODE_OF, ErrorCode, ScreeningError

MAX_NAME_CHARS = 200

#: Every code a refused file can carry (stable: tests, the CLI and the page rely on them).
REVIEW_CODES: tuple[str, ...] = tuple(
    sorted({e.code for e in ErrorCode if e.code.startswith("review.")})
)
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A refused file or row: its name, a stable code, a sentence naming it, crisis seen."""

    name: str
    code: str
    message: str
    crisis: bool = False


def problem(name: str, error: ErrorCode, *, crisis: bool = False, **fields: Any) -> FileProblem:
    """The problem ``error`` for the file ``name`` (its sentence filled in)."""
    return FileProblem(name, error.code, error.message(name=name, **fields), crisis)


def refused_by_reader(
    name: str, exc: ScreeningError, *, crisis: bool, fallback: ErrorCode
) -> FileProblem:
    """A file the record, CSV or FHIR reader refused: the reader's own sentence, under the
    review code for the reader's code (``REVIEW_CODE_OF``), else ``fallback``."""
    error = REVIEW_CODE_OF.get(str(getattr(exc, "code", "")), fallback)
    return FileProblem(name, error.code, str(exc), crisis)


def clean_name(name: str) -> str:
    """A file name safe to show and print: no control characters, at most 200 characters."""
    text = CONTROL_CHARS.sub("?", str(name)).strip() or "(no name)"
    return text if len(text) <= MAX_NAME_CHARS else text[: MAX_NAME_CHARS - 1] + "…"
