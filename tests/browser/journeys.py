"""Drive the self-screening wizard and the staff page in a real browser, as a person would.

Shared by the browser tests and ``scripts/screenshots.py``; nothing here imports pytest.

    start(page, answers)                 # the Start button, to step 1
    answer_step(page, answers, "phq9")   # every question of that step the answers enable
    next_step(page, answers, "phq9")     # Next, and wait for the step the answers lead to
    complete(page, answers)              # from step 1 to the review, step by step
    to_results(page)                     # "See my summary"
    save_download(page, button, folder)  # click a download button, save the file
    settle(page)                         # the page at rest (harness.settle)
    story("crisis", sentinel)            # the answers of one journey of the tests

Widgets are found by the keys the wizard gives them (ui/wizard/state.py): Streamlit puts
``st-key-<key>`` on each element, with every character outside ``[A-Za-z0-9_-]`` turned
into ``-``. Inside that element they are used by their visible labels, as a person would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screening.answers import prune
from screening.conditions import is_enabled, section_enabled
from screening.i18n import t
from screening.questionnaire import Question, Questionnaire, load_questionnaire

from .harness import settle, wait_idle

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

QN: Questionnaire = load_questionnaire()
LANGUAGE = "en"  # the language the journey is driven in (use_language); English by default
REVIEW_TITLE = t("flow.review_title")
RESULTS_TITLE = t("results.title")
CRISIS_TITLE = t("crisis.title")
CRISIS_PANEL = ".st-key-crisis-panel"
STEP_ERROR = "before you go on"
MAX_STEPS = 20


class JourneyError(AssertionError):
    """The page did not go where the answers lead; the message quotes what it shows instead."""


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element of a widget or container with this key."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def keyed(scope: Page | Locator, key: str) -> Locator:
    """The element of the widget or container with this key."""
    return scope.locator(f".{key_class(key)}")


def main(page: Page) -> Locator:
    """The main area of the page (not the navigation or the footer)."""
    return page.get_by_test_id("stMain")


def heading(page: Page, text: str) -> Locator:
    """The page's h1 with exactly this text."""
    return main(page).get_by_role("heading", level=1, name=text, exact=True)


# --------------------------------------------------------------------------- the flow


def use_language(language: str) -> None:
    """Drive the next journeys in ``language`` (labels and titles are looked up in it).

    The page itself is switched with ``choose_language``; call ``use_language("en")`` after.
    """
    global QN, LANGUAGE, REVIEW_TITLE, RESULTS_TITLE, CRISIS_TITLE, START_TITLE
    LANGUAGE = language
    QN = load_questionnaire(language=language)
    REVIEW_TITLE = t("flow.review_title", language)
    RESULTS_TITLE = t("results.title", language)
    CRISIS_TITLE = t("crisis.title", language)
    START_TITLE = t("start.title", language)


def choose_language(page: Page, language: str, where: str = "start") -> None:
    """Pick a language with the switch on the start page or in the sidebar."""
    from screening.i18n import LANGUAGE_NAMES

    name = LANGUAGE_NAMES[language]  # type: ignore[index]
    scope = page.locator(f".{key_class(f'lang:{where}')}")
    scope.get_by_text(name, exact=True).click()
    from playwright.sync_api import expect

    expect(scope.get_by_role("radio", name=name, exact=True)).to_be_checked()
    settle(page)


def steps_for(answers: Mapping[str, Any], qn: Questionnaire | None = None) -> list[str]:
    """Section ids of the steps these answers lead through, in order."""
    qn = qn or QN
    pruned = prune(dict(answers), qn)
    return [s.id for s in qn.sections if section_enabled(s.id, pruned, qn)]


def answers_before(
    section_id: str, answers: Mapping[str, Any], qn: Questionnaire | None = None
) -> dict[str, Any]:
    """The answers given on the steps before ``section_id`` (what the page knows on arrival)."""
    qn = qn or QN
    order = [s.id for s in qn.sections]
    earlier = set(order[: order.index(section_id)])
    return {k: v for k, v in answers.items() if k in qn.by_id and qn.by_id[k].section in earlier}


