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
from collections.abc import Iterator, Mapping
from typing import Any

from screening.errors import RecordError
from screening.exports._common import TRIALS, RecordLike, as_loaded
from screening.questionnaire import (
    Condition,
    Question,
    Questionnaire,
    Section,
    load_questionnaire,
)
from screening.record import LoadedRecord, record_from_object

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
_AUDITC_ITEMS = ("auditc_1", "auditc_2", "auditc_3")
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


def _coding(system: str, code: object, display: str) -> dict[str, str]:
    return {"system": system, "code": str(code), "display": display}


def _options(q: Question, system: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for o in q.choices:
        option: dict[str, Any] = {"valueCoding": _coding(system, o.code, o.label)}
        if isinstance(o.code, int):
            option["extension"] = [{"url": _EXT + "ordinalValue", "valueDecimal": o.code}]
        out.append(option)
    if q.type == "multi":
        out.append(
            {
                "valueCoding": _coding(system, NONE_CODE, q.none_label or "None of these"),
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
            coding = _coding(system, c.value, target.label_of(c.value))
            return [{"question": link, "operator": c.operator, "answerCoding": coding}]
        keep = [
            code
            for code in target.codes_in_order
            if isinstance(code, int) and _compare(c.operator, code, c.value)
        ]
        return [
            {
                "question": link,
                "operator": "=",
                "answerCoding": _coding(system, k, target.label_of(k)),
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
        if q.id in _AUDITC_ITEMS:
            if q.id == _AUDITC_ITEMS[0]:
                group = [_question_item(qn.by_id[i], qn.by_id, system) for i in _AUDITC_ITEMS]
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


def questionnaire_resource(questionnaire: Questionnaire | None = None) -> dict[str, Any]:
    """The questionnaire definition as a FHIR R4 Questionnaire (a JSON-ready dict)."""
    qn = questionnaire or load_questionnaire()
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


# --------------------------------------------------------------------------- response


def _answer_values(q: Question, value: Any, system: str) -> list[dict[str, Any]]:
    if q.type == "integer":
        return [{"valueInteger": value}]
    if q.type == "text":
        return [{"valueString": value}]
    if q.type == "multi":
        if not value:
            return [{"valueCoding": _coding(system, NONE_CODE, q.none_label or "None of these")}]
        return [{"valueCoding": _coding(system, c, q.label_of(c))} for c in value]
    return [{"valueCoding": _coding(system, value, q.label_of(value))}]


def _answer_item(q: Question, value: Any, system: str, prefix: str = "") -> dict[str, Any]:
    return {"linkId": prefix + q.id, "text": q.text, "answer": _answer_values(q, value, system)}


def _score_answer(key: str, value: object) -> list[dict[str, Any]]:
    if not isinstance(value, int) or isinstance(value, bool):
        return []
    return [{"linkId": key, "answer": [{"valueInteger": value}]}]


def _auditc_answers(
    answers: Mapping[str, Any], scores: Mapping[str, Any], qn: Questionnaire, system: str
) -> list[dict[str, Any]]:
    """The AUDIT-C sub-group of a response (empty when no AUDIT-C item is answered)."""
    audit = [
        _answer_item(qn.by_id[i], answers[i], system)
        for i in _AUDITC_ITEMS
        if answers.get(i) is not None
    ]
    if not audit:
        return []
    audit += _score_answer("auditc_total", scores.get("auditc_total"))
    return [{"linkId": AUDITC_GROUP, "item": audit}]


def questionnaire_response(
    record: RecordLike, questionnaire: Questionnaire | None = None
) -> dict[str, Any]:
    """A record's answers as a FHIR R4 QuestionnaireResponse (a JSON-ready dict)."""
    qn = questionnaire or load_questionnaire()
    loaded = as_loaded(record, questionnaire=qn)
    system = answer_system(qn)
    answers = loaded.answers
    scores = loaded.result.scores
    groups: list[dict[str, Any]] = []
    for section in qn.sections:
        items: list[dict[str, Any]] = []
        for q in qn.in_section(section.id):
            if q.id in _AUDITC_ITEMS:
                if q.id == _AUDITC_ITEMS[0]:
                    items += _auditc_answers(answers, scores, qn, system)
                continue
            value = answers.get(q.id)
            if value is None:
                continue
            if q.type == "repeat":
                items.append({"linkId": TRIALS_NONE, "answer": [{"valueBoolean": not value}]})
                for entry in value:
                    subs = [
                        _answer_item(s, entry[s.id], system, f"{q.id}.")
                        for s in q.items
                        if entry.get(s.id) is not None
                    ]
                    items.append({"linkId": q.id, **({"item": subs} if subs else {})})
            else:
                items.append(_answer_item(q, value, system))
        if section.id == "phq9" and items:
            items += _score_answer("phq9_total", scores.get("phq9_total"))
        if items:
            groups.append({"linkId": section.id, "item": items})
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire_url(qn)}|{qn.version}",
        "status": "completed" if loaded.status == "completed" else "in-progress",
    }
    if loaded.created_at:
        response["authored"] = loaded.created_at
    response["item"] = groups
    return response


# --------------------------------------------------------------------------- checks


def _walk(items: object, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    if not isinstance(items, list):
        return
    for item in items:
        if isinstance(item, Mapping):
            yield item
            if depth < 8:
                yield from _walk(item.get("item"), depth + 1)


def _response_items(items: object, name: str, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    """Every item of a response, refusing an ``item`` that is not a list of objects."""
    if items is None:
        return
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise _fail(name, "'item' must be a list of objects")
    for item in items:
        yield item
        if depth < 8:
            yield from _response_items(item.get("item"), name, depth + 1)


def response_problems(
    response: Mapping[str, Any], questionnaire: Mapping[str, Any] | None = None
) -> list[str]:
    """What in a response does not exist in the Questionnaire: unknown linkIds, answer codes
    that are not options of their item, answers to display or group items (empty = fine).

    fhir.resources checks structure and types only; this checks the two agree.
    """
    definition = questionnaire or questionnaire_resource()
    by_link = {i["linkId"]: i for i in _walk(definition.get("item"))}
    problems: list[str] = []
    for item in _walk(response.get("item")):
        link = item.get("linkId")
        spec = by_link.get(link) if isinstance(link, str) else None
        if spec is None:
            problems.append(f"{link!r} is not an item of the Questionnaire")
            continue
        answers = item.get("answer") or []
        if answers and spec["type"] in ("group", "display"):
            problems.append(f"{link}: a {spec['type']} item cannot have answers")
        if len(answers) > 1 and not spec.get("repeats"):
            problems.append(f"{link}: {len(answers)} answers to an item that does not repeat")
        options = {
            (o["valueCoding"]["system"], o["valueCoding"]["code"])
            for o in spec.get("answerOption", [])
        }
        for a in answers:
            coding = a.get("valueCoding")
            if coding is not None and (coding.get("system"), coding.get("code")) not in options:
                problems.append(f"{link}: code {coding.get('code')!r} is not an option")
    return problems


# --------------------------------------------------------------------------- reading back


def _fail(name: str, message: str) -> RecordError:
    return RecordError("fhir.invalid_response", f"{name}: {message}")


def _decode(q: Question, answers: object, system: str, name: str, link: str) -> Any:
    """The answer value of one response item (not yet validated)."""
    if answers is None or answers == []:
        return None
    if not isinstance(answers, list):
        raise _fail(name, f"item {link}: 'answer' must be a list")
    if len(answers) > 1 and q.type != "multi":
        raise _fail(name, f"item {link} has {len(answers)} answers; it takes one")
    values: list[Any] = []
    for a in answers:
        if not isinstance(a, Mapping):
            raise _fail(name, f"item {link}: an answer is not an object")
        if q.type == "integer":
            v = a.get("valueInteger")
            if not isinstance(v, int) or isinstance(v, bool):
                raise _fail(name, f"item {link}: expected valueInteger")
            values.append(v)
        elif q.type == "text":
            v = a.get("valueString")
            if not isinstance(v, str):
                raise _fail(name, f"item {link}: expected valueString")
            values.append(v)
        else:
            coding = a.get("valueCoding")
            if not isinstance(coding, Mapping) or not isinstance(coding.get("code"), str):
                raise _fail(name, f"item {link}: expected valueCoding with a code")
            code: str = coding["code"]
            if coding.get("system", system) != system:
                raise _fail(name, f"item {link}: code system is not this questionnaire's")
            if any(isinstance(c, int) for c in q.codes_in_order) and re.fullmatch(
                r"[0-9]{1,3}", code
            ):
                values.append(int(code))
            else:
                values.append(code)
    if q.type == "multi":
        if NONE_CODE in values and NONE_CODE not in q.codes:
            if len(values) > 1:
                raise _fail(name, f"item {link}: 'none' cannot be combined with other answers")
            return []
        return values
    return values[0]


def response_to_answers(
    obj: Mapping[str, Any],
    questionnaire: Questionnaire | None = None,
    *,
    name: str = "QuestionnaireResponse",
) -> dict[str, Any]:
    """The answers held by a QuestionnaireResponse of this questionnaire (not yet validated:
    pass them to ``validate_answers`` or ``record_from_object``). Raises RecordError (code
    ``fhir.invalid_response``) naming ``name`` when the structure is not ours."""
    qn = questionnaire or load_questionnaire()
    system = answer_system(qn)
    if not isinstance(obj, Mapping) or obj.get("resourceType") != "QuestionnaireResponse":
        raise _fail(name, "not a FHIR QuestionnaireResponse")
    canonical = obj.get("questionnaire")
    if canonical is not None and (
        not isinstance(canonical, str) or canonical.split("|", 1)[0] != questionnaire_url(qn)
    ):
        raise _fail(
            name,
            f"answers a different questionnaire ({str(canonical)[:60]!r}); expected "
            f"{questionnaire_url(qn)!r}",
        )
    trials_q = qn.by_id[TRIALS]
    groups = {s.id for s in qn.sections} | {AUDITC_GROUP}
    answers: dict[str, Any] = {}
    trials: list[dict[str, Any]] = []
    trials_none: bool | None = None
    for item in _response_items(obj.get("item"), name):
        link = item.get("linkId")
        if not isinstance(link, str):
            raise _fail(name, "an item has no linkId")
        if link in groups or link in SCORE_ITEMS:
            continue
        if link == TRIALS_NONE:
            given = item.get("answer")
            first = given[0] if isinstance(given, list) and len(given) == 1 else None
            flag = first.get("valueBoolean") if isinstance(first, Mapping) else None
            if not isinstance(flag, bool):
                raise _fail(name, f"item {TRIALS_NONE}: expected valueBoolean")
            trials_none = flag
        elif link == TRIALS:
            entry: dict[str, Any] = {}
            children = item.get("item")
            if children is not None and (
                not isinstance(children, list) or not all(isinstance(c, Mapping) for c in children)
            ):
                raise _fail(name, f"item {TRIALS}: 'item' must be a list of objects")
            for sub_item in children or []:
                sub_link = sub_item.get("linkId")
                sub_id = sub_link.removeprefix(f"{TRIALS}.") if isinstance(sub_link, str) else ""
                sub = trials_q.item_by_id.get(sub_id)
                if sub is None or sub_link == sub_id:
                    raise _fail(name, f"item {str(sub_link)[:40]!r} is not part of an entry")
                value = _decode(sub, sub_item.get("answer"), system, name, sub_id)
                if value is not None:
                    entry[sub.id] = value
            trials.append(entry)
        elif link.startswith(f"{TRIALS}."):
            continue  # inside an entry, read above
        elif link in qn.by_id:
            q = qn.by_id[link]
            value = _decode(q, item.get("answer"), system, name, link)
            if value is not None:
                answers[link] = value
        else:
            raise _fail(name, f"item {link[:40]!r} is not part of this questionnaire")
    if trials or trials_none is not None:
        if trials and trials_none:
            raise _fail(name, "says no antidepressant was taken but lists some")
        answers[TRIALS] = trials
    order = [q.id for q in qn.questions]
    return {k: answers[k] for k in order if k in answers}


def response_to_record(
    obj: Mapping[str, Any], name: str, questionnaire: Questionnaire | None = None
) -> LoadedRecord:
    """A QuestionnaireResponse read as a record: answers validated, result recomputed."""
    qn = questionnaire or load_questionnaire()
    record: dict[str, Any] = {"answers": response_to_answers(obj, qn, name=name)}
    authored = obj.get("authored")
    if isinstance(authored, str):
        record["created_at"] = authored
    if obj.get("status") == "in-progress":
        record["status"] = "in_progress"
    elif obj.get("status") == "completed":
        record["status"] = "completed"
    return record_from_object(record, name, qn)
