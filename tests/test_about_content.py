"""The About page text: wording rules from the content spec §1, §8 and §9."""

import re
from pathlib import Path

import pytest

ABOUT = Path(__file__).resolve().parent.parent / "ui" / "content" / "about.md"
TEXT = ABOUT.read_text(encoding="utf-8")
LINES = TEXT.splitlines()

PHQ9_ATTRIBUTION = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)
COMPARATOR = re.compile(r"\bvs\b|\bcompared\b", re.IGNORECASE)
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def blocks(text: str) -> list[str]:
    """Paragraphs and list items, each joined onto one line."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        items = re.split(r"\n(?=\s*(?:[-*]|\d+\.)\s)", para)
        out += [" ".join(line.strip() for line in item.splitlines()) for item in items]
    return [b for b in out if b]


@pytest.mark.parametrize(
    "pattern",
    [r"eligib", r"qualif", r"candidat", r"diagnos"],
    ids=["eligible/ineligible", "qualify", "candidate", "diagnosis"],
)
def test_no_banned_words(pattern: str) -> None:
    """No eligible, ineligible, qualif…, candidate, or diagnos… except 'not a diagnosis'."""
    allowed = re.sub(r"\bnot a diagnosis\b", "", TEXT, flags=re.IGNORECASE)
    hits = [m.group(0) for m in re.finditer(rf"\w*{pattern}\w*", allowed, re.IGNORECASE)]
    assert hits == []


def test_not_a_diagnosis_is_said() -> None:
    """The page says plainly that the summary is not a diagnosis."""
    assert "not a diagnosis" in TEXT


def test_high_percentages_have_a_comparator_on_the_line() -> None:
    """A percentage above 60% never stands alone: 'vs' or 'compared' is on the same line."""
    bare = [
        f"line {n}: {line}"
        for n, line in enumerate(LINES, start=1)
        if any(float(p) > 60 for p in PERCENT.findall(line)) and not COMPARATOR.search(line)
    ]
    assert bare == []


def test_every_percentage_sits_beside_its_comparator() -> None:
    """Every paragraph or bullet that gives a percentage also names what it was compared with."""
    bare = [b for b in blocks(TEXT) if PERCENT.search(b) and not COMPARATOR.search(b)]
    assert bare == []


def test_rules_table_marker_once() -> None:
    """The app's rules table goes where a line is exactly {{RULES_TABLE}}, once."""
    assert TEXT.count("{{RULES_TABLE}}") == 1
    assert LINES.count("{{RULES_TABLE}}") == 1


def test_phq9_attribution_verbatim() -> None:
    """The PHQ-9 attribution appears word for word."""
    assert PHQ9_ATTRIBUTION in TEXT


def test_retired_crisis_number_absent() -> None:
    """The retired US lifeline number appears nowhere, in any formatting."""
    bare = re.sub(r"[\s().+\-/]", "", TEXT)
    assert "2738255" not in bare
    assert "800273" not in bare
    assert not re.search(r"273TALK", bare, re.IGNORECASE)
    assert not re.search(r"\bTALK\b", TEXT)


@pytest.mark.parametrize("number", ["988", "741741", "116 123", "13 11 14", "911", "999", "112"])
def test_crisis_numbers_come_from_the_data_file(number: str) -> None:
    """The page does not repeat crisis numbers: the app shows them from one reviewed file."""
    assert not re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", TEXT)


@pytest.mark.parametrize("heading", ["Privacy", "Attributions", "References"])
def test_sections_present(heading: str) -> None:
    """The page has its privacy, attribution and reference sections."""
    assert f"## {heading}" in LINES


def test_citations_point_at_listed_references() -> None:
    """Every [n] cited in the text is in the reference list, and every reference is cited."""
    body, _, refs = TEXT.partition("## References")
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", refs, re.MULTILINE)}
    cited: set[int] = set()
    for group in re.findall(r"\[([^\]]+)\]", body):
        cited |= {int(item) for item in re.split(r"[;,]\s*", group) if item.strip().isdigit()}
    assert listed == set(range(1, len(listed) + 1))
    assert cited == listed


def test_no_html() -> None:
    """The page is plain markdown: no HTML tags."""
    assert not re.search(r"<[A-Za-z/!]", TEXT)


def test_privacy_promises() -> None:
    """The privacy section states what is and is not kept, and the clear button."""
    privacy = TEXT.split("## Privacy")[1].split("\n## ")[0]
    for phrase in [
        "not stored on the server",
        "not written to logs",
        "not kept between sessions",
        "not put in the web address",
        "not sent to anyone else",
        "close the",
        "Usage statistics are turned off",
        "Finish and clear my answers",
    ]:
        assert phrase in " ".join(privacy.split()), phrase


# --------------------------------------------------------------------------- Spanish

ABOUT_ES = ABOUT.with_name("about.es.md")
TEXT_ES = ABOUT_ES.read_text(encoding="utf-8")


def test_spanish_page_has_no_banned_words() -> None:
    """No elegible, califica, candidato or diagnóstico except 'no es un diagnóstico'."""
    allowed = re.sub(r"no es un diagnóstico", "", TEXT_ES, flags=re.IGNORECASE)
    pattern = r"\w*(elegib|calific|candidat|diagn[oó]stic)\w*"
    assert [m.group(0) for m in re.finditer(pattern, allowed, re.IGNORECASE)] == []


def test_spanish_percentages_have_a_comparator() -> None:
    """Every Spanish paragraph that gives a percentage says what it was compared with."""
    bare = [b for b in blocks(TEXT_ES) if PERCENT.search(b) and "frente a" not in b]
    assert bare == []


def test_spanish_page_has_the_rules_marker_and_the_phq9_attribution() -> None:
    """The rules table goes into the Spanish page too, and the Spanish attribution is there."""
    assert TEXT_ES.splitlines().count("{{RULES_TABLE}}") == 1
    assert "No se requiere permiso para reproducir, traducir, presentar o distribuir." in (
        " ".join(TEXT_ES.split())
    )


def test_spanish_page_says_audit_c_stays_in_english() -> None:
    """The Spanish page explains why AUDIT-C is shown in English."""
    assert "AUDIT-C" in TEXT_ES and "en inglés" in TEXT_ES
