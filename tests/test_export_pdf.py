"""The summary PDF, read back with pypdf: crisis first, outcome, findings, literal text."""

from __future__ import annotations

import io
import logging
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pypdf import PdfReader

from screening.exports.pdf import TITLE, record_pdf, summary_pdf
from screening.record import LoadedRecord, build_record
from screening.rules import OUTCOMES, RULE_BY_ID, evaluate
from screening.settings import ClinicSettings
from tests.export_data import ANSWERS, NASTY, QN, VIGNETTE_IDS, VIGNETTES, record, vignette_record

GENERATED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ATTRIBUTION = QN.section_by_id["phq9"].attribution or ""


def flat(text: str) -> str:
    """Whitespace collapsed to single spaces (lines wrap anywhere)."""
    return " ".join(text.split())


@cache
def _pages(data: bytes) -> tuple[str, ...]:
    return tuple(flat(p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages)


def pages(rec: Any, **kw: Any) -> tuple[str, ...]:
    """The text of each page of a record's summary."""
    return _pages(summary_pdf(rec, generated_at=GENERATED, **kw))


def text_of(rec: Any, **kw: Any) -> str:
    """All the text of a record's summary."""
    return " ".join(pages(rec, **kw))


@cache
def _vignette_pages(vid: str) -> tuple[str, ...]:
    v = next(v for v in VIGNETTES if v["id"] == vid)
    return pages(vignette_record(v))


def with_notes(base: dict[str, Any], notes: str) -> LoadedRecord:
    """The base answers with notes for the clinician."""
    base["notes_for_clinician"] = notes
    return record(base)


# ----------------------------------------------------------------------------- crisis first


def test_crisis_box_comes_first_on_page_1() -> None:
    """With crisis answers, page 1 starts with the crisis box, before the clinic header."""
    first = _vignette_pages("item9-passive")[0]
    assert first.index("Support is available now") < first.index("Your clinic")


def test_crisis_box_lists_the_region_lines() -> None:
    """The crisis box names the US lines by default."""
    first = _vignette_pages("item9-passive")[0]
    assert "988 Suicide & Crisis Lifeline" in first.split("Your clinic")[0]


def test_urgent_box_leads_with_the_urgent_title() -> None:
    """Plan or intent: the box leads with 'Please reach out for support today'."""
    assert _vignette_pages("urgent-intent")[0].startswith("Please reach out for support today")


def test_no_crisis_box_without_crisis() -> None:
    """Without crisis answers there is no crisis box."""
    assert "Support is available now" not in " ".join(_vignette_pages("typical-trd"))


@pytest.mark.parametrize("region", ["us", "uk", "ca", "au", "eu"])
def test_crisis_box_gives_every_number_of_the_region(region: str, base: dict[str, Any]) -> None:
    """The box names each service of the region with its number (Samaritans 116 123 too,
    whose description does not say it)."""
    from screening.crisis import load_crisis_resources

    base.update(phq9_9=1, si_plan="no", si_intent="no", self_harm_recent="no")
    box = pages(record(base), region=region)[0].split("For the clinician")[0]
    services = load_crisis_resources().region(region).resources
    assert [r.name for r in services if f"{r.name}" not in box or r.number not in box] == []


def test_region_changes_the_crisis_lines(base: dict[str, Any]) -> None:
    """Region uk shows Samaritans in the box."""
    base.update(phq9_9=1, si_plan="no", si_intent="no", self_harm_recent="no")
    assert "Samaritans" in pages(record(base), region="uk")[0]


# ----------------------------------------------------------------------------- content


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_outcome_title_is_printed(v: dict[str, Any]) -> None:
    """The outcome's title is on page 1."""
    rec = vignette_record(v)
    assert OUTCOMES[rec.result.outcome].title in _vignette_pages(v["id"])[0]


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_every_finding_title_is_printed(v: dict[str, Any]) -> None:
    """Each finding's title appears in the summary."""
    text = " ".join(_vignette_pages(v["id"]))
    titles = [f.title for f in vignette_record(v).result.findings]
    assert [t for t in titles if flat(t) not in text] == []


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_clinician_texts_are_printed(v: dict[str, Any]) -> None:
    """Each finding's clinician-facing text appears under 'For the clinician'."""
    text = " ".join(_vignette_pages(v["id"])).split("For the clinician", 1)[1]
    notes = [RULE_BY_ID[f.id].clinician for f in vignette_record(v).result.findings]
    assert [n for n in notes if flat(n) not in text] == []


@pytest.mark.parametrize("v", VIGNETTES, ids=VIGNETTE_IDS)
def test_every_page_has_the_footer(v: dict[str, Any]) -> None:
    """Every page says page x of y, not a diagnosis, and the PHQ-9 attribution."""
    shown = _vignette_pages(v["id"])
    total = len(shown)
    missing = [
        n
        for n, page in enumerate(shown, 1)
        if f"Page {n} of {total}" not in page
        or "Informational, not a diagnosis" not in page
        or flat(ATTRIBUTION) not in page
    ]
    assert missing == []


def test_header_has_clinic_date_and_versions() -> None:
    """The header names the clinic, the generation time and both versions."""
    first = _vignette_pages("typical-trd")[0]
    assert re.search(
        r"Your clinic Ketamine and esketamine pre-screening summary Generated 27 Nov 2026, "
        r"10:00 UTC .* Ketamine and esketamine: questions to bring to a clinician, version "
        r"1\.1\.0 · rules 1\.1\.0",
        first,
    )


def test_questionnaire_id_is_never_printed() -> None:
    """People read the questionnaire's title, never its id (ketamine-candidacy)."""
    pages = _vignette_pages("typical-trd")
    assert not any("ketamine-candidacy" in page for page in pages)


def test_subject_names_the_questionnaire_by_title(base: dict[str, Any]) -> None:
    """The PDF's subject (XMP dc:description) has the title; the id is nowhere in the file."""
    record = build_record(base, created_at=GENERATED, app_version="0.1.0")
    data = summary_pdf(record, generated_at=GENERATED)
    assert b"ketamine-candidacy" not in data
    assert b"Ketamine and esketamine: questions to bring to a clinician, version" in data


def test_dose_is_shown_to_the_clinician(base: dict[str, Any]) -> None:
    """A daily dose given for a trial is in its row of the trials table."""
    base["ad_trials"][0]["dose_mg_per_day"] = 150
    text = text_of(build_record(base, created_at=GENERATED, app_version="0.1.0"))
    assert "1 Sertraline SSRI 150 8 Yes" in text


def test_changed_safety_answer_is_noted(base: dict[str, Any]) -> None:
    """Item 9 answered above zero and then changed back is noted for the clinician."""
    from screening.safety import AnswerChange

    record = build_record(
        base,
        created_at=GENERATED,
        app_version="0.1.0",
        answer_changes=[AnswerChange("phq9_9", 1, 0)],
    )
    text = text_of(record)
    assert "Safety answers changed while answering" in text
    assert "was answered “Several days” and then changed to “Not at all”" in text


def test_risk_not_assessed_in_the_crisis_box(base: dict[str, Any]) -> None:
    """Prefer not to say on a plan is printed as risk not assessed, never as no."""
    base.update(phq9_9=1, si_plan="prefer_not_to_say", si_intent="no", self_harm_recent="no")
    text = text_of(build_record(base, created_at=GENERATED, app_version="0.1.0"))
    assert "Prefer not to say (risk not assessed)" in text


def test_clinic_name_argument(base: dict[str, Any]) -> None:
    """clinic_name replaces the generic name."""
    assert pages(record(base), clinic_name="Riverside Mood Clinic")[0].startswith(
        "Riverside Mood Clinic"
    )


def test_clinic_settings(base: dict[str, Any]) -> None:
    """Clinic settings give the name and contact line."""
    clinic = ClinicSettings(clinic_name="Harbour Health", phone="+44 20 7946 0000", region="uk")
    first = pages(record(base), settings=clinic)[0]
    assert first.startswith("Harbour Health") and "+44 20 7946 0000" in first


def test_display_name_in_the_header(base: dict[str, Any]) -> None:
    """The name the respondent gave is in the header."""
    base["display_name"] = "J. R."
    assert "Name or initials given: J. R." in pages(record(base))[0]


def test_no_name_line_without_a_name(base: dict[str, Any]) -> None:
    """Without a name there is no name line."""
    assert "Name or initials given" not in pages(record(base))[0]


def test_phq9_items_and_total() -> None:
    """The PHQ-9 table lists item scores and the total with its band."""
    text = " ".join(_vignette_pages("typical-trd"))
    assert "Total (0–27), moderately severe 16" in text


def test_msm_parts() -> None:
    """The approximate MSM shows its parts and total."""
    text = " ".join(_vignette_pages("typical-trd"))
    assert "approximate, from self-report" in text and "2 3 1 0 0 6 (mild)" in text


def test_auditc_total() -> None:
    """AUDIT-C shows its total and the cut-off verdict."""
    text = " ".join(_vignette_pages("typical-trd"))
    assert "Total (0–12), below the cut-off (4 for men, 3 otherwise) 1" in text


def test_trials_table() -> None:
    """Each trial is a row: medication, class, weeks, as prescribed, benefit, status, adequate."""
    text = " ".join(_vignette_pages("typical-trd"))
    assert "1 Sertraline SSRI — 8 Yes A little Stopped: it was not helping enough yes" in text


def test_no_trials(base: dict[str, Any]) -> None:
    """No antidepressant: said in words, no table."""
    base["ad_trials"] = []
    assert "No antidepressant taken during this episode." in text_of(record(base))


def test_fifteen_trials_all_listed(base: dict[str, Any]) -> None:
    """Fifteen trials all appear (the table may continue on the next page)."""
    names = [m.code for m in QN.medications][:15]
    base["ad_trials"] = [
        {
            "medication": m,
            "weeks": 8,
            "took_as_prescribed": "yes",
            "benefit": "none",
            "status": "stopped_not_helping",
        }
        for m in names
    ]
    text = text_of(record(base))
    assert [m.name for m in QN.medications[:15] if m.name not in text] == []


def test_missing_answers_are_listed() -> None:
    """An incomplete record lists what is still to answer."""
    assert "Still to answer:" in _vignette_pages("incomplete-phq9")[0]


def test_answers_sections() -> None:
    """Medical, substance, medicine and practical answers are listed."""
    text = " ".join(_vignette_pages("typical-trd"))
    assert all(
        s in text
        for s in (
            "Medical history",
            "Alcohol and drugs",
            "Medicines taken now",
            "Practical matters",
        )
    )


# ----------------------------------------------------------------------------- literal text


@pytest.mark.parametrize("payload", NASTY, ids=range(len(NASTY)))
def test_notes_are_printed_literally(base: dict[str, Any], payload: str) -> None:
    """Script tags, markdown links, formulas and '{nb}' print exactly as typed."""
    assert flat(payload) in text_of(with_notes(base, payload))


def test_display_name_is_printed_literally(base: dict[str, Any]) -> None:
    """A display name with markup prints as typed."""
    base["display_name"] = "<b>Jo</b> [x](y)"
    assert "<b>Jo</b> [x](y)" in pages(record(base))[0]


def test_non_latin_text(base: dict[str, Any]) -> None:
    """é, ≥, curly quotes and ✓ are drawn (the font covers them)."""
    assert "Café ≥ 3 “quotes” ✓ naïve" in text_of(with_notes(base, "Café ≥ 3 “quotes” ✓ naïve"))


def test_other_medication_name_is_literal(base: dict[str, Any]) -> None:
    """A medication typed by the respondent is printed as typed."""
    base["ad_trials"][0] = {
        **base["ad_trials"][0],
        "medication": "other",
        "medication_other": "=Zoloft+1",
    }
    assert "=Zoloft+1" in text_of(record(base))


def test_undrawable_characters_become_replacement(base: dict[str, Any]) -> None:
    """A character no font has (here an emoji) prints as U+FFFD."""
    assert "ok \ufffd ok" in text_of(with_notes(base, "ok 🙂 ok"))


def test_undrawable_characters_are_not_logged(
    base: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing about the respondent's text reaches the log."""
    with caplog.at_level(logging.DEBUG):
        summary_pdf(with_notes(base, "secret 漢字 🙂"), generated_at=GENERATED)
    assert [r for r in caplog.records if "漢" in r.getMessage() or "🙂" in r.getMessage()] == []


def test_long_notes_flow_over_pages(base: dict[str, Any]) -> None:
    """1000 characters of notes are printed in full."""
    notes = ("word " * 200).strip()
    assert flat(notes) in text_of(with_notes(base, notes))


# ----------------------------------------------------------------------------- the file


def test_same_record_same_bytes(base: dict[str, Any]) -> None:
    """Same record and generation time: the same bytes."""
    rec = record(base)
    assert summary_pdf(rec, generated_at=GENERATED) == summary_pdf(rec, generated_at=GENERATED)


def test_no_clock_in_the_metadata(base: dict[str, Any]) -> None:
    """Every XMP date is the generation time (so another run gives the same bytes)."""
    data = summary_pdf(record(base), generated_at=GENERATED)
    dates = set(re.findall(rb'xmp:\w+Date="([^"]+)"', data))
    assert dates == {b"2026-11-27T10:00:00+00:00"}


def test_threads_give_the_same_bytes() -> None:
    """Summaries built at once in several threads (download callables) equal serial ones."""
    from concurrent.futures import ThreadPoolExecutor

    recs = [vignette_record(v) for v in VIGNETTES[:4]] * 2
    serial = [summary_pdf(r, generated_at=GENERATED) for r in recs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda r: summary_pdf(r, generated_at=GENERATED), recs))
    assert parallel == serial


def test_cjk_text_gives_the_same_bytes_in_threads(base: dict[str, Any]) -> None:
    """With CJK text (the fallback font, when installed), threads and serial runs agree."""
    from concurrent.futures import ThreadPoolExecutor

    base["notes_for_clinician"] = "眠れない日が続いています。我最近睡不好。한국어"
    rec = record(base)
    serial = summary_pdf(rec, generated_at=GENERATED)
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(lambda _: summary_pdf(rec, generated_at=GENERATED), range(3)))
    assert parallel == [serial] * 3


