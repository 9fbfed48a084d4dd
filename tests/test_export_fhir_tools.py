"""The FHIR export checked by tools that are not ours: the FHIR R4 JSON Schema (HL7's,
tests/data/fhir, validated with ``jsonschema``) and a FHIRPath engine (``fhirpathpy``)
running the Questionnaire's calculatedExpression on our responses; plus the crisis lines
that travel with the Questionnaire."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhirpathpy import evaluate  # type: ignore[import-untyped]
from fhirpathpy.models import models  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft6Validator

from screening.crisis import REGION_CODES, load_crisis_resources
from screening.exports.fhir import questionnaire_resource
from screening.exports.fhir_response import questionnaire_response, response_to_record
from tests.export_data import (
    ANSWERS,
    VIGNETTE_IDS,
    VIGNETTES,
    by_link,
    items,
    record,
    vignette_record,
)

SCHEMA_FILE = Path(__file__).parent / "data" / "fhir" / "fhir.schema.json.gz"
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEFINITION = questionnaire_resource()


@cache
def validator(resource_type: str) -> Draft6Validator:
    """A JSON Schema validator for one resource type of the FHIR R4 schema."""
    schema = json.loads(gzip.decompress(SCHEMA_FILE.read_bytes()))
    return Draft6Validator(
        {
            "$schema": schema["$schema"],
            "definitions": schema["definitions"],
            "$ref": f"#/definitions/{resource_type}",
        }
    )


def schema_errors(resource: dict[str, Any]) -> list[str]:
    """Every error the FHIR R4 JSON Schema finds in a resource, with its place."""
    found = validator(resource["resourceType"]).iter_errors(resource)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:120]}" for e in found]


# ----------------------------------------------------------------------------- JSON Schema


def test_schema_is_hl7_r4() -> None:
    """The vendored schema is HL7's FHIR R4 (4.0) JSON Schema."""
    schema = json.loads(gzip.decompress(SCHEMA_FILE.read_bytes()))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"


@pytest.mark.parametrize("region", REGION_CODES)
def test_questionnaire_passes_the_r4_json_schema(region: str) -> None:
    """The Questionnaire, for each region, passes the FHIR R4 JSON Schema."""
    assert schema_errors(questionnaire_resource(region=region)) == []


@pytest.mark.parametrize("region", REGION_CODES)
def test_questionnaire_of_each_region_validates_with_fhir_resources(region: str) -> None:
    """The Questionnaire of each region is also a valid fhir.resources R4B resource."""
    FhirQuestionnaire.model_validate(questionnaire_resource(region=region))


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_response_passes_the_r4_json_schema(v: dict[str, Any]) -> None:
    """Each vignette's QuestionnaireResponse passes the FHIR R4 JSON Schema."""
    assert schema_errors(questionnaire_response(vignette_record(v))) == []


@PROPERTY
@given(ANSWERS)
def test_any_response_passes_the_r4_json_schema(answers: dict[str, Any]) -> None:
    """For any answers, the response passes the FHIR R4 JSON Schema."""
    assert schema_errors(questionnaire_response(record(answers))) == []


def test_the_schema_check_can_fail() -> None:
    """A wrong item type and an unknown property are caught (the check is not empty)."""
    bad = questionnaire_resource()
    bad["item"][0].update(type="grup", colour="red")
    assert len(schema_errors(bad)) == 2


# ----------------------------------------------------------------------------- FHIRPath


def calculated(link: str) -> str:
    """The calculatedExpression (FHIRPath) of an item of the Questionnaire."""
    (ext,) = [e for e in by_link(DEFINITION)[link]["extension"] if "calculated" in e["url"]]
    assert ext["valueExpression"]["language"] == "text/fhirpath"
    expression: str = ext["valueExpression"]["expression"]
    return expression


