"""Small checks of settings text shared by the clinic settings and the inbox settings:
one line of text, an e-mail address. Each raises ValueError with a sentence that says what
is wrong and how to fix it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}")


def one_line(max_len: int, *, optional: bool) -> Callable[[Any], str | None]:
    """A check for one line of text: quoted, stripped, no control characters, length-limited."""

    def check(value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise ValueError(f"must be text in quotes; found {value!r}")
        text: str = value.strip()
        if not text:
            if optional:
                return None
            raise ValueError('must not be empty; remove the line to use the default "Your clinic"')
        if _CONTROL.search(text):
            raise ValueError("must be a single line with no tabs or control characters")
        if len(text) > max_len:
            raise ValueError(f"is {len(text)} characters long; shorten it to {max_len} or fewer")
        return text

    return check


def email_address(value: str | None) -> str | None:
    if value is None:
        return None
    if not _EMAIL.fullmatch(value):
        raise ValueError(
            f"{value!r} does not look like an email address; use the form name@example.org"
        )
    return value
