"""The questionnaire as a REDCap data dictionary (CSV with REDCap's 18 standard columns).

* the first field is ``record_id`` (text), REDCap's record identifier; nothing the person
  answers is used as the record id, so two people of the same age never merge;
* one instrument (Form Name) per section; the section title and intro are the Section
  Header of its first field;
* integer → ``text`` with ``integer`` validation and min/max; single, yes/no/unsure and
  yes/no/prefer-not → ``radio``; multi → ``checkbox`` whose ``none`` option ("None of
  these") carries ``@NONEOFTHEABOVE='none'``; text → ``text`` or ``notes`` (with
  ``@CHARLIMIT``); choices as ``code, label | code, label``;
* PHQ-9 items 1–9 are the matrix group ``phq9``; the PHQ-9 and AUDIT-C totals are ``calc``
  fields with REDCap equations (blank while an item they need is blank, as our scores);
* the region's crisis lines are the descriptive field ``crisis_resources`` that opens
  the safety instrument, shown when PHQ-9 item 9 is above "Not at all"; the PHQ-9 and
  AUDIT-C attributions are descriptive fields;
* **trials: 15 numbered field groups** (``trial1_medication`` … ``trial15_status``) after a
  field ``ad_trials_count`` (0–15), each group shown only while the count reaches it. This
  keeps one flat record per respondent, the same variable names as the CSV export, and
  needs no repeating-instrument setup in the project. (A repeating instrument would be
  the alternative when more than 15 entries must be held.)
* branching logic from ``enabled_when``: ``[sex_at_birth] <> 'male'``, a multi answer as
  ``[prior_ketamine(iv_ketamine)] = '1'``, numbers as ``[phq9_9] >= 1``; a section's
  condition is joined to each of its fields.

The text of the PHQ-9 and AUDIT-C items is verbatim; their LOINC codes are noted in the
Field Annotation. Records to import into a project built from this dictionary:
``screening.exports.redcap_records``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping

from screening.crisis import DEFAULT_REGION
from screening.exports.crisis_text import crisis_text
from screening.exports.fhir_codes import AUDITC_ITEMS, CRISIS_ITEM, LOINC_CODES, NONE_CODE
from screening.i18n import t
from screening.questionnaire import Condition, Question, Questionnaire, load_questionnaire

REDCAP_COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)

TRIAL_COUNT = "ad_trials_count"
RECORD_ID = "record_id"
DROPDOWN_FROM = 10  # choices; fewer are radio buttons
IDENTIFIERS = frozenset({"display_name"})
PHQ9_MATRIX = "phq9"
PHQ9_MATRIX_ITEMS = frozenset(f"phq9_{n}" for n in range(1, 10))
_PHQ9_TOTAL = " + ".join(f"[phq9_{n}]" for n in range(1, 10))
_A1, _A2, _A3 = (f"[{i}]" for i in AUDITC_ITEMS)
#: Totals as REDCap calc fields: (field, after which question, label key, equation).
CALC_FIELDS = (
    ("phq9_total", "phq9_difficulty", "redcap.phq9_total", _PHQ9_TOTAL),
    (
        "auditc_total",
        AUDITC_ITEMS[-1],
        "redcap.auditc_total",
        f"if({_A1} = '', '', if({_A1} = 0, 0, {_A1} + {_A2} + {_A3}))",
    ),
)


def _quote(value: object) -> str:
    return str(value) if isinstance(value, int) else "'" + str(value) + "'"


def condition_logic(c: Condition, target: Question, field: str | None = None) -> str:
    """One condition in REDCap branching-logic syntax."""
    name = field or c.question
    if c.operator == "exists":
        return f"[{name}] <> ''" if c.value else f"[{name}] = ''"
    if target.type == "multi":
        checked = f"[{name}({c.value})]"
        return f"{checked} = '1'" if c.operator == "=" else f"{checked} <> '1'"
    op = {"=": "=", "!=": "<>"}.get(c.operator, c.operator)
    return f"[{name}] {op} {_quote(c.value)}"


def branching_logic(
    conditions: tuple[Condition, ...],
    behavior: str,
    lookup: Mapping[str, Question],
    rename: Mapping[str, str] | None = None,
) -> str:
    """Conditions joined with ``and`` (all) or ``or`` (any); empty when there are none."""
    names = rename or {}
    parts = [condition_logic(c, lookup[c.question], names.get(c.question)) for c in conditions]
    return f" {'or' if behavior == 'any' else 'and'} ".join(parts)


def _both(*logic: str) -> str:
    present = [x for x in logic if x]
    if len(present) <= 1:
        return present[0] if present else ""
    return " and ".join(f"({x})" if " or " in x else x for x in present)


def _choices(q: Question, language: str) -> str:
    options = [(str(o.code), o.label) for o in q.choices]
    if q.type == "multi":
        options.append((NONE_CODE, q.none_label or t("redcap.none", language)))
    return " | ".join(f"{code}, {label}" for code, label in options)


def _row(
    q: Question,
    *,
    field: str,
    form: str,
    header: str = "",
    logic: str = "",
    required: bool | None = None,
    label: str | None = None,
    language: str = "en",
) -> dict[str, str]:
    row = dict.fromkeys(REDCAP_COLUMNS, "")
    row["Variable / Field Name"] = field
    row["Form Name"] = form
    row["Section Header"] = header
    row["Field Label"] = label or q.text
    row["Field Note"] = q.help or ""
    annotations = []
    if q.type == "integer":
        row["Field Type"] = "text"
        row["Text Validation Type OR Show Slider Number"] = "integer"
        row["Text Validation Min"] = str(q.min)
        row["Text Validation Max"] = str(q.max)
        if q.unit:
            row["Field Note"] = (row["Field Note"] + f" ({q.unit})").strip()
    elif q.type == "text":
        row["Field Type"] = "notes" if q.multiline else "text"
        annotations.append(f"@CHARLIMIT={q.max_length}")
    elif q.type == "multi":
        row["Field Type"] = "checkbox"
        row["Choices, Calculations, OR Slider Labels"] = _choices(q, language)
        annotations.append(f"@NONEOFTHEABOVE='{NONE_CODE}'")
    else:
        row["Field Type"] = "dropdown" if len(q.choices) >= DROPDOWN_FROM else "radio"
        row["Choices, Calculations, OR Slider Labels"] = _choices(q, language)
    if q.id in LOINC_CODES and field == q.id:
        annotations.append(f"LOINC {LOINC_CODES[q.id]}")
    row["Field Annotation"] = " ".join(annotations)
    row["Identifier?"] = "y" if q.id in IDENTIFIERS else ""
    row["Branching Logic (Show field only if...)"] = logic
    row["Required Field?"] = "y" if (q.required if required is None else required) else ""
    if q.id in PHQ9_MATRIX_ITEMS and field == q.id:
        row["Matrix Group Name"] = PHQ9_MATRIX
    return row


def _plain(field: str, form: str, kind: str, label: str) -> dict[str, str]:
    """A field that is not a question: the record id, a calc or a descriptive field."""
    row = dict.fromkeys(REDCAP_COLUMNS, "")
    row.update({"Variable / Field Name": field, "Form Name": form, "Field Type": kind})
    row["Field Label"] = label
    return row


def _calc(field: str, form: str, label: str, equation: str) -> dict[str, str]:
    row = _plain(field, form, "calc", label)
    row["Choices, Calculations, OR Slider Labels"] = equation
    row["Field Annotation"] = f"LOINC {LOINC_CODES[field]}"
    return row


def _header(title: str, intro: str | None) -> str:
    return f"{title}\n{intro}" if intro else title


def dictionary_rows(
    questionnaire: Questionnaire | None = None, *, region: str = DEFAULT_REGION
) -> Iterator[dict[str, str]]:
    """The data dictionary, one field per row: ``record_id``, then questionnaire order."""
    qn = questionnaire or load_questionnaire()
    yield _plain(RECORD_ID, qn.sections[0].id, "text", t("redcap.record_id", qn.language))
    calcs = {after: (field, label, eq) for field, after, label, eq in CALC_FIELDS}
    for section in qn.sections:
        header = _header(section.title, section.intro)
        section_logic = branching_logic(section.enabled_when, section.enabled_behavior, qn.by_id)
        if section.id == "safety":
            yield _crisis_row(section.id, header, section_logic, region, qn.language)
            header = ""
        for q in qn.in_section(section.id):
            own = branching_logic(q.enabled_when, q.enabled_behavior, qn.by_id)
            logic = _both(section_logic, own)
            if q.type == "repeat":
                yield from _trial_rows(q, section.id, header, logic, qn.language)
            else:
                yield _row(
                    q, field=q.id, form=section.id, header=header, logic=logic, language=qn.language
                )
            header = ""
            if q.id in calcs:
                field, label, equation = calcs[q.id]
                yield _calc(field, section.id, t(label, qn.language), equation)
        if section.attribution:
            yield _plain(
                f"{section.id}_attribution", section.id, "descriptive", section.attribution
            )


def _crisis_row(form: str, header: str, logic: str, region: str, language: str) -> dict[str, str]:
    """The region's crisis lines, shown with the safety questions (item 9 above zero)."""
    row = _plain(CRISIS_ITEM, form, "descriptive", crisis_text(region, language))
    row["Section Header"] = header
    row["Branching Logic (Show field only if...)"] = logic
    return row


