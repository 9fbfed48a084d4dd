"""The About page (ui/about.py): about.md with the rules table generated from the catalogue."""

from __future__ import annotations

from pathlib import Path

from screening.i18n import t
from screening.rules import CATALOGUE, OUTCOMES
from tests.wizard_driver import new_app, run
from ui.about_page import MARKER, about_markdown, rules_table

NOT_YET = t("about.not_yet")


def about_page_text() -> str:
    """The markdown of the About page as the app shows it."""
    at = new_app()
    at.switch_page("ui/about.py")
    run(at)
    return "\n".join(m.value for m in at.markdown)


def test_marker_is_replaced() -> None:
    """The page never shows the {{RULES_TABLE}} marker."""
    assert MARKER not in about_page_text()


def test_every_rule_is_listed() -> None:
    """Every finding of the catalogue has a row on the page."""
    text = about_page_text()
    assert [r.id for r in CATALOGUE if f"- **{r.title}.** Applies when" not in text] == []


def test_every_outcome_is_listed() -> None:
    """Every outcome has a row on the page."""
    text = about_page_text()
    assert [code for code, o in OUTCOMES.items() if f"**{o.title}**: " not in text] == []


def test_outcomes_name_rules_in_words() -> None:
    """The outcome conditions name findings by their titles, not their ids."""
    assert "F-TRD-PATTERN" not in rules_table().split("**Your safety**")[0]


def test_about_text_is_shown() -> None:
    """The colleague-written text is on the page around the table."""
    assert "## What this tool is, and what it is not" in about_page_text()


def test_missing_file_still_shows_rules(tmp_path: Path) -> None:
    """Without about.md the page says so briefly and still lists the rules."""
    text = about_markdown(tmp_path / "about.md")
    assert text.startswith(NOT_YET)
    assert rules_table() in text


def test_file_without_marker_gets_the_table_at_the_end(tmp_path: Path) -> None:
    """A page text without the marker gets the rules appended under a heading."""
    page = tmp_path / "about.md"
    page.write_text("## Hello\n\nSome text.\n", encoding="utf-8")
    assert about_markdown(page).endswith(f"## The rules\n\n{rules_table()}\n")