def step_title(section_id: str, answers: Mapping[str, Any], qn: Questionnaire | None = None) -> str:
    """The h1 of a step on arrival, from the earlier answers: "Step 3 of 10 — Safety follow-up".

    The count includes the steps that the answers so far enable (the safety step appears
    once PHQ-9 item 9 is above "Not at all").
    """
    qn = qn or QN
    known = answers_before(section_id, answers, qn)
    steps = steps_for(known, qn)
    if section_id not in steps:
        raise JourneyError(f"step {section_id!r} is not shown for these answers")
    title = qn.section_by_id[section_id].title
    number, total = steps.index(section_id) + 1, len(steps) + 1
    return t("step.title", LANGUAGE, number=number, total=total, section=title)


def review_title(answers: Mapping[str, Any], qn: Questionnaire | None = None) -> str:
    """The h1 of the review step."""
    total = len(steps_for(answers, qn)) + 1
    return t("step.title", LANGUAGE, number=total, total=total, section=REVIEW_TITLE)


def current_title(page: Page) -> str:
    """The text of the page's first h1 (empty when there is none)."""
    h1 = main(page).get_by_role("heading", level=1)
    return h1.first.inner_text().strip() if h1.count() else ""


def _expect_heading(page: Page, text: str) -> None:
    from playwright.sync_api import Error as PlaywrightError

    try:
        wait_idle(page, heading(page, text))
    except (AssertionError, PlaywrightError) as exc:
        problems = main(page).get_by_test_id("stAlertContentError").all_inner_texts()
        raise JourneyError(
            f"expected the page {text!r}, found {current_title(page)!r}; "
            f"messages on the page: {problems}"
        ) from exc


def start(page: Page, answers: Mapping[str, Any] | None = None) -> None:
    """Press Start on the start page and wait for step 1."""
    main(page).get_by_role("button", name=t("start.start", LANGUAGE), exact=True).click()
    _expect_heading(page, step_title(QN.sections[0].id, answers or {}))


def next_step(page: Page, answers: Mapping[str, Any], section_id: str) -> str | None:
    """Press Next on ``section_id``; wait for the following step (None: the review)."""
    steps = steps_for(answers)
    keyed(page, "wiz:next").get_by_role("button").click()
    following = steps[steps.index(section_id) + 1 :]
    if following:
        _expect_heading(page, step_title(following[0], answers))
        return following[0]
    _expect_heading(page, review_title(answers))
    return None


def complete(
    page: Page,
    answers: Mapping[str, Any],
    *,
    from_step: str | None = None,
    until: str | None = None,
) -> None:
    """Answer every step from ``from_step`` (default: the first) and go on to the review.

    With ``until``, stop on that step once it is answered, without pressing Next.
    """
    steps = steps_for(answers)
    section: str | None = from_step or steps[0]
    for _ in range(MAX_STEPS):
        if section is None:
            return
        answer_step(page, answers, section)
        if section == until:
            return
        section = next_step(page, answers, section)
    raise JourneyError(f"more than {MAX_STEPS} steps")


def to_results(page: Page) -> None:
    """From the review, "See my summary"."""
    keyed(page, "wiz:results").get_by_role("button").click()
    _expect_heading(page, RESULTS_TITLE)


def scroll_to_top(page: Page) -> None:
    """Scroll the page and Streamlit's inner scrolling container back to the top."""
    page.evaluate("document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")


def outcome_heading(page: Page) -> Locator:
    """The outcome's title on the results page."""
    return keyed(page, "outcome").get_by_role("heading").first


# --------------------------------------------------------------------------- answering


def answer_step(page: Page, answers: Mapping[str, Any], section_id: str) -> None:
    """Answer every question of the step that the answers enable, in page order."""
    pruned = prune(dict(answers), QN)
    for q in QN.in_section(section_id):
        if not is_enabled(q, pruned, QN) or q.id not in pruned:
            continue
        if q.type == "repeat":
            answer_trials(page, q, pruned[q.id])
        else:
            answer(page, q, pruned[q.id], f"q:{q.id}")


