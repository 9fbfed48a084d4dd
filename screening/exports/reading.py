"""One file's bytes as a record: a record file (format 1, or just ``{"answers": ...}``) or a
FHIR QuestionnaireResponse of this questionnaire, told apart by content, never by name.

Every command of the CLI reads its files through ``read_answers_file``; the staff review,
which also reads CSV and many files at once, sniffs the same way
(``screening.review.files``).
"""

from __future__ import annotations

from screening.questionnaire import Questionnaire
from screening.record import LoadedRecord, parse_json, record_from_object

__all__ = ["read_answers_file"]


def read_answers_file(
    data: bytes | str, name: str, questionnaire: Questionnaire | None = None
) -> LoadedRecord:
    """The record held by a file's bytes: a JSON object with ``resourceType`` is read as a
    FHIR QuestionnaireResponse (its answers, time, status and questionnaire version), any
    other as a record file. Raises RecordError with a message that starts with ``name``."""
    obj = parse_json(data, name)
    if isinstance(obj, dict) and "resourceType" in obj:
        from screening.exports.fhir_response import response_to_record

        return response_to_record(obj, name, questionnaire)
    return record_from_object(obj, name, questionnaire)
