"""Hostile text in every free-text field (name, notes, other medicine) and in file names:
shown literally on every page, in the PDF and the CSV; never interpreted as markup.

On a page, respondent text may appear only in plain-text elements (st.text, st.code,
dataframes) or escaped (``ui.common.md_escape``) inside markdown; the raw payload never
appears in a markdown element, a label or raw HTML. Real-browser requests are checked by
the browser suite; here no link, image or script can reach the page in the first place.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from screening.exports.csv import records_to_csv
from screening.record import build_record, dump_record
from tests.conftest import staff_app
from tests.hostile import CREATED, base_answers
from ui.common import md_escape

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "streamlit_app.py")
STAFF = str(REPO / "ui" / "staff.py")

PAYLOADS: dict[str, str] = {
    "script": "<script>alert('x')</script>",
    "html-img": '<img src="https://tracker.example/i.png" onerror="alert(1)">',
    "md-link": "[Click me](javascript:alert(1))",
    "md-image": "![pixel](https://tracker.example/p.png)",
    "md-markup": "# Big **bold** :red[red] :material/home: $x^2$ `code`",
    "bidi": "\u202egnp.exe\u202c שלום مرحبا",
    "zero-width": "A\u200bB\u200cC\u200dD\ufeffE\u2060F",
    "long-word": "W" * 1000,
    "bare-urls": "https://tracker.example/a www.tracker.example/b me@tracker.example",
}
# Fragments of the payloads (never in the product's own text) that must never reach a
# markdown element, a label or HTML unescaped, not even as part of a cut payload.
# Each holds a character md_escape escapes, so it cannot survive escaping.
DANGEROUS = ("alert(", "onerror=", "javascript:", "tracker.example", ":red[", "$x^2$", "gnp.exe")
MAX = {"display_name": 100, "notes_for_clinician": 1000, "medication_other": 60}


def payload_answers(payload: str) -> dict[str, Any]:
    """Complete answers with the payload in every free-text field (cut to each limit)."""
    answers = copy.deepcopy(base_answers())
    answers["display_name"] = payload[: MAX["display_name"]].strip()
    answers["notes_for_clinician"] = payload[: MAX["notes_for_clinician"]].strip()
    trial = answers["ad_trials"][0]
    trial.update(medication="other", medication_other=payload[: MAX["medication_other"]].strip())
    return answers


def payload_record(payload: str) -> dict[str, Any]:
    """The record object of those answers."""
    return build_record(payload_answers(payload), created_at=CREATED, app_version="0.1.0")


def fields(payload: str) -> dict[str, str]:
    """Field id → the text it holds for this payload."""
    answers = payload_answers(payload)
    return {
        "display_name": answers["display_name"],
        "notes_for_clinician": answers["notes_for_clinician"],
        "medication_other": answers["ad_trials"][0]["medication_other"],
    }


# --------------------------------------------------------------------------- page text

MARKDOWN_TYPES = {
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "error",
    "warning",
    "info",
    "success",
    "toast",
    "latex",
    "html",
}
TEXT_TYPES = {"text", "code", "json"}


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def page_parts(at: AppTest) -> tuple[list[str], list[str]]:
    """(markdown-rendered strings: bodies, labels, HTML; plain-text strings: text, code, cells)."""
    markdown: list[str] = []
    plain: list[str] = []
    for element in _walk(at._tree):  # the whole page: main, sidebar and the event block
        kind = getattr(element, "type", "")
        if kind in MARKDOWN_TYPES:
            markdown.append(str(element.value))
        elif kind in TEXT_TYPES:
            plain.append(str(element.value))
        elif kind in ("dataframe", "table"):
            plain.extend(str(v) for v in element.value.astype(str).to_numpy().ravel())
            plain.extend(str(c) for c in element.value.columns)
        for attribute in ("label", "help", "placeholder"):
            text = getattr(element, attribute, None)
            if isinstance(text, str):
                markdown.append(text)
        options = getattr(element, "options", None)
        if kind in ("selectbox", "multiselect") and options:
            plain.extend(str(o) for o in options)
    return markdown, plain


def shown_literally(at: AppTest, text: str) -> bool:
    """The text is on the page: in a plain-text element, or escaped inside markdown."""
    markdown, plain = page_parts(at)
    escaped = md_escape(text)
    return any(text in p for p in plain) or any(escaped in m for m in markdown)


# What GitHub-flavoured markdown turns into a link by itself, even in escaped text: the
# renderer resolves the escapes first, then looks for bare URLs, www. names and e-mails.
AUTOLINK = re.compile(r"(?i)(https?://[-.\w]|www\.[-\w]|[-.\w+]@[-\w]+\.[-\w])")


def raw_in_markdown(at: AppTest, text: str) -> list[str]:
    """Markdown strings holding the raw text, a dangerous fragment of the payloads, or a
    payload address that the renderer would turn into a link."""
    markdown, _ = page_parts(at)
    hits = [m for m in markdown if text != md_escape(text) and text in m]
    hits += [m for m in markdown for bad in DANGEROUS if bad in re.sub(r"\\.", "", m)]
    for m in markdown:
        shown = re.sub(r"\\(.)", r"\1", m)  # what the renderer sees once escapes resolve
        hits += [
            m for found in AUTOLINK.finditer(shown) if "tracker" in shown[found.start() :][:40]
        ]
    return hits


# --------------------------------------------------------------------------- wizard


def _resume(payload: str, file_name: str = "answers.json") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    data = dump_record(payload_record(payload))
    at.file_uploader[0].set_value([(file_name, data, "application/json")])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module", params=list(PAYLOADS), ids=list(PAYLOADS))
def wizard_review(request: pytest.FixtureRequest) -> tuple[str, AppTest]:
    """The wizard's review page after resuming from a record full of the payload."""
    payload = PAYLOADS[request.param]
    return payload, _resume(payload)


