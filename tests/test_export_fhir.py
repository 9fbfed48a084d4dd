"""FHIR R4 export: the Questionnaire, one QuestionnaireResponse per record, and the way back."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse as FhirQuestionnaireResponse,
)
from hypothesis import HealthCheck, given, settings

from screening.errors import RecordError
from screening.exports.fhir import LOINC, questionnaire_resource
from screening.exports.fhir_codes import fhir_string
from screening.exports.fhir_response import (
    questionnaire_response,
    response_problems,
    response_to_answers,
    response_to_record,
)
from tests.export_data import (
    ANSWERS,
    QN,
    VIGNETTE_IDS,
    VIGNETTES,
    by_link,
    items,
    record,
    vignette_record,
)

DEFINITION = questionnaire_resource()
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_back(response: dict[str, Any]) -> dict[str, Any]:
    """The validated, pruned answers of a response."""
    return response_to_record(response, "r.json").answers


# ----------------------------------------------------------------------------- Questionnaire


def test_questionnaire_validates_as_r4() -> None:
    """The Questionnaire is a valid FHIR R4(B) resource."""
    FhirQuestionnaire.model_validate(DEFINITION)


def test_questionnaire_is_json() -> None:
    """The Questionnaire survives a JSON round trip unchanged."""
    assert json.loads(json.dumps(DEFINITION)) == DEFINITION


def test_link_ids_are_unique() -> None:
    """No two items share a linkId."""
    links = [i["linkId"] for i in items(DEFINITION)]
    assert len(links) == len(set(links))


def test_every_question_is_an_item() -> None:
    """Each question (and trial sub-question) of the questionnaire has an item."""
    links = set(by_link(DEFINITION))
    expected = {q.id for q in QN.questions} | {
        f"ad_trials.{s.id}" for s in QN.by_id["ad_trials"].items
    }
    assert expected - links == set()


def test_enable_when_refers_to_items() -> None:
    """Every enableWhen names an existing question item."""
    links = by_link(DEFINITION)
    dangling = [
        (i["linkId"], w["question"])
        for i in items(DEFINITION)
        for w in i.get("enableWhen", [])
        if w["question"] not in links or links[w["question"]]["type"] in ("group", "display")
    ]
    assert dangling == []


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("phq9", "44249-1"),
        ("phq9_1", "44250-9"),
        ("phq9_2", "44255-8"),
        ("phq9_3", "44259-0"),
        ("phq9_4", "44254-1"),
        ("phq9_5", "44251-7"),
        ("phq9_6", "44258-2"),
        ("phq9_7", "44252-5"),
        ("phq9_8", "44253-3"),
        ("phq9_9", "44260-8"),
        ("phq9_difficulty", "69722-7"),
        ("phq9_total", "44261-6"),
        ("auditc", "72109-2"),
        ("auditc_1", "68518-0"),
        ("auditc_2", "68519-8"),
        ("auditc_3", "68520-6"),
        ("auditc_total", "75626-2"),
    ],
)
def test_loinc_codes(link: str, code: str) -> None:
    """PHQ-9 and AUDIT-C items carry their LOINC codes."""
    assert by_link(DEFINITION)[link]["code"] == [{"system": LOINC, "code": code}]


def test_safety_section_is_enabled_by_item9() -> None:
    """The safety group shows when item 9 is 1, 2 or 3 (any)."""
    group = by_link(DEFINITION)["safety"]
    assert (
        group["enableBehavior"],
        [(w["question"], w["operator"], w["answerCoding"]["code"]) for w in group["enableWhen"]],
    ) == (
        "any",
        [("phq9_9", "=", "LA6569-3"), ("phq9_9", "=", "LA6570-1"), ("phq9_9", "=", "LA6571-9")],
    )


def test_pregnancy_is_hidden_for_male() -> None:
    """sex_at_birth != male becomes a != enableWhen on the coded answer."""
    (when,) = by_link(DEFINITION)["pregnancy_status"]["enableWhen"]
    assert (when["question"], when["operator"], when["answerCoding"]["code"]) == (
        "sex_at_birth",
        "!=",
        "male",
    )


def test_trials_are_a_repeating_group() -> None:
    """ad_trials is a repeating group of its sub-questions."""
    group = by_link(DEFINITION)["ad_trials"]
    assert (group["type"], group["repeats"], [i["linkId"] for i in group["item"][1:]]) == (
        "group",
        True,
        [f"ad_trials.{s.id}" for s in QN.by_id["ad_trials"].items],
    )


def test_none_of_these_is_its_own_item_that_disables_the_choices() -> None:
    """ "None of these" is a yes/no item; the choices are enabled only while it is not yes,
    so a renderer without optionExclusive cannot combine them."""
    links = by_link(DEFINITION)
    none, item = links["heart_conditions_none"], links["heart_conditions"]
    assert (none["type"], item["repeats"], item["enableWhen"]) == (
        "boolean",
        True,
        [{"question": "heart_conditions_none", "operator": "!=", "answerBoolean": True}],
    )


def test_no_choice_item_offers_none_as_an_option() -> None:
    """No multi question has a 'none' answer option to combine with others."""
    codes = [
        (i["linkId"], o["valueCoding"]["code"])
        for i in items(DEFINITION)
        if i.get("repeats") and i["type"] == "choice"
        for o in i["answerOption"]
    ]
    assert [c for c in codes if c[1] == "none"] == []


def test_choice_items_use_type_choice() -> None:
    """Choice questions use the R4 item type 'choice'."""
    assert by_link(DEFINITION)["dx_bipolar"]["type"] == "choice"


# ----------------------------------------------------------------------------- responses


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_response_validates_as_r4(v: dict[str, Any]) -> None:
    """Each vignette's QuestionnaireResponse is a valid FHIR R4(B) resource."""
    FhirQuestionnaireResponse.model_validate(questionnaire_response(vignette_record(v)))


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_response_matches_the_questionnaire(v: dict[str, Any]) -> None:
    """Every linkId and answer code of the response exists in the Questionnaire."""
    assert response_problems(questionnaire_response(vignette_record(v)), DEFINITION) == []


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_response_round_trips(v: dict[str, Any]) -> None:
    """response_to_answers gives back the record's answers."""
    rec = vignette_record(v)
    assert read_back(questionnaire_response(rec)) == rec.answers


