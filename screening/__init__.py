"""The pure core of the ketamine/esketamine pre-screening questionnaire.

No Streamlit, no clock, no environment: answers in, result out. Heavy parts
(PDF, FHIR, pandas) live in submodules imported only when used, so
``import screening`` stays cheap.

Public surface (imported lazily)::

    load_questionnaire, Questionnaire
    validate_answers, prune, missing_answers, validate_and_prune, is_enabled, is_required,
        section_enabled, conditions_hold, AnswerPath, Problem
    evaluate, evaluate_pruned, Result, Finding, CATALOGUE, RULE_BY_ID, OUTCOMES, KINDS,
        KIND_TITLES, DISCLAIMER, assess_trial
    build_record, dump_record, read_record, LoadedRecord
    crisis_flag, is_safety_positive, AnswerChange, load_crisis_resources
    ScreeningError, QuestionnaireError, AnswersInvalid, RecordError, ErrorCode
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_questionnaire": "screening.questionnaire",
    "Questionnaire": "screening.questionnaire",
    "validate_answers": "screening.answers",
    "prune": "screening.answers",
    "missing_answers": "screening.answers",
    "evaluate": "screening.rules",
    "Result": "screening.rules",
    "Finding": "screening.rules",
    "CATALOGUE": "screening.rules",
    "build_record": "screening.record",
    "dump_record": "screening.record",
    "read_record": "screening.record",
    "LoadedRecord": "screening.record",
    "crisis_flag": "screening.safety",
    "is_safety_positive": "screening.safety",
    "AnswerChange": "screening.safety",
    "AnswerPath": "screening.errors",
    "Problem": "screening.errors",
    "ErrorCode": "screening.errors",
    "validate_and_prune": "screening.answers",
    "is_enabled": "screening.conditions",
    "is_required": "screening.conditions",
    "section_enabled": "screening.conditions",
    "conditions_hold": "screening.conditions",
    "evaluate_pruned": "screening.rules",
    "OUTCOMES": "screening.rules",
    "KINDS": "screening.rules",
    "KIND_TITLES": "screening.rules",
    "DISCLAIMER": "screening.rules",
    "RULE_BY_ID": "screening.rules",
    "assess_trial": "screening.scoring",
    "EVIDENCE_SCORE_KEYS": "screening.scoring",
    "load_crisis_resources": "screening.crisis",
    "ScreeningError": "screening.errors",
    "QuestionnaireError": "screening.errors",
    "AnswersInvalid": "screening.errors",
    "RecordError": "screening.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'screening' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
