"""REDCap's rules for a data dictionary, checked by a parser written here from REDCap's
documented format (field names, field types, choices, validation, matrix groups, action
tags, calc equations, branching logic), and the records CSV checked against the
dictionary: every column and every code of it exists there."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from screening.crisis import REGION_CODES, load_crisis_resources
from screening.exports.redcap import data_dictionary
from screening.exports.redcap_records import record_id, redcap_records_csv
from tests.export_data import ANSWERS, VIGNETTE_IDS, VIGNETTES, record, vignette_record

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TYPES = {"text", "notes", "radio", "dropdown", "checkbox", "calc", "descriptive", "yesno"}
VALIDATIONS = {"", "integer", "number", "date_ymd", "datetime_ymd", "email"}
LOGIC = "Branching Logic (Show field only if...)"
CHOICES = "Choices, Calculations, OR Slider Labels"
ANNOTATION = "Field Annotation"


def dictionary(region: str = "us") -> list[dict[str, str]]:
    """The data dictionary's rows."""
    text = data_dictionary(region=region).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


ROWS = dictionary()
BY_NAME = {r["Variable / Field Name"]: r for r in ROWS}


def choices(row: dict[str, str]) -> list[tuple[str, str]]:
    """(code, label) of a radio, dropdown or checkbox field, as REDCap splits them."""
    out = []
    for part in row[CHOICES].split("|"):
        code, sep, label = part.strip().partition(",")
        assert sep, f"{row['Variable / Field Name']}: choice {part!r} has no comma"
        out.append((code.strip(), label.strip()))
    return out


# ----------------------------------------------------------------------------- logic parser

_TOKEN = re.compile(
    r"\s*(?:(?P<field>\[[a-z][a-z0-9_]*(?:\([A-Za-z0-9_]+\))?\])|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<str>'[^']*'|\"[^\"]*\")|(?P<op><>|<=|>=|=|<|>|\+|-|\*|/)|(?P<word>and|or|if)\b"
    r"|(?P<punct>[(),]))"
)


@dataclass
class Parser:
    """A recursive-descent parser for REDCap logic and calc equations:

    expr := term (('and'|'or') term)* ; term := sum (compare sum)? ;
    sum := atom (('+'|'-'|'*'|'/') atom)* ;
    atom := [field] | [field(code)] | number | 'text' | '(' expr ')' | if(expr, expr, expr)
    """

    tokens: list[tuple[str, str]]
    at: int = 0

    @classmethod
    def parse(cls, text: str) -> list[str]:
        """The field references of a valid expression; AssertionError when it is not."""
        tokens, pos = [], 0
        while pos < len(text.rstrip()):
            found = _TOKEN.match(text, pos)
            assert found and found.end() > pos, f"cannot read {text[pos : pos + 20]!r} in {text!r}"
            kind = found.lastgroup or ""
            tokens.append((kind, found.group(kind)))
            pos = found.end()
        parser = cls(tokens)
        parser.expr()
        assert parser.at == len(tokens), f"unexpected {tokens[parser.at :]!r} in {text!r}"
        return [v for k, v in tokens if k == "field"]

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        assert token != ("", ""), "expression ends too early"
        assert value is None or token[1] == value, f"expected {value!r}, found {token[1]!r}"
        self.at += 1
        return token

    def expr(self) -> None:
        self.term()
        while self.peek()[1] in ("and", "or"):
            self.take()
            self.term()

    def term(self) -> None:
        self.sum()
        if self.peek()[1] in ("=", "<>", "<", ">", "<=", ">="):
            self.take()
            self.sum()

    def sum(self) -> None:
        self.atom()
        while self.peek()[1] in ("+", "-", "*", "/"):
            self.take()
            self.atom()

    def atom(self) -> None:
        kind, value = self.take()
        if kind in ("field", "num", "str"):
            return
        if value == "(":
            self.expr()
            self.take(")")
            return
        assert value == "if", f"unexpected {value!r}"
        self.take("(")
        self.expr()
        self.take(",")
        self.expr()
        self.take(",")
        self.expr()
        self.take(")")