@pytest.fixture(scope="module", params=list(PAYLOADS), ids=list(PAYLOADS))
def wizard_results(request: pytest.FixtureRequest) -> tuple[str, AppTest]:
    """The wizard's results page for a record full of the payload."""
    payload = PAYLOADS[request.param]
    at = _resume(payload)
    at.button(key="wiz:results").click()
    at.run()
    assert not at.exception
    return payload, at


def test_review_page_shows_every_field_literally(wizard_review: tuple[str, AppTest]) -> None:
    """The review page shows the name, the notes and the other medicine as typed."""
    payload, at = wizard_review
    assert [f for f, text in fields(payload).items() if not shown_literally(at, text)] == []


def test_review_page_never_renders_the_payload_as_markdown(
    wizard_review: tuple[str, AppTest],
) -> None:
    """No markdown element, label or HTML on the review page holds the raw payload."""
    payload, at = wizard_review
    assert [raw_in_markdown(at, text) for text in fields(payload).values()] == [[], [], []]


def test_results_page_shows_the_name_literally(wizard_results: tuple[str, AppTest]) -> None:
    """The results page shows the name as typed (escaped in its heading line)."""
    payload, at = wizard_results
    assert shown_literally(at, fields(payload)["display_name"])


def test_results_page_never_renders_the_payload_as_markdown(
    wizard_results: tuple[str, AppTest],
) -> None:
    """No markdown element, label or HTML on the results page holds the raw payload."""
    payload, at = wizard_results
    assert [raw_in_markdown(at, text) for text in fields(payload).values()] == [[], [], []]


@pytest.mark.parametrize("key", ["script", "md-link", "md-image", "bidi"])
def test_hostile_file_name_is_shown_escaped(key: str) -> None:
    """A file name full of markup is shown escaped in the "answers are back" notice."""
    name = PAYLOADS[key][:60] + ".json"
    at = _resume("A.B.", file_name=name)
    assert (shown_literally(at, name), raw_in_markdown(at, name)) == (True, [])


# --------------------------------------------------------------------------- staff page


@pytest.fixture(scope="module")
def staff() -> AppTest:
    """The staff page with one payload record per payload, named after its payload."""
    at = staff_app()
    at.run()
    files = [(f"{key}.json", dump_record(payload_record(p))) for key, p in PAYLOADS.items()]
    at.file_uploader[0].set_value([(n, d, "application/json") for n, d in files])
    at.run()
    assert not at.exception
    return at


def _open(at: AppTest, number: int) -> AppTest:
    at.selectbox(key="staff_open").set_value(number)
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("key", list(PAYLOADS))
def test_staff_table_shows_the_name_literally(staff: AppTest, key: str) -> None:
    """The triage table shows each name as typed."""
    assert shown_literally(staff, fields(PAYLOADS[key])["display_name"])


def test_staff_table_never_renders_a_payload_as_markdown(staff: AppTest) -> None:
    """No markdown element, label or HTML on the staff table view holds a payload."""
    assert [raw_in_markdown(staff, fields(p)["display_name"]) for p in PAYLOADS.values()] == [
        [] for _ in PAYLOADS
    ]