def test_response_names_the_questionnaire_version() -> None:
    """The response points at the canonical Questionnaire with its version."""
    response = questionnaire_response(vignette_record(VIGNETTES[0]))
    assert response["questionnaire"] == f"{DEFINITION['url']}|{DEFINITION['version']}"


def test_authored_is_the_record_time() -> None:
    """authored is the record's created_at."""
    assert questionnaire_response(vignette_record(VIGNETTES[0]))["authored"] == (
        "2026-11-27T09:30:00Z"
    )


def test_incomplete_record_is_in_progress() -> None:
    """An incomplete record is an in-progress response."""
    v = next(v for v in VIGNETTES if v["id"] == "incomplete-phq9")
    assert questionnaire_response(vignette_record(v))["status"] == "in-progress"


def test_scores_are_read_only_answers(base: dict[str, Any]) -> None:
    """The PHQ-9 total travels as the answer of its read-only item."""
    (total,) = [
        i for i in items(questionnaire_response(record(base))) if i["linkId"] == "phq9_total"
    ]
    assert total["answer"] == [{"valueInteger": 16}]


def test_no_trials_is_the_none_flag(base: dict[str, Any]) -> None:
    """ad_trials = [] is answered as ad_trials_none = true and reads back as []."""
    base["ad_trials"] = []
    response = questionnaire_response(record(base))
    flag = by_link(response)["ad_trials_none"]["answer"]
    assert (flag, read_back(response)["ad_trials"]) == ([{"valueBoolean": True}], [])


