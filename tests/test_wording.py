"""No outcome, finding or question text says eligible, qualifies, candidate or diagnosis."""

from __future__ import annotations

import re

import pytest

from screening.questionnaire import load_questionnaire
from screening.rules import CATALOGUE, DISCLAIMER, KIND_TITLES, OUTCOMES

BANNED = re.compile(r"eligib|ineligib|qualif|candida|diagnos", re.IGNORECASE)


def banned_words(text: str) -> list[str]:
    """Banned words in text, allowing only 'not a diagnosis'."""
    return BANNED.findall(re.sub(r"not a diagnosis", "", text, flags=re.IGNORECASE))


def texts() -> list[tuple[str, str]]:
    """Every piece of wording a person can read, with where it is."""
    out = [
        (f"{r.id}.{part}", getattr(r, part))
        for r in CATALOGUE
        for part in ("title", "patient", "clinician")
    ]
    out += [(f"outcome {o.code}", f"{o.title} {o.text}") for o in OUTCOMES.values()]
    out += [("disclaimer", DISCLAIMER)] + [(f"kind {k}", t) for k, t in KIND_TITLES.items()]
    qn = load_questionnaire()
    for path, q in qn.walk():
        out.append((path, " ".join(filter(None, [q.text, q.help, *(o.label for o in q.choices)]))))
    out += [(f"section {s.id}", f"{s.title} {s.intro or ''}") for s in qn.sections]
    return out


@pytest.mark.parametrize(("where", "text"), texts(), ids=[w for w, _ in texts()])
def test_no_banned_words(where: str, text: str) -> None:
    """The text never decides for the person."""
    assert banned_words(text) == []


def test_checker_catches_the_words() -> None:
    """The check itself finds each banned word and allows 'not a diagnosis'."""
    assert banned_words("You qualify; eligible candidate; diagnosis") == [
        "qualif",
        "eligib",
        "candida",
        "diagnos",
    ]
    assert banned_words("This is not a diagnosis.") == []


def test_disclaimer_says_not_a_diagnosis() -> None:
    """The disclaimer states plainly that this is not a diagnosis."""
    assert "not a diagnosis" in DISCLAIMER