def test_generation_time_changes_bytes(base: dict[str, Any]) -> None:
    """Another generation time: other bytes."""
    rec = record(base)
    later = GENERATED + timedelta(minutes=1)
    assert summary_pdf(rec, generated_at=GENERATED) != summary_pdf(rec, generated_at=later)


def test_title_and_language(base: dict[str, Any]) -> None:
    """The document title (XMP, as PDF/A wants) and language are set."""
    reader = PdfReader(io.BytesIO(summary_pdf(record(base), generated_at=GENERATED)))
    xmp = reader.xmp_metadata
    assert (xmp.dc_title if xmp else None, reader.trailer["/Root"]["/Lang"]) == (
        {"x-default": TITLE},
        "en",
    )


def test_pdfa_2a_and_pdfua_1_are_declared(base: dict[str, Any]) -> None:
    """The XMP metadata declares PDF/A-2A and PDF/UA-1."""
    data = summary_pdf(record(base), generated_at=GENERATED)
    claims = (b"<pdfaid:part>2</pdfaid:part>", b"<pdfaid:conformance>A", b"<pdfuaid:part>1<")
    assert [c for c in claims if c not in data] == []


def test_letter_for_us_a4_for_uk(base: dict[str, Any]) -> None:
    """US Letter by default; A4 for the UK."""
    rec = record(base)
    sizes = [
        tuple(
            round(float(x))
            for x in PdfReader(io.BytesIO(summary_pdf(rec, generated_at=GENERATED, region=r)))
            .pages[0]
            .mediabox[2:]
        )
        for r in ("us", "uk")
    ]
    assert sizes == [(612, 792), (595, 842)]


