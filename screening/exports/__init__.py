"""Exports of records and of the questionnaire: bytes (or plain dicts) in, bytes out.

    pdf.summary_pdf(record, generated_at=...)   the clinician-ready summary (fpdf2, lazy)
    csv.records_to_csv(records) / read_csv(...)  one row per record, Excel-safe, read back
    fhir.questionnaire_resource()                the definition as a FHIR R4 Questionnaire
    fhir.questionnaire_response(record)          a record as a FHIR R4 QuestionnaireResponse
    fhir.response_to_answers(obj)                back from a QuestionnaireResponse to answers
    redcap.data_dictionary()                     a REDCap data dictionary (CSV)

Each module is imported only when used; fpdf and fhir.resources are imported inside the
functions that need them, so ``import screening`` stays light. Nothing here knows about
Streamlit, the clock or the environment: callers pass the generation time and settings.
"""