def answer(page: Page | Locator, q: Question, value: Any, key: str) -> None:
    """Give one answer to the widget with this key, by the question's type, once the page
    is at rest (every answer reruns the page; while it runs, widgets that moved can show
    twice, the old one greyed out)."""
    settle(page.page if hasattr(page, "page") else page)  # a Locator knows its page
    if q.type == "multi":
        codes = list(value)
        for code in codes or ["__none"]:
            _tick(keyed(page, f"{key}:{code}"))
        return
    box = keyed(page, key)
    if q.type in ("integer", "text"):
        field = box.locator("textarea, input").first
        field.fill(str(value))
        field.press("Control+Enter" if q.multiline else "Enter")
    elif q.type == "single" and len(q.choices) > 8:
        _pick(page, box, q.label_of(value))
    else:
        box.get_by_text(q.label_of(value), exact=True).click()
        from playwright.sync_api import expect

        expect(box.get_by_role("radio", name=q.label_of(value), exact=True)).to_be_checked()


def _tick(box: Locator) -> None:
    """Tick a checkbox (left alone when it is already ticked)."""
    from playwright.sync_api import expect

    checkbox = box.get_by_role("checkbox")
    if not checkbox.is_checked():
        box.locator("label").first.click()
    expect(checkbox).to_be_checked()


def _pick(page: Page | Locator, box: Locator, label: str) -> None:
    """Choose ``label`` in a searchable select box: type part of it, click the option."""
    from playwright.sync_api import expect

    field = box.get_by_role("combobox")
    field.click()
    field.fill(label.split(" (")[0])
    root = page if not hasattr(page, "page") else page.page
    root.get_by_role("option", name=label, exact=True).click()
    expect(field).to_have_value(label)


def trial_boxes(page: Page) -> Locator:
    """The bordered boxes of the antidepressant trials, in order."""
    return main(page).locator('[class*="st-key-trial-"]')


def answer_trials(page: Page, q: Question, entries: list[dict[str, Any]]) -> None:
    """Add one trial box per entry (Add button) and answer its sub-questions."""
    from playwright.sync_api import expect

    if not entries:
        _tick(keyed(page, f"q:{q.id}:__none"))
        return
    for index, entry in enumerate(entries):
        boxes = trial_boxes(page)
        if boxes.count() <= index:
            keyed(page, "wiz:add_trial").get_by_role("button").click()
            expect(boxes).to_have_count(index + 1)
        box = boxes.nth(index)
        row = _row_of(box)
        for sub in q.items:
            if sub.id in entry:
                answer(box, sub, entry[sub.id], f"t:{row}:{sub.id}")


def _row_of(box: Locator) -> int:
    classes = box.get_attribute("class") or ""
    found = re.search(r"\bst-key-trial-(\d+)\b", classes)
    if not found:
        raise JourneyError(f"a trial box without a row key: {classes!r}")
    return int(found.group(1))


# --------------------------------------------------------------------------- downloads


