"""One whole journey in Spanish, in Chromium: Español chosen on the start page, English and
back chosen in the sidebar mid-way (the answers stay), Spanish crisis lines once PHQ-9 item 9
is above "Ningún día", a Spanish summary and PDF, and axe on the Spanish pages.

The journey is driven once (a module fixture); the tests below check what it saw and saved.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from screening.i18n import t
from screening.rules import patient_words
from tests.conftest import vignette

from . import journeys as J
from .conftest import Journal
from .harness import AppServer, open_app
from .test_accessibility import _scanner, blocking

PDF = "wiz:download:screening-summary.pdf"
RECORD = "wiz:download_record"
SWITCH_AT = "history"  # the step where the sidebar switch goes to English and back


@dataclass
class SpanishJourney:
    """What the Spanish journey saw and saved."""

    answers: dict[str, Any]
    start_title: str = ""
    crisis_text: str = ""
    english_title: str = ""
    english_checked: str = ""
    spanish_checked: str = ""
    outcome_title: str = ""
    about_title: str = ""
    html_lang: str = ""
    files: dict[str, Path] = field(default_factory=dict)
    scans: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _checked_label(page: Page, question_id: str) -> str:
    """The label of the checked radio of a question."""
    box = J.keyed(page, f"q:{question_id}")
    checked = box.locator("label:has(input:checked)")
    return checked.first.inner_text().strip() if checked.count() else ""


def _sidebar(page: Page, language: str) -> None:
    """Switch the language in the sidebar (opened first when it is folded)."""
    switch = J.keyed(page, "lang:sidebar")
    if not switch.is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
    J.choose_language(page, language, "sidebar")


def _drive(page: Page, url: str, sentinel: str, folder: Path) -> SpanishJourney:
    answers = vignette("item9-passive")
    answers["display_name"] = f"M.R. {sentinel}"
    answers["notes_for_clinician"] = f"Prefiero las citas por la mañana. Señora Núñez {sentinel}"
    journey = SpanishJourney(answers)
    scan = _scanner()
    open_app(page, url)
    J.choose_language(page, "es", "start")
    J.use_language("es")
    J.wait_title(page, J.START_TITLE)
    journey.start_title = J.current_title(page)
    journey.scans["start"] = scan(page)
    J.start(page, answers)
    J.complete(page, answers, until="phq9")
    panel = page.locator(J.CRISIS_PANEL)
    expect(panel.get_by_role("heading", name=J.CRISIS_TITLE)).to_be_visible()
    journey.crisis_text = panel.inner_text()
    journey.scans["phq9"] = scan(page)
    following = J.next_step(page, answers, "phq9")
    J.complete(page, answers, from_step=following, until=SWITCH_AT)

    J.use_language("en")
    _sidebar(page, "en")
    J.wait_title(page, J.step_title(SWITCH_AT, answers))
    journey.english_title = J.current_title(page)
    journey.english_checked = _checked_label(page, "dx_depression")
    J.use_language("es")
    _sidebar(page, "es")
    J.wait_title(page, J.step_title(SWITCH_AT, answers))
    journey.spanish_checked = _checked_label(page, "dx_depression")

    following = J.next_step(page, answers, SWITCH_AT)
    J.complete(page, answers, from_step=following)
    journey.scans["review"] = scan(page)
    J.to_results(page)
    journey.outcome_title = J.outcome_heading(page).inner_text().strip()
    journey.html_lang = str(page.evaluate("document.documentElement.lang"))
    journey.scans["results"] = scan(page)
    for key, stem in ((PDF, "resumen.pdf"), (RECORD, "respuestas.json")):
        journey.files[stem] = J.save_download(page, J.download_button(page, key), folder, stem)
    page.get_by_role("link", name=t("app.nav_about", "es")).first.click()  # same session
    expect(page.get_by_role("heading", name=t("about.title", "es"))).to_be_visible()
    journey.about_title = J.current_title(page)
    journey.scans["about"] = scan(page)
    return journey


@pytest.fixture(scope="module")
def spanish(
    app_server: AppServer,
    open_page: Callable[..., Page],
    sentinel: str,
    downloads: Path,
    journal: Journal,
) -> Iterator[SpanishJourney]:
    """The Spanish journey, driven once."""
    page = open_page()
    try:
        journey = _drive(page, app_server.url, sentinel, downloads / "spanish")
        journal.typed.update(J.free_text_ids(journey.answers))
        yield journey
    finally:
        J.use_language("en")
        page.context.close()


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def test_start_page_in_spanish(spanish: SpanishJourney) -> None:
    """Choosing Español on the start page shows the start page in Spanish."""
    assert spanish.start_title == t("start.title", "es")


def test_crisis_lines_in_spanish(spanish: SpanishJourney) -> None:
    """Item 9 above zero shows the crisis panel in Spanish, with 988 press 2 and AYUDA."""
    assert "marque 2" in spanish.crisis_text
    assert "AYUDA" in spanish.crisis_text


def test_switching_mid_way_keeps_the_answers(spanish: SpanishJourney) -> None:
    """English in the sidebar shows the same answer in English; back to Spanish, in Spanish."""
    assert spanish.english_title.startswith("Step ")
    assert (spanish.english_checked, spanish.spanish_checked) == ("Yes", "Sí")


def test_summary_in_spanish(spanish: SpanishJourney) -> None:
    """The results page gives the outcome in Spanish."""
    title, _ = patient_words("es").outcomes["clinician_review_first"]
    assert spanish.outcome_title == title


def test_pdf_in_spanish_with_crisis_lines(spanish: SpanishJourney) -> None:
    """The PDF is in Spanish, puts the Spanish crisis lines first, and prints the note as typed."""
    text = _pdf_text(spanish.files["resumen.pdf"])
    assert text.index("Apoyo en crisis") < text.index("Resultado:")
    assert "marque 2" in text
    assert "Resumen de la evaluación previa" in text
    assert "idioma de las respuestas: español" in text
    assert "Señora Núñez" in text


def test_record_says_spanish(spanish: SpanishJourney) -> None:
    """The record file stores the language and the answers as codes."""
    record = json.loads(spanish.files["respuestas.json"].read_text(encoding="utf-8"))
    assert record["language"] == "es"
    assert record["answers"]["dx_depression"] == "yes"


def test_page_language_is_spanish(spanish: SpanishJourney) -> None:
    """The page's lang attribute says Spanish, so screen readers use a Spanish voice."""
    assert spanish.html_lang == "es"


def test_about_in_spanish(spanish: SpanishJourney) -> None:
    """The About page, opened from the navigation, is in Spanish."""
    assert spanish.about_title == t("about.title", "es")


@pytest.mark.parametrize("name", ["start", "phq9", "review", "results", "about"])
def test_spanish_pages_pass_axe(spanish: SpanishJourney, name: str) -> None:
    """axe-core finds no serious or critical violation on the Spanish pages."""
    assert blocking(spanish.scans[name], set()) == []