def test_local_time_is_printed_as_given(base: dict[str, Any]) -> None:
    """A generation time with an offset is printed in that offset."""
    when = datetime(2026, 11, 27, 11, 0, tzinfo=timezone(timedelta(hours=1), "CET"))
    assert (
        "Generated 27 Nov 2026, 11:00 CET"
        in _pages(summary_pdf(record(base), generated_at=when))[0]
    )


def test_naive_time_is_refused(base: dict[str, Any]) -> None:
    """A generation time without a timezone is refused."""
    with pytest.raises(ValueError, match="timezone-aware"):
        summary_pdf(record(base), generated_at=datetime(2026, 11, 27, 10, 0))


def test_record_object_and_result_are_accepted(base: dict[str, Any]) -> None:
    """A record dict or a bare Result gives the same first page as the loaded record."""
    obj = build_record(base, created_at=GENERATED, app_version="0.1.0")
    from_dict = pages(obj)[0]
    from_result = pages(evaluate(base, QN))[0]
    assert OUTCOMES["discuss_ketamine"].title in from_dict and from_result.count("Outcome:") == 1


def test_record_pdf_uses_the_record_time(base: dict[str, Any]) -> None:
    """record_pdf(record dict) is the summary generated at the record's created_at."""
    obj = build_record(base, created_at=GENERATED, app_version="0.1.0")
    assert record_pdf(obj) == summary_pdf(obj, generated_at=GENERATED)


def test_warm_up_loads_fpdf_and_fonts() -> None:
    """warm_up() imports fpdf2 and parses the fonts ahead of the first summary."""
    code = (
        "import sys; from screening.exports import pdf; from screening.exports.pdf import fonts; "
        "pdf.warm_up(); print('fpdf' in sys.modules, fonts._base_font.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "2"]


def test_importing_the_module_does_not_import_fpdf() -> None:
    """fpdf is imported only when a PDF is built."""
    code = "import sys, screening.exports.pdf; print('fpdf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS)
def test_any_answers_give_a_readable_summary(answers: dict[str, Any]) -> None:
    """For any answers the summary renders and names its outcome on page 1."""
    rec = record(answers)
    assert OUTCOMES[rec.result.outcome].title in pages(rec)[0]
