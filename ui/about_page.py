"""The About page: ui/content/about.md with ``{{RULES_TABLE}}`` replaced by the rules,
generated from the finding catalogue (so the page can never disagree with the rules).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import streamlit as st

from screening.i18n import t
from ui.lang import current, switcher, tr

ABOUT_FILE = Path(__file__).resolve().parent / "content" / "about.md"
ABOUT_FILES = {"es": ABOUT_FILE.with_name("about.es.md")}  # other languages: English
MARKER = "{{RULES_TABLE}}"


_RULE_ID = re.compile(r"F-[A-Z0-9]+(?:-[A-Z0-9]+)*")


def _when_outcome(when: str) -> str:
    """An outcome's condition with rule ids and kinds in words."""
    from screening.rules import KIND_TITLES, RULE_BY_ID

    if when == "otherwise":
        return t("about.otherwise")

    def title(match: re.Match[str]) -> str:
        rule = RULE_BY_ID.get(match.group(0))
        return f"“{rule.title}”" if rule else match.group(0)

    text = _RULE_ID.sub(title, when)
    for kind, words in KIND_TITLES.items():
        text = text.replace(f"`{kind}`", f"“{words}”")
    return text


def rules_table(language: str = "en") -> str:
    """The outcomes and every finding rule, grouped by kind, as markdown lists.

    Lists rather than wide tables, so the page reads at 360 px without sideways scrolling.
    In English each rule says when it applies (the reviewed logic); in another language,
    what the person reads when it applies.
    """
    from screening.rules import KINDS, ORDERED_CATALOGUE, OUTCOMES, patient_words

    words = patient_words(language)
    english = words.language == "en"
    lines = [t("about.which", language), ""]
    for n, o in enumerate(OUTCOMES.values(), start=1):
        title, text = words.outcomes[o.code]
        lines.append(f"{n}. **{title}**: {_when_outcome(o.when) + '.' if english else text}")
    for kind in KINDS:
        rules = [r for r in ORDERED_CATALOGUE if r.kind == kind]
        if not rules:
            continue
        lines += ["", f"**{words.kinds[kind]}**", ""]
        for r in rules:
            title, patient = words.finding(r.id)
            when = r.when.describe() if english else patient.rstrip(".")
            lines.append(t("about.applies", language, title=title, when=when, source=r.source))
    return "\n".join(lines)


@functools.lru_cache(maxsize=8)
def _page(path: Path, modified: float, language: str) -> str:
    text = path.read_text(encoding="utf-8")
    table = rules_table(language)
    if MARKER in text:
        return text.replace(MARKER, table)
    return f"{text}\n\n## {t('about.rules', language)}\n\n{table}\n"


def about_markdown(path: Path | None = None, language: str = "en") -> str:
    """The page text in ``language`` (static: cached per file version). Without the file: a
    short note."""
    path = path or ABOUT_FILES.get(language, ABOUT_FILE)
    try:
        return _page(path, path.stat().st_mtime, language)
    except OSError:
        rules = t("about.rules", language)
        return f"{t('about.not_yet', language)}\n\n## {rules}\n\n{rules_table(language)}\n"


def main() -> None:
    """Render the page; a failure shows a plain message, never a traceback."""
    with st.sidebar:
        switcher("sidebar")
    from ui.wizard.scripts import PAGE_SCRIPT

    st.html(PAGE_SCRIPT, unsafe_allow_javascript=True)  # keeps the page's lang in step
    st.html(f'<span hidden data-page-lang="{current()}"></span>')  # the page's lang (PAGE_SCRIPT)
    st.title(tr("about.title"), anchor=False)
    try:
        st.markdown(about_markdown(language=current()))
    except Exception:
        st.error(tr("about.not_yet"), icon=":material/error:")
