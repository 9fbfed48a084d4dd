"""FHIR R4: the questionnaire as a ``Questionnaire`` (a record as a ``QuestionnaireResponse``
and the way back are in ``screening.exports.fhir_response``).

Plain dicts (JSON-ready), built without importing ``fhir.resources`` (the tests validate
them with its R4B models and with the FHIR R4 JSON Schema).

Shape of the Questionnaire:

* one ``group`` item per section (linkId = section id), in order, with the section intro
  and attribution as ``display`` items; the safety section carries its ``enableWhen``;
* the region's crisis lines travel with it: the display item ``crisis_resources`` opens
  the safety section, shown when PHQ-9 item 9 is above "Not at all" or a safety answer is
  yes or prefer not to say (``questionnaire_resource(region=...)``);
* every question keeps its id as linkId; choices are ``choice`` items with
  ``answerOption.valueCoding`` and an ``itemControl`` (radio-button, check-box, or
  drop-down for the medication list); PHQ-9 answers are LOINC answer codes (LA6568-5 …),
  the others codes of ``ANSWER_SYSTEM``; scored options carry an ``ordinalValue``; help
  texts are ``display`` children with the ``help`` item control;
* "None of these" of a multi question is its own yes/no item ``<id>_none`` and the
  choices are enabled only while it is not yes, so a renderer without
  ``optionExclusive`` support cannot combine the two (as for the antidepressant trials:
  ``ad_trials_none`` and the repeating group ``ad_trials``);
* LOINC codes on the PHQ-9 group and items (panel 44249-1) and on an AUDIT-C sub-group
  (panel 72109-2); the totals (44261-6, 75626-2) are read-only items with an SDC
  ``calculatedExpression`` in FHIRPath, so a renderer computes them as people answer;
* ``enableWhen`` from ``enabled_when``; a ``>``/``>=`` on coded scores becomes ``=`` on each
  code that satisfies it (``enableBehavior: any``), since FHIR compares codes only for
  equality.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from screening.crisis import DEFAULT_REGION
from screening.exports.crisis_text import crisis_text
from screening.exports.fhir_codes import (
    AUDITC_GROUP,
    AUDITC_ITEMS,
    CRISIS_ITEM,
    EXT,
    LOINC,
    LOINC_CODES,
    NONE_CODE,
    NONE_SUFFIX,
    SCORE_ITEMS,
    TRIALS_NONE,
    answer_coding,
    answer_system,
    auditc_total_expression,
    calculated,
    coding,
    item_control,
    phq9_total_expression,
    questionnaire_url,
)
from screening.questionnaire import (
    Condition,
    Question,
    Questionnaire,
    Section,
    load_questionnaire,
)

__all__ = [
    "AUDITC_GROUP",
    "AUDITC_ITEMS",
    "LOINC",
    "LOINC_CODES",
    "NONE_CODE",
    "SCORE_ITEMS",
    "TRIALS_NONE",
    "answer_system",
    "coding",
    "questionnaire_resource",
    "questionnaire_url",
]

_UCUM = {"years": "a", "weeks": "wk", "mmHg": "mm[Hg]"}
_DROP_DOWN_FROM = 10  # options; fewer are radio buttons
_SAFETY = ("si_plan", "si_intent", "self_harm_recent")


# --------------------------------------------------------------------------- Questionnaire


def _loinc(key: str) -> list[dict[str, str]]:
    return [{"system": LOINC, "code": LOINC_CODES[key]}]


def _options(q: Question, system: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for o in q.choices:
        option: dict[str, Any] = {"valueCoding": answer_coding(q, o.code, system)}
        if isinstance(o.code, int):
            option["extension"] = [{"url": EXT + "ordinalValue", "valueDecimal": o.code}]
        out.append(option)
    return out


def _control(q: Question) -> dict[str, Any]:
    if q.type == "multi":
        return item_control("check-box", "Check-box")
    if len(q.choices) >= _DROP_DOWN_FROM:
        return item_control("drop-down", "Drop down")
    return item_control("radio-button", "Radio Button")


def _condition(c: Condition, target: Question, system: str, link: str) -> list[dict[str, Any]]:
    """FHIR enableWhen entries for one condition (several when a comparison is expanded)."""
    if c.operator == "exists":
        return [{"question": link, "operator": "exists", "answerBoolean": c.value}]
    if target.is_choice:
        if c.operator in ("=", "!="):
            assert not isinstance(c.value, bool)
            answer = answer_coding(target, c.value, system)
            return [{"question": link, "operator": c.operator, "answerCoding": answer}]
        keep = [
            code
            for code in target.codes_in_order
            if isinstance(code, int) and _compare(c.operator, code, c.value)
        ]
        return [
            {"question": link, "operator": "=", "answerCoding": answer_coding(target, k, system)}
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
    extra: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    """``enableWhen`` (and ``enableBehavior`` when needed) for a list of conditions, and
    ``extra`` entries that must hold as well (all)."""
    entries: list[dict[str, Any]] = []
    expanded = False
    for c in conditions:
        got = _condition(c, lookup[c.question], system, prefix + c.question)
        expanded = expanded or (len(got) != 1 or got[0]["operator"] != c.operator)
        entries.extend(got)
    any_of = behavior == "any" or expanded
    if expanded and behavior == "all" and len(conditions) > 1:
        raise ValueError("a comparison on codes can only be expanded inside 'any' conditions")
    if extra and any_of and len(entries) > 1:
        raise ValueError("an 'any' condition cannot be joined with another condition")
    entries.extend(extra)
    if not entries:
        return {}
    out: dict[str, Any] = {"enableWhen": entries}
    if len(entries) > 1:
        out["enableBehavior"] = "any" if any_of and not extra else "all"
    return out


def _help(q: Question, link: str) -> list[dict[str, Any]]:
    if not q.help:
        return []
    return [
        {
            "linkId": f"{link}.help",
            "type": "display",
            "text": q.help,
            "extension": [item_control("help", "Help-Button")],
        }
    ]


def _not_yes(link: str) -> dict[str, Any]:
    return {"question": link, "operator": "!=", "answerBoolean": True}


def _question_item(
    q: Question, lookup: Mapping[str, Question], system: str, prefix: str = ""
) -> dict[str, Any]:
    link = prefix + q.id
    item: dict[str, Any] = {"linkId": link}
    if q.id in LOINC_CODES and not prefix:
        item["code"] = _loinc(q.id)
    item["text"] = q.text
    ext: list[dict[str, Any]] = []
    if q.type == "integer":
        item["type"] = "integer"
        ext += [
            {"url": EXT + "minValue", "valueInteger": q.min},
            {"url": EXT + "maxValue", "valueInteger": q.max},
        ]
        if q.unit:
            unit = {"display": q.unit}
            if q.unit in _UCUM:
                unit = {
                    "system": "http://unitsofmeasure.org",
                    "code": _UCUM[q.unit],
                    "display": q.unit,
                }
            ext.append({"url": EXT + "questionnaire-unit", "valueCoding": unit})
    elif q.type == "text":
        item["type"] = "text" if q.multiline else "string"
        item["maxLength"] = q.max_length
    else:
        item["type"] = "choice"
        ext.append(_control(q))
    if ext:
        item["extension"] = ext
    none = (_not_yes(link + NONE_SUFFIX),) if q.type == "multi" else ()
    item.update(_enable(q.enabled_when, q.enabled_behavior, lookup, system, prefix, none))
    item["required"] = q.required
    if q.type == "multi":
        item["repeats"] = True
    if q.is_choice:
        item["answerOption"] = _options(q, system)
    children = _help(q, link)
    if children:
        item["item"] = children
    return item


def _none_item(
    q: Question, lookup: Mapping[str, Question], system: str, prefix: str = ""
) -> dict[str, Any]:
    """ "None of these" of a multi question, as its own yes/no item before the choices."""
    item: dict[str, Any] = {
        "linkId": prefix + q.id + NONE_SUFFIX,
        "text": f"{q.text} {q.none_label or 'None of these'}",
        "type": "boolean",
    }
    item.update(_enable(q.enabled_when, q.enabled_behavior, lookup, system, prefix))
    item["required"] = False
    return item


def _display(link: str, text: str) -> dict[str, Any]:
    return {"linkId": link, "type": "display", "text": text}


def _score_item(key: str, text: str, expression: str) -> dict[str, Any]:
    return {
        "linkId": key,
        "code": _loinc(key),
        "text": text,
        "type": "integer",
        "extension": [calculated(expression, text)],
        "readOnly": True,
    }


def _crisis_item(qn: Questionnaire, system: str, region: str) -> dict[str, Any]:
    """The region's crisis lines, shown when item 9 is above "Not at all" or a safety answer
    is yes or prefer not to say."""
    item9 = qn.by_id["phq9_9"]
    when = [
        {"question": item9.id, "operator": "=", "answerCoding": answer_coding(item9, c, system)}
        for c in item9.codes_in_order
        if isinstance(c, int) and c > 0
    ]
    for link in _SAFETY:
        q = qn.by_id[link]
        when += [
            {"question": link, "operator": "=", "answerCoding": answer_coding(q, c, system)}
            for c in ("yes", "prefer_not_to_say")
        ]
    return {
        **_display(CRISIS_ITEM, crisis_text(region, qn.language)),
        "enableWhen": when,
        "enableBehavior": "any",
    }


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
        "enableWhen": [_not_yes(TRIALS_NONE)],
        "required": False,
        "repeats": True,
        "item": [
            *_help(q, q.id),
            *(_question_item(s, q.item_by_id, system, prefix=f"{q.id}.") for s in q.items),
        ],
    }
    return [none_item, group]


def _section_items(
    section: Section, qn: Questionnaire, system: str, region: str
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if section.id == "safety":
        items.append(_crisis_item(qn, system, region))
    if section.intro:
        items.append(_display(f"{section.id}.intro", section.intro))
    for q in qn.in_section(section.id):
        if q.id in AUDITC_ITEMS:
            if q.id == AUDITC_ITEMS[0]:
                group = [_question_item(qn.by_id[i], qn.by_id, system) for i in AUDITC_ITEMS]
                text = "AUDIT-C total score (0–12)"
                group.append(_score_item("auditc_total", text, auditc_total_expression()))
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
        if q.type == "multi":
            items.append(_none_item(q, qn.by_id, system))
        items.append(_question_item(q, qn.by_id, system))
    if section.id == "phq9":
        text = "PHQ-9 total score (0–27)"
        items.append(_score_item("phq9_total", text, phq9_total_expression()))
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
    questionnaire: Questionnaire | None = None,
    *,
    region: str = DEFAULT_REGION,
    translations: tuple[str, ...] = ("es",),
) -> dict[str, Any]:
    """The questionnaire definition as a FHIR R4 Questionnaire (a JSON-ready dict), with
    the crisis lines of ``region`` (us, uk, ca, au, eu), in English with the
    ``translations`` of the bundled questionnaire as translation extensions (a
    questionnaire passed in is exported as it is)."""
    if questionnaire is None:
        resource = _resource(load_questionnaire(), region)
        resource["language"] = "en"
        for language in translations:
            other = _resource(load_questionnaire(language=language), region)
            add_translations(resource, other, language)
        return resource
    return _resource(questionnaire, region)


def _resource(qn: Questionnaire, region: str) -> dict[str, Any]:
    system = answer_system(qn)
    items = []
    for section in qn.sections:
        group: dict[str, Any] = {"linkId": section.id}
        if section.id == "phq9":
            group["code"] = _loinc("phq9")
        group["text"] = section.title
        group["type"] = "group"
        group.update(_enable(section.enabled_when, section.enabled_behavior, qn.by_id, system))
        group["item"] = _section_items(section, qn, system, region)
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
