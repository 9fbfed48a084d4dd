"""The retired US lifeline number appears nowhere the product ships: code, pages, data, docs.

tests/test_crisis.py checks the crisis-resources file and everything rendered from it; this
test reads every other text file a deployment or a reader could see. Test files are left
out: they spell the number on purpose, to check that it is caught.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CRISIS_MODULE = REPO / "screening" / "crisis.py"  # holds the loader's detector
SHIPPED = ("screening", "ui", "questions", "docs", "deploy", "scripts", "bench", ".streamlit")
TOP_FILES = (
    "README.md",
    "streamlit_app.py",
    "settings.example.toml",
    "Dockerfile",
    "LICENSE",
    "pyproject.toml",
)
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".json", ".yaml", ".yml", ".template", ".html", ""}

# Any usual spelling: 1-800-273-8255, (800) 273-8255, 273 8255, 1-800-273-TALK.
_SEPARATORS = re.compile(r"[\s().+\-/]")
_RETIRED = re.compile(r"2738255|800273|273talk", re.IGNORECASE)


def shipped_files() -> list[Path]:
    """Text files of the product (not tests, caches or the virtual environment)."""
    files = [REPO / name for name in TOP_FILES if (REPO / name).is_file()]
    for folder in SHIPPED:
        for path in sorted((REPO / folder).rglob("*")):
            if (
                path.is_file()
                and "__pycache__" not in path.parts
                and path.suffix.lower() in TEXT_SUFFIXES
            ):
                files.append(path)
    return files


def retired_lines(text: str) -> list[int]:
    """Line numbers (1-based) that hold the retired number in any usual spelling."""
    return [
        n
        for n, line in enumerate(text.splitlines(), start=1)
        if _RETIRED.search(_SEPARATORS.sub("", line))
    ]


@pytest.mark.parametrize(
    "text", ["Call 1-800-273-8255", "(800) 273-8255", "273 8255 ", "1-800-273-TALK", "18002738255"]
)
def test_detector_catches_every_spelling(text: str) -> None:
    """The scan recognises the retired number however it is written."""
    assert retired_lines(f"ok\n{text}\n") == [2]


def test_detector_passes_current_numbers() -> None:
    """988, 741741 and the other current numbers are not mistaken for it."""
    assert retired_lines("Call or text 988\nText HOME to 741741\n116 123\n13 11 14\n911") == []


def test_scan_covers_the_product() -> None:
    """The scan reads the app, the core, the crisis data and the docs."""
    names = {p.relative_to(REPO).as_posix() for p in shipped_files()}
    for expected in (
        "streamlit_app.py",
        "screening/data/crisis_resources.toml",
        "ui/settings.py",
        "README.md",
    ):
        assert expected in names


def detector_lines(text: str) -> set[int]:
    """The lines of the core's own detector (``_RETIRED_NUMBER`` and the comment above it)."""
    lines = text.splitlines()
    at = next(n for n, line in enumerate(lines, start=1) if line.startswith("_RETIRED_NUMBER ="))
    return {at - 2, at - 1, at}


def test_retired_number_appears_in_no_shipped_file() -> None:
    """No shipped text file holds the retired US lifeline number (bar the loader's detector)."""
    found = {}
    for path in shipped_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = set(retired_lines(text))
        if path == CRISIS_MODULE:
            lines -= detector_lines(text)
        if lines:
            found[path.relative_to(REPO).as_posix()] = sorted(lines)
    assert found == {}


def test_detector_exemption_is_narrow() -> None:
    """Only the detector's own lines in screening/crisis.py are exempt, and they are there."""
    text = CRISIS_MODULE.read_text(encoding="utf-8")
    assert set(retired_lines(text)) <= detector_lines(text)
    assert retired_lines(text), "the loader's detector was removed: re-check this test"