def test_empty_trial_entry_round_trips(base: dict[str, Any]) -> None:
    """An entry with nothing filled in is still an entry."""
    base["ad_trials"] = [{}, {"medication": "other", "medication_other": "Zoloft XR"}]
    rec = record(base)
    assert read_back(questionnaire_response(rec))["ad_trials"] == rec.answers["ad_trials"]


def test_none_of_these_round_trips(base: dict[str, Any]) -> None:
    """A multi answer [] is its none item answered yes and reads back as []."""
    response = questionnaire_response(record(base))
    links = by_link(response)
    assert (
        links["brain_conditions_none"]["answer"],
        "brain_conditions" in links,
        read_back(response)["brain_conditions"],
    ) == ([{"valueBoolean": True}], False, [])


def test_none_code_of_earlier_exports_still_reads(base: dict[str, Any]) -> None:
    """A response written before 1.1 (multi answer [] as the option 'none') reads as []."""
    response = _response(base)
    group = by_link(response)["medical"]
    group["item"] = [i for i in group["item"] if i["linkId"] != "brain_conditions_none"]
    system = DEFINITION["url"].replace(":Questionnaire:", ":CodeSystem:")
    none = {"valueCoding": {"system": system, "code": "none"}}
    group["item"].append({"linkId": "brain_conditions", "answer": [none]})
    assert read_back(response)["brain_conditions"] == []


def test_none_with_answers_is_refused_naming_the_item(base: dict[str, Any]) -> None:
    """None of these answered yes beside chosen conditions is refused, naming both."""
    response = _response(base)
    base_rec = record({**base, "brain_conditions": ["seizures"]})
    chosen = by_link(questionnaire_response(base_rec))["brain_conditions"]
    by_link(response)["medical"]["item"].append(chosen)
    with pytest.raises(RecordError, match="brain_conditions_none says none of these"):
        response_to_answers(response)


def test_phq9_answers_are_loinc_answer_codes(base: dict[str, Any]) -> None:
    """PHQ-9 items are answered with LOINC answer codes (LA…), difficulty too."""
    links = by_link(questionnaire_response(record(base)))
    codings = [links[k]["answer"][0]["valueCoding"] for k in ("phq9_1", "phq9_difficulty")]
    assert [(c["system"], c["code"][:2]) for c in codings] == [(LOINC, "LA"), (LOINC, "LA")]


def test_phq9_scores_as_our_codes_still_read(base: dict[str, Any]) -> None:
    """A response with PHQ-9 scores coded '0'…'3' in our system (before 1.1) reads too."""
    response = _response(base)
    system = DEFINITION["url"].replace(":Questionnaire:", ":CodeSystem:")
    for n in range(1, 10):
        coding = by_link(response)[f"phq9_{n}"]["answer"][0]["valueCoding"]
        coding.update(system=system, code=str(base[f"phq9_{n}"]))
    assert read_back(response) == record(base).answers


@pytest.mark.parametrize(
    ("score", "code"), [(0, "LA6568-5"), (1, "LA6569-3"), (2, "LA6570-1"), (3, "LA6571-9")]
)
def test_phq9_answer_options_carry_loinc_codes(score: int, code: str) -> None:
    """Each PHQ-9 score is its LOINC answer code, with the score as ordinalValue."""
    option = by_link(DEFINITION)["phq9_9"]["answerOption"][score]
    assert (option["valueCoding"]["code"], option["extension"][0]["valueDecimal"]) == (
        code,
        score,
    )


@pytest.mark.parametrize(
    ("ours", "code"),
    [
        ("not_difficult", "LA6572-7"),
        ("somewhat", "LA6573-5"),
        ("very", "LA6575-0"),
        ("extremely", "LA6574-3"),
    ],
)
def test_difficulty_options_carry_loinc_codes(ours: str, code: str) -> None:
    """The PHQ-9 difficulty answers are LOINC's (answer list of 69722-7)."""
    options = by_link(DEFINITION)["phq9_difficulty"]["answerOption"]
    labels = {o["valueCoding"]["code"]: o["valueCoding"]["display"] for o in options}
    assert labels[code] == QN.by_id["phq9_difficulty"].label_of(ours)