def check_references(fields: list[str], before: set[str]) -> list[str]:
    """References to fields that do not exist (or, for a checkbox code, to a code that is
    not one of its choices)."""
    bad = []
    for ref in fields:
        name, _, code = ref.strip("[]").partition("(")
        target = BY_NAME.get(name)
        if (
            target is None
            or name not in before
            or (code and code.rstrip(")") not in {c for c, _ in choices(target)})
            or (code and target["Field Type"] != "checkbox")
        ):
            bad.append(ref)
    return bad


# ----------------------------------------------------------------------------- the dictionary


def test_the_logic_parser_refuses_what_redcap_refuses() -> None:
    """The parser itself can fail: unbalanced, unknown operators, bad field references."""
    for bad in ("[a] = ", "([a] = 1", "[a] == 1", "[A] = 1", "[a] = 1 and", "[a] = 1 xor [b]"):
        with pytest.raises(AssertionError):
            Parser.parse(bad)


def test_first_field_is_record_id() -> None:
    """REDCap takes the first field as the record id: record_id, a text field."""
    assert (ROWS[0]["Variable / Field Name"], ROWS[0]["Field Type"]) == ("record_id", "text")


def test_no_answer_is_the_record_id() -> None:
    """record_id is the only identifier field of its kind: age_years is a question."""
    assert BY_NAME["age_years"] is not ROWS[0]


def test_field_names_follow_redcap_rules() -> None:
    """Lower-case letters, digits and _, starting with a letter, at most 26 characters."""
    assert [n for n in BY_NAME if not NAME.match(n) or len(n) > 26] == []


def test_field_names_are_unique() -> None:
    """No field appears twice."""
    assert len(BY_NAME) == len(ROWS)


def test_form_names_follow_redcap_rules_and_are_contiguous() -> None:
    """Instrument names are valid, and each instrument's fields are together."""
    forms = [r["Form Name"] for r in ROWS]
    runs = [f for i, f in enumerate(forms) if i == 0 or forms[i - 1] != f]
    assert ([f for f in runs if not NAME.match(f)], len(runs)) == ([], len(set(forms)))


def test_field_types_are_redcap_types() -> None:
    """Every Field Type is one REDCap knows."""
    assert {r["Field Type"] for r in ROWS} - TYPES == set()


@pytest.mark.parametrize(
    "row",
    [r for r in ROWS if r["Field Type"] in ("radio", "dropdown", "checkbox")],
    ids=lambda r: r["Variable / Field Name"],
)
def test_choices_are_valid(row: dict[str, str]) -> None:
    """Choices are 'code, label' with unique codes; checkbox codes are letters, digits, _."""
    pairs = choices(row)
    codes = [c for c, _ in pairs]
    bad_code = re.compile(r"^[A-Za-z0-9_]+$" if row["Field Type"] == "checkbox" else r"^[^,|]+$")
    assert (
        len(codes) == len(set(codes)),
        [c for c in codes if not bad_code.match(c)],
        [lbl for _, lbl in pairs if not lbl],
    ) == (True, [], [])


def test_only_choice_and_calc_fields_have_choices() -> None:
    """The Choices column is empty for text, notes and descriptive fields."""
    assert [
        r["Variable / Field Name"]
        for r in ROWS
        if r[CHOICES] and r["Field Type"] not in ("radio", "dropdown", "checkbox", "calc")
    ] == []


def test_validation_types_and_ranges() -> None:
    """Validation is a REDCap type, only on text fields, and min/max are numbers."""
    bad = []
    for r in ROWS:
        kind = r["Text Validation Type OR Show Slider Number"]
        limits = [r["Text Validation Min"], r["Text Validation Max"]]
        if kind not in VALIDATIONS or (kind and r["Field Type"] != "text"):
            bad.append(r["Variable / Field Name"])
        if any(x and not re.fullmatch(r"-?\d+", x) for x in limits):
            bad.append(r["Variable / Field Name"])
    assert bad == []


