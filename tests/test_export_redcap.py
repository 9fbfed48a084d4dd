"""REDCap data dictionary: the 18 standard columns, fields, choices and branching logic."""

from __future__ import annotations

import csv
import io
import re

from screening.exports.csv import CSV_COLUMNS
from screening.exports.redcap import REDCAP_COLUMNS, data_dictionary
from tests.export_data import QN

TABLE = list(csv.DictReader(io.StringIO(data_dictionary().decode("utf-8"), newline="")))
FIELDS = {row["Variable / Field Name"]: row for row in TABLE}
LOGIC = "Branching Logic (Show field only if...)"
CHOICES = "Choices, Calculations, OR Slider Labels"


def test_header_is_the_standard_18_columns() -> None:
    """The first row is REDCap's 18 data-dictionary columns, in order."""
    header = data_dictionary().decode("utf-8").split("\r\n", 1)[0]
    assert header.split(",") == [
        "Variable / Field Name",
        "Form Name",
        "Section Header",
        "Field Type",
        "Field Label",
        '"Choices',
        " Calculations",
        ' OR Slider Labels"',
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
    ]


def test_column_constant_has_18_names() -> None:
    """REDCAP_COLUMNS lists 18 columns."""
    assert len(REDCAP_COLUMNS) == 18


def test_variable_names_are_valid_for_redcap() -> None:
    """Field names are lower-case letters, digits and _, start with a letter, ≤ 26 characters."""
    bad = [n for n in FIELDS if not re.fullmatch(r"[a-z][a-z0-9_]{0,25}", n)]
    assert bad == []


def test_variable_names_are_unique() -> None:
    """No field name appears twice."""
    assert len(FIELDS) == len(TABLE)


def test_variable_names_match_the_csv_answer_columns() -> None:
    """The dictionary's data fields are the CSV export's answer columns (same names); the
    others are the record id, the totals and text to show. The CSV's last column, the
    language, is record metadata, not an answer."""
    first_answer = CSV_COLUMNS.index("age_years")
    extra = {"record_id", "phq9_total", "auditc_total", "crisis_resources"}
    extra |= {"phq9_attribution", "substances_attribution"}
    assert set(FIELDS) == set(CSV_COLUMNS[first_answer:-1]) | extra
    assert CSV_COLUMNS[-1] == "language"


def test_forms_are_the_sections() -> None:
    """Each section is one instrument, in order."""
    forms = list(dict.fromkeys(row["Form Name"] for row in TABLE))
    assert forms == [s.id for s in QN.sections]


def test_section_header_on_the_first_field() -> None:
    """A section's title heads its first field."""
    section = QN.section_by_id["phq9"]
    assert FIELDS["phq9_1"]["Section Header"] == f"{section.title}\n{section.intro}"


def test_pregnancy_branching_logic() -> None:
    """sex_at_birth != male becomes [sex_at_birth] <> 'male'."""
    assert FIELDS["pregnancy_status"][LOGIC] == "[sex_at_birth] <> 'male'"


def test_multi_branching_logic() -> None:
    """A condition on a multi answer checks the checkbox option."""
    assert FIELDS["prior_ketamine_benefit"][LOGIC] == (
        "[prior_ketamine(iv_ketamine)] = '1' or [prior_ketamine(esketamine_nasal)] = '1' "
        "or [prior_ketamine(other_ketamine)] = '1'"
    )


def test_section_logic_applies_to_its_fields() -> None:
    """Safety questions show only when item 9 is 1 or more."""
    assert FIELDS["si_intent"][LOGIC] == "[phq9_9] >= 1"


def test_any_logic_is_joined_with_or() -> None:
    """psychosis_current shows for yes or unsure."""
    assert FIELDS["psychosis_current"][LOGIC] == (
        "[psychosis_history] = 'yes' or [psychosis_history] = 'unsure'"
    )


def test_trial_fields_show_while_the_count_reaches_them() -> None:
    """trial3_weeks shows when ad_trials_count is 3 or more."""
    assert FIELDS["trial3_weeks"][LOGIC] == "[ad_trials_count] >= 3"


def test_other_medication_logic_combines_count_and_choice() -> None:
    """The other-medication name needs both the entry and the choice 'other'."""
    assert FIELDS["trial15_medication_other"][LOGIC] == (
        "[ad_trials_count] >= 15 and [trial15_medication] = 'other'"
    )