@pytest.mark.parametrize(
    ("link", "control"),
    [
        ("dx_bipolar", "radio-button"),
        ("phq9_1", "radio-button"),
        ("heart_conditions", "check-box"),
        ("ad_trials.medication", "drop-down"),
    ],
)
def test_choice_items_have_an_item_control(link: str, control: str) -> None:
    """Choice items say how to show them: radio buttons, check boxes, a drop-down list."""
    (ext,) = [e for e in by_link(DEFINITION)[link]["extension"] if e["url"].endswith("itemControl")]
    assert ext["valueCodeableConcept"]["coding"][0]["code"] == control


def test_every_choice_item_has_an_item_control() -> None:
    """No choice item is left without an itemControl."""
    bare = [
        i["linkId"]
        for i in items(DEFINITION)
        if i["type"] == "choice"
        and not any(e["url"].endswith("itemControl") for e in i.get("extension", []))
    ]
    assert bare == []


@PROPERTY
@given(ANSWERS)
def test_any_answers_round_trip(answers: dict[str, Any]) -> None:
    """For any answers, the response reads back to the same answers (text as a FHIR string
    can hold it: control characters as U+FFFD, odd spaces as plain ones)."""
    rec = record(answers)
    assert read_back(questionnaire_response(rec)) == as_fhir_text(rec.answers)


def as_fhir_text(value: Any) -> Any:
    """Answers with every text passed through fhir_string."""
    if isinstance(value, str):
        return fhir_string(value)
    if isinstance(value, dict):
        return {k: as_fhir_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_fhir_text(v) for v in value]
    return value


def test_text_that_fhir_cannot_hold_is_replaced(base: dict[str, Any]) -> None:
    """A control character becomes U+FFFD and a no-break space a plain one; the rest stays."""
    base["notes_for_clinician"] = "a\x1fb\u00a0c\nd — é"
    (item,) = [
        i
        for i in items(questionnaire_response(record(base)))
        if i["linkId"] == "notes_for_clinician"
    ]
    assert item["answer"] == [{"valueString": "a\ufffdb c\nd — é"}]


@PROPERTY
@given(ANSWERS)
def test_any_response_validates_as_r4(answers: dict[str, Any]) -> None:
    """For any answers, the response is a valid FHIR R4(B) resource."""
    FhirQuestionnaireResponse.model_validate(questionnaire_response(record(answers)))


@PROPERTY
@given(ANSWERS)
def test_any_response_matches_the_questionnaire(answers: dict[str, Any]) -> None:
    """For any answers, the response's linkIds and codes exist in the Questionnaire."""
    assert response_problems(questionnaire_response(record(answers)), DEFINITION) == []


def test_checker_reports_an_unknown_code(base: dict[str, Any]) -> None:
    """response_problems catches a code that is not an option."""
    response = questionnaire_response(record(base))
    by_link(response)["dx_bipolar"]["answer"][0]["valueCoding"]["code"] = "perhaps"
    assert response_problems(response, DEFINITION) == [
        "dx_bipolar: code 'perhaps' is not an option"
    ]


def test_checker_reports_an_unknown_link(base: dict[str, Any]) -> None:
    """response_problems catches a linkId that is not in the Questionnaire."""
    response = questionnaire_response(record(base))
    response["item"][0]["item"].append({"linkId": "favourite_colour", "answer": []})
    assert response_problems(response, DEFINITION) == [
        "'favourite_colour' is not an item of the Questionnaire"
    ]


# ----------------------------------------------------------------------------- reading back


