"""FHIR R4: the questionnaire as a ``Questionnaire``, a record as a ``QuestionnaireResponse``,
and the way back from a response to answers.

Plain dicts (JSON-ready), built without importing ``fhir.resources`` (the tests validate
them with its R4B models, which are wire-compatible with R4 for these two resources).

Shape of the Questionnaire:

* one ``group`` item per section (linkId = section id), in order, with the section intro
  and attribution as ``display`` items; the safety section carries its ``enableWhen``;
* every question keeps its id as linkId; choices are ``choice`` items with
  ``answerOption.valueCoding`` in the system ``ANSWER_SYSTEM`` (PHQ-9 and AUDIT-C scores
  as codes ``"0"``…``"4"`` with an ``ordinalValue``); a multi question ``repeats`` and has an
  exclusive ``none`` option ("None of these", the answer ``[]``); help texts are
  ``display`` children with the ``help`` item control;
* LOINC codes on the PHQ-9 group and items (panel 44249-1) and on an AUDIT-C sub-group
  (panel 72109-2), with read-only total-score items (44261-6, 75626-2);
* the antidepressant trials: a boolean ``ad_trials_none`` ("no antidepressant in this
  episode", the answer ``[]``) and a repeating group ``ad_trials`` whose items are
  ``ad_trials.medication`` … ``ad_trials.status``;
* ``enableWhen`` from ``enabled_when``; a ``>``/``>=`` on coded scores becomes ``=`` on each
  code that satisfies it (``enableBehavior: any``), since FHIR compares codes only for
  equality.

A response holds only the answered items, grouped the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from screening.questionnaire import (
    Condition,
    Question,
    Questionnaire,
    Section,
    load_questionnaire,
)

CANONICAL_BASE = "urn:ketamine-screening"
LOINC = "http://loinc.org"
NONE_CODE = "none"
TRIALS_NONE = "ad_trials_none"
AUDITC_GROUP = "auditc"
SCORE_ITEMS = ("phq9_total", "auditc_total")

_EXT = "http://hl7.org/fhir/StructureDefinition/"
_ITEM_CONTROL = "http://hl7.org/fhir/questionnaire-item-control"

# LOINC codes, checked against published PHQ-9 and AUDIT-C FHIR Questionnaires. Only the
# codes are given: a display that differs from LOINC's own wording would be flagged by
# terminology validators, and the item text is ours (verbatim instrument wording).
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
AUDITC_ITEMS = ("auditc_1", "auditc_2", "auditc_3")
_UCUM = {"years": "a", "weeks": "wk", "mmHg": "mm[Hg]"}


def questionnaire_url(questionnaire: Questionnaire | None = None) -> str:
    """The canonical URL of the Questionnaire (without version)."""
    qn = questionnaire or load_questionnaire()
    return f"{CANONICAL_BASE}:Questionnaire:{qn.id}"


def answer_system(questionnaire: Questionnaire | None = None) -> str:
    """The code system of our answer codes."""
    qn = questionnaire or load_questionnaire()
    return f"{CANONICAL_BASE}:CodeSystem:{qn.id}"


# --------------------------------------------------------------------------- Questionnaire


def _loinc(key: str) -> list[dict[str, str]]:
    return [{"system": LOINC, "code": LOINC_CODES[key]}]


def coding(system: str, code: object, display: str) -> dict[str, str]:
    return {"system": system, "code": str(code), "display": display}


def _options(q: Question, system: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for o in q.choices:
        option: dict[str, Any] = {"valueCoding": coding(system, o.code, o.label)}
        if isinstance(o.code, int):
            option["extension"] = [{"url": _EXT + "ordinalValue", "valueDecimal": o.code}]
        out.append(option)
    if q.type == "multi":
        out.append(
            {
                "valueCoding": coding(system, NONE_CODE, q.none_label or "None of these"),
                "extension": [
                    {"url": _EXT + "questionnaire-optionExclusive", "valueBoolean": True}
                ],
            }
        )
    return out


def _condition(c: Condition, target: Question, system: str, link: str) -> list[dict[str, Any]]:
    """FHIR enableWhen entries for one condition (several when a comparison is expanded)."""
    if c.operator == "exists":
        return [{"question": link, "operator": "exists", "answerBoolean": c.value}]
    if target.is_choice:
        if c.operator in ("=", "!="):
            answer = coding(system, c.value, target.label_of(c.value))
            return [{"question": link, "operator": c.operator, "answerCoding": answer}]
        keep = [
            code
            for code in target.codes_in_order
            if isinstance(code, int) and _compare(c.operator, code, c.value)
        ]
        return [
            {
                "question": link,
                "operator": "=",
                "answerCoding": coding(system, k, target.label_of(k)),
            }
            for k in keep
        ]
    return [{"question": link, "operator": c.operator, "answerInteger": c.value}]


def _compare(operator: str, code: int, value: object) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{operator!r} needs a number to compare codes with")
    if operator == ">":
        return code > value
    if operator == ">=":
        return code >= value
    if operator == "<":
        return code < value
    return code <= value


def _enable(
    conditions: tuple[Condition, ...],
    behavior: str,
    lookup: Mapping[str, Question],
    system: str,
    prefix: str = "",
) -> dict[str, Any]:
    """``enableWhen`` (and ``enableBehavior`` when needed) for a list of conditions."""
    if not conditions:
        return {}
    entries: list[dict[str, Any]] = []
    expanded = False
    for c in conditions:
        got = _condition(c, lookup[c.question], system, prefix + c.question)
        expanded = expanded or (len(got) != 1 or got[0]["operator"] != c.operator)
        entries.extend(got)
    if expanded and behavior == "all" and len(conditions) > 1:
        raise ValueError("a comparison on codes can only be expanded inside 'any' conditions")
    out: dict[str, Any] = {"enableWhen": entries}
    if len(entries) > 1:
        out["enableBehavior"] = "any" if (behavior == "any" or expanded) else "all"
    return out


def _help(q: Question, link: str) -> list[dict[str, Any]]:
    if not q.help:
        return []
    control = {"coding": [{"system": _ITEM_CONTROL, "code": "help", "display": "Help-Button"}]}
    return [
        {
            "linkId": f"{link}.help",
            "type": "display",
            "text": q.help,
            "extension": [
                {"url": _EXT + "questionnaire-itemControl", "valueCodeableConcept": control}
            ],
        }
    ]


def _question_item(
    q: Question, lookup: Mapping[str, Question], system: str, prefix: str = ""
) -> dict[str, Any]:
    link = prefix + q.id
    item: dict[str, Any] = {"linkId": link}
    if q.id in LOINC_CODES and not prefix:
        item["code"] = _loinc(q.id)
    item["text"] = q.text
    if q.type == "integer":
        item["type"] = "integer"
        ext: list[dict[str, Any]] = [
            {"url": _EXT + "minValue", "valueInteger": q.min},
            {"url": _EXT + "maxValue", "valueInteger": q.max},
        ]
        if q.unit:
            unit = {"display": q.unit}
            if q.unit in _UCUM:
                unit = {
                    "system": "http://unitsofmeasure.org",
                    "code": _UCUM[q.unit],
                    "display": q.unit,
                }
            ext.append({"url": _EXT + "questionnaire-unit", "valueCoding": unit})
        item["extension"] = ext
    elif q.type == "text":
        item["type"] = "text" if q.multiline else "string"
        item["maxLength"] = q.max_length
    else:
        item["type"] = "choice"
    item.update(_enable(q.enabled_when, q.enabled_behavior, lookup, system, prefix))
    item["required"] = q.required
    if q.type == "multi":
        item["repeats"] = True
    if q.is_choice:
        item["answerOption"] = _options(q, system)
    children = _help(q, link)
    if children:
        item["item"] = children
    return item


def _display(link: str, text: str) -> dict[str, Any]:
    return {"linkId": link, "type": "display", "text": text}


def _score_item(key: str, text: str) -> dict[str, Any]:
    return {"linkId": key, "code": _loinc(key), "text": text, "type": "integer", "readOnly": True}


def _trial_items(q: Question, system: str) -> list[dict[str, Any]]:
    none_item = {
        "linkId": TRIALS_NONE,
        "text": "I have not taken an antidepressant during this episode",
        "type": "boolean",
        "required": False,
    }
    group: dict[str, Any] = {
        "linkId": q.id,
        "text": q.text,
        "type": "group",
        "enableWhen": [{"question": TRIALS_NONE, "operator": "!=", "answerBoolean": True}],
        "required": False,
        "repeats": True,
        "item": [
            *_help(q, q.id),
            *(_question_item(s, q.item_by_id, system, prefix=f"{q.id}.") for s in q.items),
        ],
    }
    return [none_item, group]


def _section_items(section: Section, qn: Questionnaire, system: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if section.intro:
        items.append(_display(f"{section.id}.intro", section.intro))
    questions = qn.in_section(section.id)
    for q in questions:
        if q.id in AUDITC_ITEMS:
            if q.id == AUDITC_ITEMS[0]:
                group = [_question_item(qn.by_id[i], qn.by_id, system) for i in AUDITC_ITEMS]
                group.append(_score_item("auditc_total", "AUDIT-C total score (0–12)"))
                items.append(
                    {
                        "linkId": AUDITC_GROUP,
                        "code": _loinc(AUDITC_GROUP),
                        "text": "AUDIT-C",
                        "type": "group",
                        "item": group,
                    }
                )
            continue
        if q.type == "repeat":
            items.extend(_trial_items(q, system))
            continue
        items.append(_question_item(q, qn.by_id, system))
    if section.id == "phq9":
        items.append(_score_item("phq9_total", "PHQ-9 total score (0–27)"))
    if section.attribution:
        items.append(_display(f"{section.id}.attribution", section.attribution))
    return items


TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
TRANSLATED = ("text", "display", "title", "copyright")


def _translation(language: str, content: str) -> dict[str, Any]:
    return {
        "url": TRANSLATION,
        "extension": [
            {"url": "lang", "valueCode": language},
            {"url": "content", "valueString": content},
        ],
    }


def add_translations(english: Any, other: Any, language: str) -> None:
    """Mark every text of ``english`` that reads differently in ``other`` (the same resource
    built from a translated questionnaire) with the standard translation extension on its
    primitive (``_text``, ``_display``, ``_title``), in place."""
    if isinstance(english, dict) and isinstance(other, dict):
        for key, value in list(english.items()):
            theirs = other.get(key)
            if key in TRANSLATED and isinstance(value, str) and isinstance(theirs, str):
                if theirs != value:
                    element = english.setdefault(f"_{key}", {})
                    element.setdefault("extension", []).append(_translation(language, theirs))
            else:
                add_translations(value, theirs, language)
    elif isinstance(english, list) and isinstance(other, list):
        for mine, theirs in zip(english, other, strict=False):
            add_translations(mine, theirs, language)


def questionnaire_resource(
    questionnaire: Questionnaire | None = None, translations: tuple[str, ...] = ("es",)
) -> dict[str, Any]:
    """The questionnaire definition as a FHIR R4 Questionnaire (a JSON-ready dict), in
    English with the ``translations`` of the bundled questionnaire as translation
    extensions (a questionnaire passed in is exported as it is)."""
    if questionnaire is None:
        resource = _resource(load_questionnaire())
        resource["language"] = "en"
        for language in translations:
            add_translations(resource, _resource(load_questionnaire(language=language)), language)
        return resource
    return _resource(questionnaire)


def _resource(qn: Questionnaire) -> dict[str, Any]:
    system = answer_system(qn)
    items = []
    for section in qn.sections:
        group: dict[str, Any] = {"linkId": section.id}
        if section.id == "phq9":
            group["code"] = _loinc("phq9")
        group["text"] = section.title
        group["type"] = "group"
        group.update(_enable(section.enabled_when, section.enabled_behavior, qn.by_id, system))
        group["item"] = _section_items(section, qn, system)
        items.append(group)
    attributions = " ".join(s.attribution for s in qn.sections if s.attribution)
    return {
        "resourceType": "Questionnaire",
        "id": qn.id,
        "url": questionnaire_url(qn),
        "version": qn.version,
        "name": "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", qn.id)),
        "title": qn.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": "Informational pre-screening questions about ketamine and esketamine "
        "treatment for depression, to bring to a clinician. Not a diagnosis.",
        "copyright": attributions,
        "item": items,
    }