def save_download(page: Page, button: Locator, folder: Path, name: str | None = None) -> Path:
    """Click a download button and save what the browser receives into ``folder``.

    Waits for the page to be at rest first: a rerun replaces the button's file, and a click
    that still holds the old one gets nothing.
    """
    settle(page)
    with page.expect_download() as info:
        button.click()
    download = info.value
    failure = download.failure()
    if failure:
        raise JourneyError(f"download {download.suggested_filename!r} failed: {failure}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or download.suggested_filename)
    download.save_as(path)
    return path


def download_button(page: Page, key: str) -> Locator:
    """The button of the download widget with this key (a folded section holding it, such
    as "For clinic staff", is opened first)."""
    button = keyed(page, key).get_by_role("button")
    if not button.is_visible():
        folded = page.locator("details", has=keyed(page, key))
        if folded.count():
            folded.first.locator("summary").click()
    return button


# --------------------------------------------------------------------------- starting over


START_TITLE = t("start.title")
PROGRESS_FILE = "screening-progress.json"


def wait_title(page: Page, text: str) -> None:
    """Wait for the page whose h1 is ``text`` (JourneyError quotes what shows instead)."""
    _expect_heading(page, text)


def notice_text(page: Page) -> str:
    """The one-off success message at the top of the view ("" when there is none)."""
    notice = main(page).get_by_test_id("stAlertContentSuccess")
    if not notice.count():
        return ""
    return notice.first.get_by_test_id("stMarkdownContainer").inner_text().strip()


def upload_progress(page: Page, path: Path) -> None:
    """Open a saved progress or record file with the start page's file picker."""
    keyed(page, "wizfile:0").locator('input[type="file"]').set_input_files(path)


def step_after(section_id: str, answers: Mapping[str, Any]) -> str | None:
    """The step after ``section_id`` for these answers (None: the review comes next)."""
    steps = steps_for(answers)
    following = steps[steps.index(section_id) + 1 :]
    return following[0] if following else None


def wait_trial_notes(page: Page, count: int) -> None:
    """Wait until the server has seen every trial answered: each box shows its note.

    A download button keeps the answers of the run that drew it, so a progress file must
    be saved only after the run that follows the last answer.
    """
    from playwright.sync_api import expect

    notes = trial_boxes(page).get_by_text(re.compile(r"^This (counts|may count|is shorter)"))
    expect(notes).to_have_count(count)
    wait_idle(page)


def trial_values(page: Page, sub_id: str) -> dict[str, str]:
    """The text in one sub-question's box of every trial that shows it, by trial number."""
    values: dict[str, str] = {}
    for index, box in enumerate(trial_boxes(page).all()):
        field = keyed(box, f"t:{_row_of(box)}:{sub_id}").locator("input, textarea")
        if field.count():
            values[f"trial {index + 1}"] = field.first.input_value()
    return values


# --------------------------------------------------------------------------- the stories

STORIES = ("crisis", "review-first", "resumed")


def free_text_ids(answers: Mapping[str, Any]) -> set[str]:
    """The free-text questions these answers fill in (sub-questions as ``repeat.sub``)."""
    ids = {k for k, v in answers.items() if k in QN.by_id and QN.by_id[k].type == "text" and v}
    for q in QN.questions:
        for entry in answers.get(q.id) or [] if q.type == "repeat" else []:
            ids |= {f"{q.id}.{s.id}" for s in q.items if s.type == "text" and entry.get(s.id)}
    return ids


def story(name: str, sentinel: str) -> dict[str, Any]:
    """The answers of one journey: a vignette, with free text that carries ``sentinel``.

    crisis        urgent-intent: item 9 "Nearly every day", a plan and intent (seek help now)
    review-first  aneurysm: a finding a clinician reviews first; a name with markdown and HTML
    resumed       mild symptoms, male (no pregnancy question), an "other" antidepressant,
                  blood pressure, AUDIT-C follow-ups, prior esketamine: saved and resumed
    """
    from tests.conftest import vignette

    if name == "crisis":
        answers = vignette("urgent-intent")
        answers["display_name"] = f"C.D. {sentinel}"
        answers["notes_for_clinician"] = f"Best reached after 5 pm.\nAsk for Sam. {sentinel}"
    elif name == "review-first":
        answers = vignette("aneurysm")
        answers["display_name"] = f"*G.H.* <b>{sentinel}</b>"
        answers["notes_for_clinician"] = f"Aortic aneurysm found in 2019 [scan]. {sentinel}"
    elif name == "resumed":
        answers = vignette("mild-symptoms")
        del answers["pregnancy_status"]
        answers.update(
            age_years=58,
            sex_at_birth="male",
            display_name=f"I.J. {sentinel}",
            psychosis_history="unsure",
            psychosis_current="no",
            high_blood_pressure="yes_controlled",
            bp_encephalopathy="no",
            bp_systolic=128,
            bp_diastolic=82,
            other_conditions=["glaucoma"],
            auditc_1=2,
            auditc_2=1,
            auditc_3=0,
            prior_ketamine=["esketamine_nasal"],
            prior_ketamine_benefit="unsure",
            current_meds=["antidepressant", "benzodiazepine"],
            route_interest=["iv", "nasal"],
            notes_for_clinician=f"=1+1 is not a formula. {sentinel}",
        )
        answers["ad_trials"][2] = {
            "medication": "other",
            "medication_other": f"St John's wort {sentinel}",
            "weeks": 6,
            "took_as_prescribed": "unsure",
            "benefit": "none",
            "status": "stopped_other",
        }
    else:
        raise KeyError(name)
    return answers


def expected_result(name: str) -> Any:
    """What the rules make of a story's answers (``screening.rules.Result``)."""
    from screening.answers import validate_answers
    from screening.rules import evaluate

    return evaluate(validate_answers(story(name, "sentinel"), QN), QN)
