"""The About page: ui/content/about.md with ``{{RULES_TABLE}}`` replaced by the rules,
generated from the finding catalogue (so the page can never disagree with the rules).
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

ABOUT_FILE = Path(__file__).resolve().parent / "content" / "about.md"
MARKER = "{{RULES_TABLE}}"
TITLE = "About this questionnaire"
NOT_YET = (
    "The full description of this tool is not available right now. In short: it is a "
    "questionnaire that gives information to discuss with a clinician. It is not a "
    "diagnosis, and it is not for emergencies."
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_table() -> str:
    """The outcomes and every finding rule, grouped by kind, as markdown tables."""
    from screening.rules import KIND_TITLES, KINDS, ORDERED_CATALOGUE, OUTCOMES

    lines = [
        "**Which summary you get** (the first that applies):",
        "",
        "| Summary | When |",
        "|---|---|",
    ]
    lines += [f"| {_cell(o.title)} | {_cell(o.when)} |" for o in OUTCOMES.values()]
    for kind in KINDS:
        rules = [r for r in ORDERED_CATALOGUE if r.kind == kind]
        if not rules:
            continue
        lines += [
            "",
            f"**{_cell(KIND_TITLES[kind])}**",
            "",
            "| Point | When it applies | Source |",
            "|---|---|---|",
        ]
        lines += [
            f"| {_cell(r.title)} | {_cell(r.when.describe())} | {_cell(r.source)} |" for r in rules
        ]
    return "\n".join(lines)


@functools.lru_cache(maxsize=4)
def _page(path: Path, modified: float) -> str:
    text = path.read_text(encoding="utf-8")
    table = rules_table()
    if MARKER in text:
        return text.replace(MARKER, table)
    return f"{text}\n\n## The rules\n\n{table}\n"


def about_markdown(path: Path = ABOUT_FILE) -> str:
    """The page text (static: cached per file version). Without the file: a short note."""
    try:
        return _page(path, path.stat().st_mtime)
    except OSError:
        return f"{NOT_YET}\n\n## The rules\n\n{rules_table()}\n"


def main() -> None:
    """Render the page; a failure shows a plain message, never a traceback."""
    st.title(TITLE, anchor=False)
    try:
        st.markdown(about_markdown())
    except Exception:
        st.error(NOT_YET, icon=":material/error:")
