"""docs/RULES.md is generated from the catalogue and must not be stale."""

from __future__ import annotations

from pathlib import Path

from screening.rules import CATALOGUE
from screening.rules_doc import rules_markdown

RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "RULES.md"


def test_rules_md_is_current() -> None:
    """docs/RULES.md equals the generated text (run `python -m screening rules > docs/RULES.md`)."""
    assert RULES_MD.read_text(encoding="utf-8") == rules_markdown()


def test_every_rule_is_documented_with_its_source() -> None:
    """Each rule appears with its id and source."""
    text = rules_markdown()
    for rule in CATALOGUE:
        assert f"`{rule.id}`" in text and rule.source.replace("|", "\\|") in text


def test_every_rule_has_text_and_source() -> None:
    """No rule lacks a title, patient text, clinician text or source."""
    assert all(r.title and r.patient and r.clinician and r.source for r in CATALOGUE)


def test_rule_ids_are_unique() -> None:
    """Rule ids are unique."""
    ids = [r.id for r in CATALOGUE]
    assert len(ids) == len(set(ids))


def test_rules_read_only_known_ids() -> None:
    """Every id a rule reads is a question or a score."""
    from screening.questionnaire import load_questionnaire
    from screening.scoring import SCORE_KEYS

    known = set(load_questionnaire().by_id) | set(SCORE_KEYS)
    assert {k for r in CATALOGUE for k in r.reads} - known == set()