@pytest.mark.parametrize("key", list(PAYLOADS))
def test_staff_detail_shows_every_field_literally(staff: AppTest, key: str) -> None:
    """The record detail shows name, notes and other medicine as typed."""
    number = list(PAYLOADS).index(key) + 1
    at = _open(staff, number)
    missing = [f for f, text in fields(PAYLOADS[key]).items() if not shown_literally(at, text)]
    assert missing == []


@pytest.mark.parametrize("key", list(PAYLOADS))
def test_staff_detail_never_renders_the_payload_as_markdown(staff: AppTest, key: str) -> None:
    """No markdown element, label or HTML of the record detail holds the raw payload."""
    at = _open(staff, list(PAYLOADS).index(key) + 1)
    hits = [raw_in_markdown(at, text) for text in fields(PAYLOADS[key]).values()]
    assert hits == [[], [], []]


def test_staff_refused_file_name_is_shown_literally() -> None:
    """A refused file whose name is markup is listed by that name, as plain text."""
    at = staff_app()
    at.run()
    name = PAYLOADS["md-image"] + ".json"
    at.file_uploader[0].set_value([(name, b"not json", "application/json")])
    at.run()
    assert (shown_literally(at, name), raw_in_markdown(at, name)) == (True, [])


# --------------------------------------------------------------------------- PDF and CSV


def _pdf(payload: str) -> bytes:
    from screening.exports.pdf import summary_pdf

    return summary_pdf(payload_record(payload), generated_at=datetime(2026, 11, 20, tzinfo=UTC))


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _pdf_uris(data: bytes) -> list[str]:
    from pypdf import PdfReader

    uris = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


ASCII_KEYS = [k for k, p in PAYLOADS.items() if p.isascii() and k != "long-word"]


@pytest.mark.parametrize("key", ASCII_KEYS)
def test_pdf_prints_the_payload_as_text(key: str) -> None:
    """The PDF prints the name and the notes character for character."""
    text = _pdf_text(_pdf(PAYLOADS[key]))
    assert [
        f for f in ("display_name", "notes_for_clinician") if fields(PAYLOADS[key])[f] not in text
    ] == []


def test_pdf_long_word_is_printed_whole() -> None:
    """A 1,000-letter word is wrapped, not dropped: every letter is in the PDF."""
    text = _pdf_text(_pdf(PAYLOADS["long-word"]))
    assert text.replace(" ", "").count("W" * 1000) >= 1


@pytest.mark.parametrize("key", list(PAYLOADS))
def test_pdf_has_no_link_from_the_payload(key: str) -> None:
    """No link in the PDF points where a payload says (only the product's own links)."""
    uris = _pdf_uris(_pdf(PAYLOADS[key]))
    assert [u for u in uris if any(bad in u for bad in ("javascript", "tracker.example"))] == []


@pytest.mark.parametrize("key", list(PAYLOADS))
def test_pdf_has_no_javascript_or_remote_content(key: str) -> None:
    """The PDF holds no JavaScript, launch action or remote reference."""
    data = _pdf(PAYLOADS[key])
    assert re.findall(rb"/(JavaScript|JS|Launch|GoToR|SubmitForm|ImportData)\b", data) == []


@pytest.mark.parametrize("key", list(PAYLOADS))
def test_csv_cells_hold_the_payload_as_typed(key: str) -> None:
    """The CSV cells hold the name, notes and other medicine exactly as typed."""
    row = next(
        csv.DictReader(
            io.StringIO(records_to_csv([payload_record(PAYLOADS[key])]).decode("utf-8-sig"))
        )
    )
    want = fields(PAYLOADS[key])
    got = {
        "display_name": row["display_name"],
        "notes_for_clinician": row["notes_for_clinician"],
        "medication_other": row["trial1_medication_other"],
    }
    assert got == want


@pytest.mark.parametrize("text", ["=cmd|'/C calc'!A0", "+1+1", "-2", "@SUM(A1)", "=1\t+1"])
def test_csv_formula_start_is_neutralised(text: str) -> None:
    """A name that would start a spreadsheet formula gets a leading apostrophe."""
    answers = base_answers()
    answers["display_name"] = text
    record = build_record(answers, created_at=CREATED, app_version="0.1.0")
    row = next(csv.DictReader(io.StringIO(records_to_csv([record]).decode("utf-8-sig"))))
    assert row["display_name"].startswith("'")