def test_flags_are_y_or_blank() -> None:
    """Required Field? and Identifier? are 'y' or blank; calc and descriptive are never
    required."""
    assert [
        r["Variable / Field Name"]
        for r in ROWS
        if r["Required Field?"] not in ("", "y")
        or r["Identifier?"] not in ("", "y")
        or (r["Required Field?"] and r["Field Type"] in ("calc", "descriptive"))
    ] == []


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r[LOGIC]], ids=lambda r: r["Variable / Field Name"]
)
def test_branching_logic_parses_and_refers_to_earlier_fields(row: dict[str, str]) -> None:
    """Branching logic is valid REDCap syntax and names fields (and checkbox codes) that
    exist earlier in the dictionary."""
    names = [r["Variable / Field Name"] for r in ROWS]
    before = set(names[: names.index(row["Variable / Field Name"])])
    assert check_references(Parser.parse(row[LOGIC]), before) == []


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["Field Type"] == "calc"], ids=lambda r: r["Variable / Field Name"]
)
def test_calc_equations_parse_and_refer_to_fields(row: dict[str, str]) -> None:
    """A calc field's equation is valid and uses only earlier fields."""
    names = [r["Variable / Field Name"] for r in ROWS]
    before = set(names[: names.index(row["Variable / Field Name"])])
    assert check_references(Parser.parse(row[CHOICES]), before) == []


def test_totals_are_calc_fields() -> None:
    """The PHQ-9 and AUDIT-C totals are calc fields."""
    assert (BY_NAME["phq9_total"]["Field Type"], BY_NAME["auditc_total"]["Field Type"]) == (
        "calc",
        "calc",
    )


def test_phq9_is_a_matrix() -> None:
    """Items 1–9 form one matrix group: consecutive, radio, the same choices."""
    group = [r for r in ROWS if r["Matrix Group Name"] == "phq9"]
    names = [r["Variable / Field Name"] for r in ROWS]
    first = names.index(group[0]["Variable / Field Name"])
    assert (
        [r["Variable / Field Name"] for r in group],
        names[first : first + 9] == [r["Variable / Field Name"] for r in group],
        {r["Field Type"] for r in group},
        len({r[CHOICES] for r in group}),
        [r["Section Header"] for r in group[1:]],
    ) == ([f"phq9_{n}" for n in range(1, 10)], True, {"radio"}, 1, [""] * 8)


def test_every_none_option_carries_none_of_the_above() -> None:
    """Each checkbox with a 'none' choice has @NONEOFTHEABOVE for exactly that code."""
    wrong = []
    for r in ROWS:
        codes = {c for c, _ in choices(r)} if r["Field Type"] == "checkbox" else set()
        tags = re.findall(r"@NONEOFTHEABOVE='([^']*)'", r[ANNOTATION])
        if ("none" in codes) != (tags == ["none"]):
            wrong.append(r["Variable / Field Name"])
    assert wrong == []


def test_action_tags_are_known() -> None:
    """Only REDCap action tags we mean are used, each in its documented form."""
    tags = {t for r in ROWS for t in re.findall(r"@[A-Z-]+", r[ANNOTATION])}
    assert tags <= {"@NONEOFTHEABOVE", "@CHARLIMIT"}


@pytest.mark.parametrize("region", REGION_CODES)
def test_crisis_field_lists_the_region_and_shows_with_item9(region: str) -> None:
    """A descriptive field opens the safety instrument with each service and number of the
    region, shown when item 9 is above Not at all."""
    row = {r["Variable / Field Name"]: r for r in dictionary(region)}["crisis_resources"]
    services = load_crisis_resources().region(region).resources
    missing = [
        r.name
        for r in services
        if r.name not in row["Field Label"] or r.number not in row["Field Label"]
    ]
    assert (row["Field Type"], row["Form Name"], row[LOGIC], missing) == (
        "descriptive",
        "safety",
        "[phq9_9] >= 1",
        [],
    )


# ----------------------------------------------------------------------------- records CSV


