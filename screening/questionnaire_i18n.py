"""A translation of the questionnaire, checked and applied before the questionnaire is
parsed (``screening.questionnaire.load_questionnaire(language=…)``).

The translation is a sibling file, ``questions/<id>.<language>.toml``, keyed by the ids
and codes of the English file (which never change)::

    title = "…"
    other_medication = "Otro (no está en la lista)"
    [answers]            # the yes / no / unsure / prefer-not-to-say choices
    [medications]        # code = generic name
    [sections.<id>]      # title, intro, attribution: each one the English file has
    [questions.<id>]     # text, short, help, unit, none_label, item_label; options = {…}
    [questions.<id>.items.<sub id>]
    [option_sets.<name>] # code = label

Every English string needs its translation and nothing may name an unknown id, code or
field: a problem says where and how to fix it. ``keep_english = true`` on a question keeps
its text and options in English (a validated instrument without an official translation);
its other words are still translated.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from screening.errors import QuestionnaireError

QUESTION_FIELDS = ("text", "short", "help", "unit", "none_label", "item_label")
SECTION_FIELDS = ("title", "intro", "attribution")
ANSWER_CODES = ("yes", "no", "unsure", "prefer_not_to_say")
KEEP_ENGLISH = "keep_english"


def translation_path(base: Path, language: str) -> Path:
    """``questions/x.toml`` → ``questions/x.<language>.toml``."""
    return base.with_name(f"{base.stem}.{language}{base.suffix}")


def _table(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_words(where: str, english: dict[str, Any], words: dict[str, Any]) -> Iterator[str]:
    for field, value in words.items():
        if field not in english:
            yield f"{where}.{field}: the English question has no {field}; remove it"
        elif not _text(value):
            yield f"{where}.{field}: expected text"


def _check_options(where: str, codes: list[str], words: object) -> Iterator[str]:
    table = _table(words)
    if not isinstance(words, dict):
        yield f"{where}: a table of code = label is missing; add one label per code"
        return
    for code in codes:
        if not _text(table.get(code)):
            yield f"{where}: no label for code '{code}'; add {code} = \"…\""
    for code in table:
        if code not in codes:
            yield f"{where}: '{code}' is not a code of this question; remove it"


def _question(where: str, q: dict[str, Any], tr: object) -> Iterator[str]:
    if not isinstance(tr, dict):
        yield f"{where}: no translation; add a [{where}] table"
        return
    keep = tr.get(KEEP_ENGLISH) is True
    known = {*QUESTION_FIELDS, "options", "items", KEEP_ENGLISH}
    for field in tr:
        if field not in known:
            yield f"{where}.{field}: not a translatable field; use {', '.join(QUESTION_FIELDS)}"
    words = {k: v for k, v in tr.items() if k in QUESTION_FIELDS}
    yield from _check_words(where, q, words)
    for field in QUESTION_FIELDS:
        if field in q and field not in words and not (keep and field == "text"):
            yield f"{where}.{field}: missing; translate the English {field}"
    options = q.get("options")
    if isinstance(options, list) and not keep:
        codes = [str(o.get("code")) for o in options if isinstance(o, dict)]
        yield from _check_options(f"{where}.options", codes, tr.get("options"))
    elif "options" in tr:
        yield f"{where}.options: this question's options are not its own; remove them"
    items = _table(tr.get("items"))
    subs = {s.get("id"): s for s in q.get("items", []) if isinstance(s, dict)}
    for sub_id, sub in subs.items():
        yield from _question(f"{where}.items.{sub_id}", sub, items.get(str(sub_id)))
    for sub_id in items:
        if sub_id not in subs:
            yield f"{where}.items.{sub_id}: not a sub-question of this question; remove it"


def check_translation(raw: dict[str, Any], tr: dict[str, Any]) -> Iterator[str]:
    """Every problem of translation ``tr`` of the English questionnaire ``raw``."""
    known = {"language", "title", "other_medication", "answers", "medications"}
    known |= {"sections", "questions", "option_sets"}
    for field in tr:
        if field not in known:
            yield f"{field}: not a part of a translation; remove it"
    for field in ("title", "other_medication"):
        if not _text(tr.get(field)):
            yield f'{field}: missing; add {field} = "…"'
    yield from _check_options("answers", list(ANSWER_CODES), tr.get("answers"))
    meds = [str(m.get("code")) for m in raw.get("medications", []) if isinstance(m, dict)]
    yield from _check_options("medications", meds, tr.get("medications"))
    sections = _table(tr.get("sections"))
    english_sections = {s.get("id"): s for s in raw.get("sections", []) if isinstance(s, dict)}
    for sid, section in english_sections.items():
        words = _table(sections.get(str(sid)))
        where = f"sections.{sid}"
        yield from _check_words(where, section, words)
        for field in SECTION_FIELDS:
            if field in section and not _text(words.get(field)):
                yield f"{where}.{field}: missing; translate the English {field}"
    for sid in sections:
        if sid not in english_sections:
            yield f"sections.{sid}: not a section of the questionnaire; remove it"
    questions = _table(tr.get("questions"))
    english = {q.get("id"): q for q in raw.get("questions", []) if isinstance(q, dict)}
    for qid, q in english.items():
        yield from _question(f"questions.{qid}", q, questions.get(str(qid)))
    for qid in questions:
        if qid not in english:
            yield f"questions.{qid}: not a question of the questionnaire; remove it"
    sets = _table(tr.get("option_sets"))
    for name, options in _table(raw.get("option_sets")).items():
        codes = [str(o.get("code")) for o in options if isinstance(o, dict)]
        yield from _check_options(f"option_sets.{name}", codes, sets.get(name))
    for name in sets:
        if name not in _table(raw.get("option_sets")):
            yield f"option_sets.{name}: not an option set of the questionnaire; remove it"


def _apply_options(options: object, labels: dict[str, Any]) -> object:
    if not isinstance(options, list):
        return options
    return [
        {**o, "label": labels.get(str(o.get("code")), o.get("label"))} if isinstance(o, dict) else o
        for o in options
    ]


def _apply_question(q: dict[str, Any], tr: dict[str, Any], answers: list[dict[str, str]]) -> None:
    keep = tr.get(KEEP_ENGLISH) is True
    for field in QUESTION_FIELDS:
        if field in tr and not (keep and field == "text"):
            q[field] = tr[field]
    if not keep:
        q["options"] = _apply_options(q.get("options"), _table(tr.get("options")))
    if q.get("type") in ("ynu", "ynp"):
        codes = (
            ("yes", "no", "unsure") if q["type"] == "ynu" else ("yes", "no", "prefer_not_to_say")
        )
        q["implicit_options"] = [a for a in answers if a["code"] in codes]
    items = _table(tr.get("items"))
    for sub in q.get("items", []):
        if isinstance(sub, dict):
            _apply_question(sub, _table(items.get(str(sub.get("id")))), answers)
    if "options" in q and q["options"] is None:
        del q["options"]


def apply_translation(
    raw: dict[str, Any], tr: dict[str, Any], language: str, name: str
) -> dict[str, Any]:
    """The English questionnaire ``raw`` in the words of ``tr`` (checked first; problems
    raise QuestionnaireError naming file ``name`` and the place)."""
    problems = list(check_translation(raw, tr))
    if problems:
        raise QuestionnaireError("\n".join(f"{name} › {p}" for p in problems))
    out = copy.deepcopy(raw)
    out["language"] = language
    out["title"] = tr["title"]
    out["other_medication"] = tr["other_medication"]
    meds = _table(tr.get("medications"))
    for med in out.get("medications", []):
        med["name"] = meds[str(med["code"])]
    sections = _table(tr.get("sections"))
    for section in out.get("sections", []):
        section.update(_table(sections.get(str(section.get("id")))))
    answers = [{"code": c, "label": str(_table(tr["answers"])[c])} for c in ANSWER_CODES]
    questions = _table(tr.get("questions"))
    for q in out.get("questions", []):
        _apply_question(q, _table(questions.get(str(q.get("id")))), answers)
    sets = _table(tr.get("option_sets"))
    out["option_sets"] = {
        key: _apply_options(options, _table(sets.get(key)))
        for key, options in _table(out.get("option_sets")).items()
    }
    return out
