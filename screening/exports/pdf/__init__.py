"""The clinician-ready summary PDF (fpdf2, bundled DejaVu Sans; no HTML rendering).

    summary_pdf(record, generated_at=...)   the bytes of one record's summary

``content`` says what is on the pages, ``layout`` lays it out, ``fonts`` holds the
bundled fonts and the CJK fallback, ``tagging`` the structure tree. The same record and
generation time give the same bytes. Tagged PDF/UA-1 and PDF/A-2A, title and language set
(tests/test_export_pdf_conformance.py checks both with a validator).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from screening.exports._common import RecordLike, as_loaded
from screening.exports.pdf import fonts
from screening.exports.pdf.content import NOT_A_DIAGNOSIS, TITLE, Summary
from screening.exports.pdf.layout import Layout, Page
from screening.exports.pdf.tagging import Tagger
from screening.exports.pdf.wording import when
from screening.questionnaire import Questionnaire, load_questionnaire

if TYPE_CHECKING:
    from fpdf import FPDF

    from screening.settings import ClinicSettings

__all__ = ["NOT_A_DIAGNOSIS", "TITLE", "record_pdf", "summary_pdf", "warm_up"]

CREATOR = "ketamine-screening"


def summary_pdf(
    record: RecordLike,
    *,
    generated_at: datetime,
    clinic_name: str | None = None,
    settings: ClinicSettings | None = None,
    region: str | None = None,
    questionnaire: Questionnaire | None = None,
    language: str = "en",
) -> bytes:
    """The summary PDF of one record (a LoadedRecord, a record object, or a Result).

    ``generated_at`` must be timezone-aware and is printed as given. ``clinic_name`` and
    ``region`` default to ``settings`` (then "Your clinic" and "us"); the region chooses the
    crisis lines and the paper size (US Letter for us/ca, A4 otherwise).

    ``language`` is the language of the patient-facing words (the person's own PDF); the
    default, English, is the staff copy. Both print the language the person answered in;
    the clinician notes stay English, and free text is printed as typed.
    """
    from fpdf import FPDF, ViewerPreferences
    from fpdf import __version__ as fpdf_version

    from screening.i18n import language_of, t

    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ValueError("generated_at must be timezone-aware")
    lang = language_of(language)
    qn = questionnaire or load_questionnaire(language=lang)
    loaded = as_loaded(record, "summary", qn)
    title = t("pdf.title", lang)
    default_clinic = t("pdf.default_clinic", lang)
    clinic = clinic_name or (settings.clinic_name if settings is not None else default_clinic)
    region_code = region or (settings.region if settings is not None else "us")
    letter = region_code in ("us", "ca")
    page = Page(215.9, 279.4) if letter else Page(210.0, 297.0)

    pdf = FPDF(unit="mm", format="Letter" if letter else "A4")
    _pdfa_output_intent(pdf)
    pdf.str_alias_nb_pages = ""  # respondent text must print "{nb}" literally
    pdf.set_auto_page_break(False)
    pdf.set_margins(page.left, page.top, page.right)
    subject = t(
        "pdf.subject",
        lang,
        note=t("pdf.not_a_diagnosis", lang),
        title=qn.title,
        version=qn.version,
    )
    pdf.set_creation_date(generated_at.astimezone(UTC))
    pdf.set_title(title)
    pdf.set_subject(subject)
    producer = f"fpdf2 {fpdf_version}"
    pdf.set_producer(producer)
    pdf.set_xmp_metadata(_xmp(title, subject, CREATOR, producer, generated_at))
    pdf.set_lang(lang)
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.set_creator(CREATOR)
    fonts.add_fonts(pdf)

    running = f"{fonts.drawable(clinic)} · {title} · {when(generated_at, lang)}"
    doc = Layout(pdf, page, running, Tagger(pdf))
    summary = Summary(doc, loaded, qn, clinic, region_code, generated_at, lang)
    doc.start()
    if loaded.result.crisis:
        summary.crisis_box()
    summary.changed_answers()
    summary.header(settings)
    summary.outcome()
    summary.findings()
    summary.scores()
    summary.trials()
    summary.answers_section()
    summary.notes()
    summary.clinician()
    summary.footers()
    doc.tags.install()
    fonts.prepare_output(pdf)
    return bytes(pdf.output())


def _pdfa_output_intent(pdf: FPDF) -> None:
    """The sRGB output intent PDF/A asks for. fpdf2's own PDF/A mode would add it too, but
    it leaves out the Info dictionary, which PDF/UA readers use for the title: here the
    XMP (ours, ``_xmp``) and the Info dictionary (fpdf2's) say the same."""
    from fpdf.enums import OutputIntentSubType
    from fpdf.output import PDFICCProfile
    from fpdf.util import builtin_srgb2014_bytes

    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier="sRGB",
        output_condition="IEC 61966-2-1:1999",
        registry_name="http://www.color.org",
        dest_output_profile=PDFICCProfile(
            contents=builtin_srgb2014_bytes(), n=3, alternate="DeviceRGB"
        ),
        info="sRGB2014 (v2)",
    )


def warm_up() -> None:
    """Import fpdf2 and parse the fonts now (static data, once per process), so the first
    summary a person asks for is as fast as the rest. Safe to call from any thread."""
    fonts.prepare_cache()


def record_pdf(
    record: RecordLike,
    *,
    settings: ClinicSettings | None = None,
    clinic_name: str | None = None,
    region: str | None = None,
) -> bytes:
    """The summary of a record object, generated "at" the record's own ``created_at``.

    For the pages' lazy download buttons: one argument, no clock in the core.
    """
    loaded = as_loaded(record, "summary")
    moment = datetime.fromisoformat(loaded.created_at) if loaded.created_at else None
    if moment is None:
        raise ValueError("the record has no created_at; call summary_pdf(generated_at=…)")
    return summary_pdf(
        loaded, generated_at=moment, settings=settings, clinic_name=clinic_name, region=region
    )


#: PDF/A allows only predefined XMP schemas unless the file describes the others: this
#: describes the PDF/UA identification schema (pdfuaid:part), as ISO 14289-1 asks.
_PDFUA_EXTENSION = (
    '    <rdf:Description rdf:about=""',
    '        xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"',
    '        xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"',
    '        xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">',
    '      <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">',
    "        <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>",
    "        <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>",
    "        <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>",
    '        <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">',
    "          <pdfaProperty:name>part</pdfaProperty:name>",
    "          <pdfaProperty:valueType>Integer</pdfaProperty:valueType>",
    "          <pdfaProperty:category>internal</pdfaProperty:category>",
    "          <pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>",
    "        </rdf:li></rdf:Seq></pdfaSchema:property>",
    "      </rdf:li></rdf:Bag></pdfaExtension:schemas>",
    "    </rdf:Description>",
)


def _xmp(title: str, subject: str, creator: str, producer: str, moment: datetime) -> str:
    """XMP metadata for PDF/A-2A and PDF/UA-1 with every date set to ``moment`` (fpdf2
    would stamp the modification date with the clock, and the same record must give the
    same bytes)."""
    when = html.escape(moment.astimezone(UTC).isoformat(timespec="seconds"), quote=True)

    def alt(tag: str, text: str) -> str:
        item = f'<rdf:li xml:lang="x-default">{html.escape(text, quote=True)}</rdf:li>'
        return f"      <{tag}><rdf:Alt>{item}</rdf:Alt></{tag}>"

    return "\n".join(
        [
            '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="fpdf2">',
            '  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"',
            '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
            '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
            '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
            '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
            '    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">',
            *_PDFUA_EXTENSION,
            '    <rdf:Description rdf:about=""',
            f'        xmp:CreatorTool="{html.escape(creator, quote=True)}"',
            f'        xmp:CreateDate="{when}"',
            f'        xmp:ModifyDate="{when}"',
            f'        xmp:MetadataDate="{when}"',
            f'        pdf:Producer="{html.escape(producer, quote=True)}"',
            "      >",
            "      <pdfuaid:part>1</pdfuaid:part>",
            "      <pdfaid:part>2</pdfaid:part>",
            "      <pdfaid:conformance>A</pdfaid:conformance>",
            alt("dc:title", title),
            alt("dc:description", subject),
            "    </rdf:Description>",
            "  </rdf:RDF>",
            "</x:xmpmeta>",
        ]
    )