def computed(response: dict[str, Any], link: str) -> int | None:
    """What fhirpathpy computes for a total on a response (None when empty)."""
    found = evaluate(response, calculated(link), {"resource": response}, model=models["r4"])
    assert len(found) <= 1
    return int(found[0]) if found else None


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_phq9_total_expression_matches_the_score(v: dict[str, Any]) -> None:
    """The PHQ-9 total's FHIRPath, run by fhirpathpy on the response, gives our total."""
    rec = vignette_record(v)
    assert computed(questionnaire_response(rec), "phq9_total") == rec.result.scores["phq9_total"]


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_auditc_total_expression_matches_the_score(v: dict[str, Any]) -> None:
    """The AUDIT-C total's FHIRPath, run by fhirpathpy on the response, gives our total."""
    rec = vignette_record(v)
    got = computed(questionnaire_response(rec), "auditc_total")
    assert got == rec.result.scores["auditc_total"]


@PROPERTY
@given(ANSWERS)
def test_expressions_match_the_scores_for_any_answers(answers: dict[str, Any]) -> None:
    """For any answers, both FHIRPath totals equal our scores (blank when ours is)."""
    rec = record(answers)
    response = questionnaire_response(rec)
    scores = rec.result.scores
    assert (computed(response, "phq9_total"), computed(response, "auditc_total")) == (
        scores["phq9_total"],
        scores["auditc_total"],
    )


def test_phq9_expression_reads_our_earlier_codes(base: dict[str, Any]) -> None:
    """The PHQ-9 expression also adds up responses coded '0'…'3' (before 1.1)."""
    response = questionnaire_response(record(base))
    for n in range(1, 10):
        by_link(response)[f"phq9_{n}"]["answer"][0]["valueCoding"]["code"] = str(base[f"phq9_{n}"])
    assert computed(response, "phq9_total") == 16


# ----------------------------------------------------------------------------- crisis lines


def crisis_item(region: str = "us") -> dict[str, Any]:
    """The crisis display item of the Questionnaire of a region."""
    return by_link(questionnaire_resource(region=region))["crisis_resources"]


@pytest.mark.parametrize("region", REGION_CODES)
def test_crisis_item_lists_every_number_of_the_region(region: str) -> None:
    """The display item names each service of the region with its number."""
    text = crisis_item(region)["text"]
    services = load_crisis_resources().region(region).resources
    assert [
        (r.name, r.number) for r in services if r.name not in text or r.number not in text
    ] == []


def test_crisis_item_opens_the_safety_section() -> None:
    """The crisis lines are the first item of the safety section, before its intro."""
    group = by_link(DEFINITION)["safety"]
    assert [i["linkId"] for i in group["item"][:2]] == ["crisis_resources", "safety.intro"]


def test_crisis_item_is_a_display() -> None:
    """The crisis lines are a display item (nothing to answer)."""
    assert crisis_item()["type"] == "display"


def _enabled(when: dict[str, Any], answers: dict[str, list[dict[str, Any]]]) -> bool:
    """R4 enableWhen for '=' on a coding: some answer has that system and code."""
    want = when["answerCoding"]
    given = answers.get(when["question"], [])
    return any(
        (a.get("valueCoding", {}).get("system"), a.get("valueCoding", {}).get("code"))
        == (want["system"], want["code"])
        for a in given
    )


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_crisis_item_shows_exactly_when_crisis_resources_apply(v: dict[str, Any]) -> None:
    """By its enableWhen (any), the display shows for a response exactly when the record's
    result says crisis resources apply."""
    rec = vignette_record(v)
    answers = {i["linkId"]: i.get("answer", []) for i in items(questionnaire_response(rec))}
    item = crisis_item()
    assert item["enableBehavior"] == "any"
    shown = any(_enabled(w, answers) for w in item["enableWhen"])
    assert shown == rec.result.crisis


def test_crisis_display_copied_into_a_response_is_accepted(base: dict[str, Any]) -> None:
    """A renderer that copies the display item into the response does not spoil it."""
    response = questionnaire_response(record(base))
    response["item"].append({"linkId": "crisis_resources", "text": crisis_item()["text"]})
    assert response_to_record(response, "r.json").answers == record(base).answers
