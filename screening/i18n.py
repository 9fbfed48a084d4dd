"""The words people read, by language: English (the fallback) and Spanish.

Every sentence of the pages and the summary PDF that is not questionnaire or finding data
lives in ``screening/data/strings/<language>.toml``: nested tables whose dotted path is the
key (``[start] title = …`` is ``start.title``). ``t(key, language, **fields)`` returns the
words of a language, or the English ones when that language lacks the key, with ``{field}``
placeholders filled in. A test fails when a Spanish key is missing, extra, or has other
placeholders than the English one.

The language is a two-letter code. It is chosen by the person (kept in their session,
never in the URL) and stored in the record; staff views and staff formats stay English.

Pure core: no Streamlit, no clock, no environment.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from screening.errors import ScreeningError

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LANGUAGE_NAMES_EN",
    "Language",
    "catalogue",
    "language_of",
    "placeholders",
    "t",
]

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = ("en", "es")
DEFAULT_LANGUAGE: Language = "en"
#: Each language named in itself, for the language switch.
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "es": "Español"}
#: Each language named in English, for staff (PDF, staff page).
LANGUAGE_NAMES_EN: dict[Language, str] = {"en": "English", "es": "Spanish"}

STRINGS_DIR = Path(__file__).resolve().parent / "data" / "strings"


def language_of(value: object) -> Language:
    """A known language code from anything (a record field, a session value): English when
    it is missing or unknown."""
    if value == "es":
        return "es"
    return "en"


def _flatten(table: dict[str, object], prefix: str, out: dict[str, str], where: str) -> None:
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{path}.", out, where)
        elif isinstance(value, str):
            out[path] = value
        else:
            raise ScreeningError(f"{where} › {path}: expected text, found {type(value).__name__}")


@cache
def catalogue(language: Language) -> dict[str, str]:
    """Every string of one language by key (read once per process: static data)."""
    path = STRINGS_DIR / f"{language}.toml"
    where = f"screening/data/strings/{path.name}"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScreeningError(f"{where}: cannot be used: {exc}") from None
    out: dict[str, str] = {}
    _flatten(raw, "", out, where)
    return out


def placeholders(text: str) -> frozenset[str]:
    """The ``{field}`` names of a string."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def t(key: str, language: str = DEFAULT_LANGUAGE, /, **fields: object) -> str:
    """The words of ``key`` in ``language`` (English when that language lacks it), with
    ``fields`` filled in. An unknown key raises KeyError: keys are fixed in code."""
    words = catalogue(language_of(language)).get(key)
    if words is None:
        words = catalogue("en")[key]
    return words.format(**fields) if fields else words
