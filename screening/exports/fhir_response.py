"""FHIR R4 ``QuestionnaireResponse``: a record as a response, and the way back from a
response to answers (the ``Questionnaire`` itself is in ``screening.exports.fhir``).

A response holds only the answered items, grouped as in the Questionnaire. Reading one
back refuses anything that is not ours, with a sentence naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from screening.errors import ErrorCode, RecordError
from screening.exports._common import TRIALS, RecordLike, as_loaded
from screening.exports.fhir import questionnaire_resource
from screening.exports.fhir_codes import (
    AUDITC_GROUP,
    AUDITC_ITEMS,
    CRISIS_ITEM,
    NONE_CODE,
    NONE_SUFFIX,
    SCORE_ITEMS,
    TRIALS_NONE,
    answer_coding,
    answer_system,
    decoding,
    fhir_string,
    questionnaire_url,
)
from screening.questionnaire import Question, Questionnaire, load_questionnaire
from screening.record import LoadedRecord, record_from_object

_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")
_VERSION = re.compile(r"^[0-9A-Za-z.+-]{1,40}$")

# --------------------------------------------------------------------------- response


def _answer_values(q: Question, value: Any, system: str) -> list[dict[str, Any]]:
    if q.type == "integer":
        return [{"valueInteger": value}]
    if q.type == "text":
        return [{"valueString": fhir_string(value)}]
    if q.type == "multi":
        return [{"valueCoding": answer_coding(q, c, system)} for c in value]
    return [{"valueCoding": answer_coding(q, value, system)}]


def _answer_item(q: Question, value: Any, system: str, prefix: str = "") -> dict[str, Any]:
    if q.type == "multi" and not value:  # "None of these" is its own yes/no item
        return {"linkId": prefix + q.id + NONE_SUFFIX, "answer": [{"valueBoolean": True}]}
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
        for i in AUDITC_ITEMS
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
            if q.id in AUDITC_ITEMS:
                if q.id == AUDITC_ITEMS[0]:
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
    return RecordError(ErrorCode.FHIR_INVALID, name=name, why=message)


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
            values.append(_decode_coding(q, a.get("valueCoding"), system, name, link))
    if q.type == "multi":
        if NONE_CODE in values and NONE_CODE not in q.codes:  # as written before 1.1 exports
            if len(values) > 1:
                raise _fail(name, f"item {link}: 'none' cannot be combined with other answers")
            return []
        return values
    return values[0]


def _decode_coding(q: Question, coding: object, system: str, name: str, link: str) -> Any:
    """Our answer code for one valueCoding (LOINC answer codes and our own codes read; an
    unknown code is kept, for validation to name)."""
    if not isinstance(coding, Mapping) or not isinstance(coding.get("code"), str):
        raise _fail(name, f"item {link}: expected valueCoding with a code")
    code: str = coding["code"]
    table = decoding(q, system)
    key = (coding.get("system", system), code)
    if key in table:
        return table[key]
    if key[0] not in {s for s, _ in table}:
        raise _fail(name, f"item {link}: code system is not this questionnaire's")
    if any(isinstance(c, int) for c in q.codes_in_order) and re.fullmatch(r"[0-9]{1,3}", code):
        return int(code)
    return code


def _flag(item: Mapping[str, Any], name: str, link: str) -> bool:
    given = item.get("answer")
    first = given[0] if isinstance(given, list) and len(given) == 1 else None
    flag = first.get("valueBoolean") if isinstance(first, Mapping) else None
    if not isinstance(flag, bool):
        raise _fail(name, f"item {link}: expected valueBoolean")
    return flag


def _is_display(link: str, item: Mapping[str, Any]) -> bool:
    """A display item of ours that a renderer copied into the response (no answer)."""
    shown = link == CRISIS_ITEM or link.endswith((".intro", ".attribution", ".help"))
    return shown and not item.get("answer")


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
    multi = {q.id for q in qn.questions if q.type == "multi"}
    nones: dict[str, bool] = {}
    for item in _response_items(obj.get("item"), name):
        link = item.get("linkId")
        if not isinstance(link, str):
            raise _fail(name, "an item has no linkId")
        if link in groups or link in SCORE_ITEMS or _is_display(link, item):
            continue
        if link == TRIALS_NONE:
            trials_none = _flag(item, name, link)
        elif link.endswith(NONE_SUFFIX) and link.removesuffix(NONE_SUFFIX) in multi:
            nones[link.removesuffix(NONE_SUFFIX)] = _flag(item, name, link)
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
    for link, none in nones.items():
        if none and answers.get(link):
            why = f"item {link}{NONE_SUFFIX} says none of these, but {link} has answers"
            raise _fail(name, why)
        if none:
            answers[link] = []
    order = [q.id for q in qn.questions]
    return {k: answers[k] for k in order if k in answers}


def response_metadata(obj: Mapping[str, Any]) -> dict[str, str]:
    """What a response says about itself, as record keys: ``created_at`` from ``authored``
    (left out unless it is a full time, not a date alone), ``questionnaire_version`` from
    the canonical (``…|1.1.0``) and ``status``."""
    out: dict[str, str] = {}
    authored = obj.get("authored")
    if isinstance(authored, str) and _ISO_MOMENT.match(authored):
        out["created_at"] = authored
    canonical = obj.get("questionnaire")
    version = canonical.split("|", 1)[1] if isinstance(canonical, str) and "|" in canonical else ""
    if _VERSION.match(version):
        out["questionnaire_version"] = version
    status = {"in-progress": "in_progress", "completed": "completed"}.get(str(obj.get("status")))
    if status is not None:
        out["status"] = status
    return out


def response_to_record(
    obj: Mapping[str, Any], name: str, questionnaire: Questionnaire | None = None
) -> LoadedRecord:
    """A QuestionnaireResponse read as a record: answers validated, result recomputed, and
    the metadata of ``response_metadata``."""
    qn = questionnaire or load_questionnaire()
    record: dict[str, Any] = {"answers": response_to_answers(obj, qn, name=name)}
    record.update(response_metadata(obj))
    return record_from_object(record, name, qn)