def _response(base: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(questionnaire_response(record(base)))


def test_other_resource_is_refused() -> None:
    """A resource that is not a QuestionnaireResponse is refused, naming the file."""
    with pytest.raises(RecordError, match=r"^p.json: not a FHIR QuestionnaireResponse"):
        response_to_answers({"resourceType": "Patient"}, name="p.json")


def test_other_questionnaire_is_refused(base: dict[str, Any]) -> None:
    """A response to another questionnaire is refused."""
    response = _response(base)
    response["questionnaire"] = "http://loinc.org/q/44249-1"
    with pytest.raises(RecordError, match="answers a different questionnaire"):
        response_to_answers(response)


def test_unknown_item_is_refused(base: dict[str, Any]) -> None:
    """An item that is not ours is refused, naming it."""
    response = _response(base)
    response["item"][0]["item"].append({"linkId": "favourite_colour"})
    with pytest.raises(RecordError, match="'favourite_colour' is not part of this questionnaire"):
        response_to_answers(response)


def test_two_answers_to_a_single_question_are_refused(base: dict[str, Any]) -> None:
    """A single-choice item with two answers is refused."""
    response = _response(base)
    item = by_link(response)["dx_bipolar"]
    item["answer"] = item["answer"] * 2
    with pytest.raises(RecordError, match="dx_bipolar has 2 answers"):
        response_to_answers(response)


def test_foreign_code_system_is_refused(base: dict[str, Any]) -> None:
    """A coding from another system is refused."""
    response = _response(base)
    by_link(response)["dx_bipolar"]["answer"][0]["valueCoding"]["system"] = "http://snomed.info/sct"
    with pytest.raises(RecordError, match="code system"):
        response_to_answers(response)


def test_invalid_code_fails_validation_with_the_name(base: dict[str, Any]) -> None:
    """A code the questionnaire does not know is refused when read as a record."""
    response = _response(base)
    by_link(response)["dx_bipolar"]["answer"][0]["valueCoding"]["code"] = "perhaps"
    with pytest.raises(RecordError, match=r"^r.json: invalid answers: dx_bipolar"):
        response_to_record(response, "r.json")


def test_trial_entry_items_must_be_a_list(base: dict[str, Any]) -> None:
    """A trial entry whose 'item' is not a list is refused, not a crash."""
    response = _response(base)
    treatment = by_link(response)["treatment"]
    treatment["item"].append({"linkId": "ad_trials", "item": True})
    with pytest.raises(RecordError, match="'item' must be a list of objects"):
        response_to_answers(response)


def test_questionnaire_carries_spanish_translations() -> None:
    """Item and option texts carry the standard translation extension with the Spanish."""
    from screening.exports.fhir import TRANSLATION

    resource = questionnaire_resource()
    phq9 = next(i for i in resource["item"] if i["linkId"] == "phq9")
    item = next(i for i in phq9["item"] if i.get("linkId") == "phq9_9")
    (ext,) = item["_text"]["extension"]
    assert ext["url"] == TRANSLATION
    assert {e["url"]: next(v for k, v in e.items() if k != "url") for e in ext["extension"]} == {
        "lang": "es",
        "content": "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
    }
    option = item["answerOption"][0]["valueCoding"]
    assert option["_display"]["extension"][0]["extension"][1]["valueString"] == "Ningún día"
    assert resource["language"] == "en"


def test_crisis_item_carries_the_spanish_crisis_routes() -> None:
    """The crisis display item says the English lines, with the Spanish routes (988 press
    2, HOLA to 741741) as its translation."""
    resource = questionnaire_resource()
    (crisis,) = [i for i in items(resource) if i.get("linkId") == "crisis_resources"]
    assert crisis["text"].startswith("Support is available now")
    (ext,) = crisis["_text"]["extension"]
    spanish = next(e["valueString"] for e in ext["extension"] if e["url"] == "content")
    assert spanish.startswith("Hay apoyo disponible ahora")
    assert "marque 2" in spanish and "HOLA" in spanish