def test_fifteen_trial_groups() -> None:
    """Trials are 15 numbered field groups."""
    assert [n for n in FIELDS if re.fullmatch(r"trial[0-9]+_status", n)] == [
        f"trial{i}_status" for i in range(1, 16)
    ]


def test_choices_are_code_comma_label() -> None:
    """Choices read 'code, label | code, label'."""
    assert FIELDS["psychotherapy"][CHOICES] == (
        "none, No | past, Yes, in the past | current, Yes, I am having it now"
    )


def test_checkbox_has_a_none_option() -> None:
    """A multi question is a checkbox with the 'none' option for none of these."""
    row = FIELDS["heart_conditions"]
    assert (row["Field Type"], row[CHOICES].rsplit(" | ", 1)[1]) == (
        "checkbox",
        "none, None of these",
    )


def test_integer_validation() -> None:
    """Integer questions are text fields with integer validation and the range."""
    row = FIELDS["bp_systolic"]
    assert (
        row["Field Type"],
        row["Text Validation Type OR Show Slider Number"],
        row["Text Validation Min"],
        row["Text Validation Max"],
    ) == ("text", "integer", "60", "260")


def test_display_name_is_an_identifier() -> None:
    """The name field is flagged as an identifier."""
    assert FIELDS["display_name"]["Identifier?"] == "y"


def test_required_flags() -> None:
    """Required questions are required fields; optional ones are not."""
    assert (FIELDS["age_years"]["Required Field?"], FIELDS["bp_systolic"]["Required Field?"]) == (
        "y",
        "",
    )


def test_loinc_in_the_annotation() -> None:
    """PHQ-9 items note their LOINC code."""
    assert FIELDS["phq9_9"]["Field Annotation"] == "LOINC 44260-8"


def test_no_pipes_inside_choice_labels() -> None:
    """Choice labels never contain '|', which REDCap uses between choices."""
    labels = [
        c.split(", ", 1)[1]
        for row in TABLE
        if row["Field Type"] != "calc"
        for c in row[CHOICES].split(" | ")
        if c
    ]
    assert [x for x in labels if "|" in x] == []


def test_no_cell_starts_a_formula() -> None:
    """No cell but an action tag starts with = + - @ (the file opens safely in a spreadsheet)."""
    cells = [v for row in TABLE for k, v in row.items() if k != "Field Annotation"]
    assert [v for v in cells if v[:1] in ("=", "+", "-", "@")] == []


def test_spanish_variant_same_fields_spanish_labels() -> None:
    """The Spanish dictionary has the same fields and logic, with Spanish labels."""
    import csv as _csv
    import io as _io

    from screening.exports.redcap import data_dictionary
    from screening.questionnaire import load_questionnaire

    def rows(language: str) -> list[dict[str, str]]:
        text = data_dictionary(load_questionnaire(language=language)).decode("utf-8")
        return list(_csv.DictReader(_io.StringIO(text, newline="")))

    en, es = rows("en"), rows("es")
    field = "Variable / Field Name"
    logic = "Branching Logic (Show field only if...)"
    assert [(r[field], r[logic]) for r in es] == [(r[field], r[logic]) for r in en]
    age = next(r for r in es if r[field] == "age_years")
    assert age["Field Label"] == "¿Cuántos años tiene?"


def test_spanish_variant_gives_the_spanish_crisis_routes_and_labels() -> None:
    """A Spanish-speaking person reads 988 in Spanish (press 2) with the safety questions;
    the record id and the totals are labelled in Spanish too."""
    from screening.exports.redcap import dictionary_rows
    from screening.questionnaire import load_questionnaire

    es = {r["Variable / Field Name"]: r for r in dictionary_rows(load_questionnaire(language="es"))}
    crisis = es["crisis_resources"]["Field Label"]
    assert crisis.startswith("Hay apoyo disponible ahora")
    assert "marque 2" in crisis and "HOLA" in crisis and "911" in crisis
    assert "Support is available" not in crisis
    assert es["record_id"]["Field Label"] == "ID del registro"
    assert es["phq9_total"]["Field Label"].startswith("Puntuación total del PHQ-9")
    assert es["auditc_total"]["Field Label"].startswith("Puntuación total del AUDIT-C")
