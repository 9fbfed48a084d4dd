"""The About page: ui/content/about.md with ``{{RULES_TABLE}}`` replaced by the rules,
generated from the finding catalogue (so the page can never disagree with the rules).
"""

from __future__ import annotations

import functools
import re
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


_RULE_ID = re.compile(r"F-[A-Z0-9]+(?:-[A-Z0-9]+)*")


def _when_outcome(when: str) -> str:
    """An outcome's condition with rule ids and kinds in words."""
    from screening.rules import KIND_TITLES, RULE_BY_ID

    if when == "otherwise":
        return "in every other case"

    def title(match: re.Match[str]) -> str:
        rule = RULE_BY_ID.get(match.group(0))
        return f"“{rule.title}”" if rule else match.group(0)

    text = _RULE_ID.sub(title, when)
    for kind, words in KIND_TITLES.items():
        text = text.replace(f"`{kind}`", f"“{words}”")
    return text


def rules_table() -> str:
    """The outcomes and every finding rule, grouped by kind, as markdown lists.

    Lists rather than wide tables, so the page reads at 360 px without sideways scrolling.
    """
    from screening.rules import KIND_TITLES, KINDS, ORDERED_CATALOGUE, OUTCOMES

    lines = ["**Which summary you get** (the first that applies):", ""]
    lines += [
        f"{n}. **{o.title}**: {_when_outcome(o.when)}."
        for n, o in enumerate(OUTCOMES.values(), start=1)
    ]
    for kind in KINDS:
        rules = [r for r in ORDERED_CATALOGUE if r.kind == kind]
        if not rules:
            continue
        lines += ["", f"**{KIND_TITLES[kind]}**", ""]
        lines += [
            f"- **{r.title}.** Applies when {r.when.describe()}. *Source: {r.source}.*"
            for r in rules
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