def _trial_rows(
    q: Question, form: str, header: str, logic: str, language: str
) -> Iterator[dict[str, str]]:
    count = Question(
        id=TRIAL_COUNT,
        type="integer",
        text=t("redcap.how_many", language, text=q.text),
        help=q.help,
        required=q.required,
        min=q.min_items or 0,
        max=q.max_items,
    )
    yield _row(count, field=TRIAL_COUNT, form=form, header=header, logic=logic, language=language)
    for n in range(1, (q.max_items or 0) + 1):
        shown = _both(logic, f"[{TRIAL_COUNT}] >= {n}")
        rename = {s.id: f"trial{n}_{s.id}" for s in q.items}
        for i, sub in enumerate(q.items):
            own = branching_logic(sub.enabled_when, sub.enabled_behavior, q.item_by_id, rename)
            yield _row(
                sub,
                field=rename[sub.id],
                form=form,
                header=f"{q.item_label or t('redcap.entry', language)} {n}" if i == 0 else "",
                logic=_both(shown, own),
                label=f"{q.item_label or t('redcap.entry', language)} {n}: {sub.text}",
                language=language,
            )


def data_dictionary(
    questionnaire: Questionnaire | None = None, *, region: str = DEFAULT_REGION
) -> bytes:
    """The REDCap data dictionary as UTF-8 CSV bytes (header row + one row per field), with
    the crisis lines of ``region`` (us, uk, ca, au, eu).

    The Spanish variant is ``data_dictionary(load_questionnaire(language="es"))``: the same
    fields, codes and branching logic, with Spanish labels and notes."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=REDCAP_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(dictionary_rows(questionnaire, region=region))
    return out.getvalue().encode("utf-8")
