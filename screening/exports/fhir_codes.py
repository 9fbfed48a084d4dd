"""Codes and expressions the FHIR export shares: canonical URLs, LOINC item and answer codes,
extension URLs, how each answer is coded, and the FHIRPath of the two totals.

PHQ-9 answers are coded with LOINC's own answer codes (LA…), so any system that knows
PHQ-9 reads them; every other answer is coded in this questionnaire's code system. A
response coded the earlier way (PHQ-9 scores as our codes ``"0"``…``"3"``) still reads.
"""

from __future__ import annotations

import re
from typing import Any

from screening.questionnaire import Code, Question, Questionnaire, load_questionnaire

CANONICAL_BASE = "urn:ketamine-screening"
LOINC = "http://loinc.org"
NONE_CODE = "none"
TRIALS_NONE = "ad_trials_none"
NONE_SUFFIX = "_none"  # heart_conditions_none: "None of these" as its own yes/no item
AUDITC_GROUP = "auditc"
SCORE_ITEMS = ("phq9_total", "auditc_total")
CRISIS_ITEM = "crisis_resources"

EXT = "http://hl7.org/fhir/StructureDefinition/"
ITEM_CONTROL = "http://hl7.org/fhir/questionnaire-item-control"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"

# LOINC codes, checked against published PHQ-9 and AUDIT-C FHIR Questionnaires. Only the
# codes are given on items: a display that differs from LOINC's own wording would be
# flagged by terminology validators, and the item text is ours (verbatim instrument wording).
LOINC_CODES: dict[str, str] = {
    "phq9": "44249-1",  # PHQ-9 quick depression assessment panel
    "phq9_1": "44250-9",
    "phq9_2": "44255-8",
    "phq9_3": "44259-0",
    "phq9_4": "44254-1",
    "phq9_5": "44251-7",
    "phq9_6": "44258-2",
    "phq9_7": "44252-5",
    "phq9_8": "44253-3",
    "phq9_9": "44260-8",
    "phq9_difficulty": "69722-7",
    "phq9_total": "44261-6",  # PHQ-9 total score
    "auditc": "72109-2",  # AUDIT-C panel
    "auditc_1": "68518-0",
    "auditc_2": "68519-8",
    "auditc_3": "68520-6",
    "auditc_total": "75626-2",  # AUDIT-C total score
}
PHQ9_ITEMS = tuple(f"phq9_{n}" for n in range(1, 10))
AUDITC_ITEMS = ("auditc_1", "auditc_2", "auditc_3")

#: LOINC answer codes: PHQ-9 items (answer list LL358-3) by score, difficulty by our code.
PHQ9_ANSWERS: dict[Code, str] = {0: "LA6568-5", 1: "LA6569-3", 2: "LA6570-1", 3: "LA6571-9"}
DIFFICULTY_ANSWERS: dict[Code, str] = {
    "not_difficult": "LA6572-7",
    "somewhat": "LA6573-5",
    "very": "LA6575-0",
    "extremely": "LA6574-3",
}


# A FHIR string matches [ \r\n\t\S]+: no control character but tab and line ends, and no
# space other than the plain one (a no-break or ideographic space is "\s" but not " ").
_NOT_FHIR_SPACE = re.compile(r"[^\S \r\n\t]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"


def fhir_string(text: str) -> str:
    """``text`` as a valid FHIR string: control characters become U+FFFD and other kinds of
    space a plain space (FHIR cannot carry them; everything else is kept as typed)."""
    return _NOT_FHIR_SPACE.sub(" ", _CONTROL.sub(REPLACEMENT, text))


def questionnaire_url(questionnaire: Questionnaire | None = None) -> str:
    """The canonical URL of the Questionnaire (without version)."""
    qn = questionnaire or load_questionnaire()
    return f"{CANONICAL_BASE}:Questionnaire:{qn.id}"


def answer_system(questionnaire: Questionnaire | None = None) -> str:
    """The code system of our answer codes."""
    qn = questionnaire or load_questionnaire()
    return f"{CANONICAL_BASE}:CodeSystem:{qn.id}"


def coding(system: str, code: object, display: str) -> dict[str, str]:
    """A Coding."""
    return {"system": system, "code": str(code), "display": display}


def loinc_answers(q: Question) -> dict[Code, str] | None:
    """LOINC answer codes of a question by our code, or None when it has none."""
    if q.id in PHQ9_ITEMS:
        return PHQ9_ANSWERS
    if q.id == "phq9_difficulty":
        return DIFFICULTY_ANSWERS
    return None


def answer_coding(q: Question, value: Code, system: str) -> dict[str, str]:
    """The Coding of one answer code of a choice question, as the export writes it."""
    loinc = loinc_answers(q)
    if loinc is not None and value in loinc:
        return coding(LOINC, loinc[value], q.label_of(value))
    return coding(system, value, q.label_of(value))


def decoding(q: Question, system: str) -> dict[tuple[str, str], Code]:
    """(system, code) → our answer code, for every way an answer of ``q`` may be coded."""
    table = {(system, str(o.code)): o.code for o in q.choices}
    for value, code in (loinc_answers(q) or {}).items():
        table[(LOINC, code)] = value
    return table


def item_control(code: str, display: str) -> dict[str, Any]:
    """The questionnaire-itemControl extension (radio-button, check-box, drop-down, help)."""
    concept = {"coding": [{"system": ITEM_CONTROL, "code": code, "display": display}]}
    return {"url": EXT + "questionnaire-itemControl", "valueCodeableConcept": concept}


# --------------------------------------------------------------------------- FHIRPath


def _answers(links: tuple[str, ...]) -> str:
    where = " | ".join(f"'{link}'" for link in links)
    return f"%resource.repeat(item).where(linkId in ({where})).answer.value"


def phq9_total_expression() -> str:
    """FHIRPath for the PHQ-9 total: the scores of the 9 items (LOINC or our codes) added up,
    empty while an item is unanswered."""
    answers = _answers(PHQ9_ITEMS)
    score = "0"
    for value, code in PHQ9_ANSWERS.items():  # 0, 1, 2, 3: the highest test ends outermost
        if value:
            score = f"iif(code = '{code}' or code = '{value}', {value}, {score})"
    return f"iif({answers}.count() = 9, {answers}.select({score}).sum(), {{}})"


def auditc_total_expression() -> str:
    """FHIRPath for the AUDIT-C total: 0 when item 1 is 0, else the sum of the three items;
    empty while a needed item is unanswered."""

    def item(link: str) -> str:
        return f"%resource.repeat(item).where(linkId = '{link}').answer.value.code.toInteger()"

    first, second, third = (item(link) for link in AUDITC_ITEMS)
    total = f"{first} + {second} + {third}"
    return (
        f"iif({first}.empty(), {{}}, iif({first} = 0, 0, "
        f"iif({second}.exists() and {third}.exists(), {total}, {{}})))"
    )


def calculated(expression: str, description: str) -> dict[str, Any]:
    """The SDC calculatedExpression extension with a FHIRPath expression."""
    return {
        "url": CALCULATED,
        "valueExpression": {
            "description": description,
            "language": "text/fhirpath",
            "expression": expression,
        },
    }