def records_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a records CSV by column."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def allowed_columns() -> dict[str, set[str] | None]:
    """Importable columns by name: the codes each takes (None: any text / number)."""
    out: dict[str, set[str] | None] = {}
    for r in ROWS:
        name, kind = r["Variable / Field Name"], r["Field Type"]
        if kind in ("calc", "descriptive"):
            continue
        if kind == "checkbox":
            out.update({f"{name}___{c}": {"0", "1"} for c, _ in choices(r)})
        elif kind in ("radio", "dropdown"):
            out[name] = {c for c, _ in choices(r)} | {""}
        else:
            out[name] = None
    return out


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_every_column_and_code_exists_in_the_dictionary(v: dict[str, Any]) -> None:
    """Each column of the records CSV is an importable dictionary field (or checkbox
    option) and each code written is one of that field's choices."""
    allowed = allowed_columns()
    (row,) = records_rows(redcap_records_csv([vignette_record(v)]))
    bad = [
        (column, value)
        for column, value in row.items()
        if column not in allowed or (allowed[column] is not None and value not in allowed[column])
    ]
    assert bad == []


def test_numbers_respect_the_validation(base: dict[str, Any]) -> None:
    """Integer fields hold digits within the dictionary's min and max."""
    (row,) = records_rows(redcap_records_csv([record(base)]))
    bad = []
    for r in ROWS:
        value = row.get(r["Variable / Field Name"], "")
        if r["Text Validation Type OR Show Slider Number"] == "integer" and value:
            low, high = int(r["Text Validation Min"]), int(r["Text Validation Max"])
            if not (value.isdigit() and low <= int(value) <= high):
                bad.append(r["Variable / Field Name"])
    assert bad == []


def test_record_id_comes_first_and_differs_between_people(base: dict[str, Any]) -> None:
    """Two people of the same age get different record ids (no merging)."""
    other = {**base, "phq9_1": 0}
    rows = records_rows(redcap_records_csv([record(base), record(other)]))
    assert (
        next(iter(rows[0])),
        rows[0]["age_years"] == rows[1]["age_years"],
        rows[0]["record_id"] != rows[1]["record_id"],
    ) == ("record_id", True, True)


def test_the_same_record_keeps_its_id_and_is_written_once(base: dict[str, Any]) -> None:
    """A record exported twice has the same id, and a file holds it once."""
    rec = record(base)
    rows = records_rows(redcap_records_csv([rec, rec]))
    assert ([r["record_id"] for r in rows], rows[0]["record_id"]) == (
        [record_id(rec)],
        record_id(rec),
    )


def test_none_of_these_is_the_none_checkbox(base: dict[str, Any]) -> None:
    """A multi answer [] checks only the none option."""
    (row,) = records_rows(redcap_records_csv([record(base)]))
    boxes = {k: v for k, v in row.items() if k.startswith("brain_conditions___")}
    assert {k for k, v in boxes.items() if v == "1"} == {"brain_conditions___none"}


def test_chosen_options_are_checked(base: dict[str, Any]) -> None:
    """Each chosen code is 1, the others 0."""
    base["current_meds"] = ["opioid", "lithium"]
    (row,) = records_rows(redcap_records_csv([record(base)]))
    checked = {k for k, v in row.items() if k.startswith("current_meds___") and v == "1"}
    assert checked == {"current_meds___opioid", "current_meds___lithium"}


def test_trials_fill_their_numbered_fields(base: dict[str, Any]) -> None:
    """Trial entries go to trial1_…, trial2_…, with the count."""
    (row,) = records_rows(redcap_records_csv([record(base)]))
    assert (row["ad_trials_count"], row["trial1_medication"], row["trial2_medication"]) == (
        str(len(base["ad_trials"])),
        base["ad_trials"][0]["medication"],
        base["ad_trials"][1]["medication"] if len(base["ad_trials"]) > 1 else "",
    )


def test_calc_and_descriptive_fields_are_not_written(base: dict[str, Any]) -> None:
    """REDCap computes the totals; descriptive fields hold no data."""
    (row,) = records_rows(redcap_records_csv([record(base)]))
    assert {"phq9_total", "auditc_total", "crisis_resources", "phq9_attribution"} & set(
        row
    ) == set()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS)
def test_any_answers_write_only_dictionary_columns_and_codes(answers: dict[str, Any]) -> None:
    """For any answers, every column and code of the records CSV is in the dictionary."""
    allowed = allowed_columns()
    (row,) = records_rows(redcap_records_csv([record(answers)]))
    bad = [
        (column, value)
        for column, value in row.items()
        if column not in allowed or (allowed[column] is not None and value not in allowed[column])
    ]
    assert bad == []
