"""axe-core on every page a person or a member of staff sees: no serious or critical
violation caused by our content.

The pages are visited once (a module fixture), each scanned at rest: the start page, every
step of a journey with crisis answers (so the safety step and the crisis panel are there)
after it is answered, a step showing its problems, the review, the results, About, and
staff review empty, loaded and with one record open. A violation that comes from Streamlit
itself is excused only by rule id and a selector of the element it is on, listed in
KNOWN_STREAMLIT and explained in docs/accessibility.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from screening.answers import prune
from screening.conditions import is_enabled
from screening.questionnaire import Question
from tests.staff_data import broken_files, good_files

from . import journeys as J
from .harness import RECORD_FILES_INPUT, AppServer, open_app, open_staff

BLOCKING = ("serious", "critical")
STORY = "crisis"


@dataclass(frozen=True)
class Known:
    """A violation Streamlit causes and we cannot fix: rule id, where (regex on the
    element's axe selector) and why. Keep docs/accessibility.md in step."""

    rule: str
    target: str
    why: str

    def excuses(self, rule: str, targets: list[str]) -> bool:
        """True when this entry covers a violation of ``rule`` on an element at ``targets``."""
        return rule == self.rule and any(re.search(self.target, t) for t in targets)


KNOWN_STREAMLIT: tuple[Known, ...] = ()

PAGES = (
    "start",
    "step-problems",
    *(f"step-{s}" for s in J.steps_for(J.story(STORY, "x"))),
    "review",
    "results",
    "about",
    "staff-empty",
    "staff-loaded",
    "staff-record",
)


def _flatten(targets: list[Any]) -> list[str]:
    """axe targets: a selector, or a list of selectors through shadow roots / frames."""
    flat: list[str] = []
    for target in targets:
        flat.extend(_flatten(target) if isinstance(target, list) else [str(target)])
    return flat


def blocking(violations: list[dict[str, Any]], used: set[Known]) -> list[str]:
    """Serious and critical violations not excused by KNOWN_STREAMLIT, one line per element."""
    found: list[str] = []
    for violation in violations:
        if violation.get("impact") not in BLOCKING:
            continue
        for node in violation["nodes"]:
            targets = _flatten(node["target"])
            excuse = next((k for k in KNOWN_STREAMLIT if k.excuses(violation["id"], targets)), None)
            if excuse is not None:
                used.add(excuse)
                continue
            summary = node.get("failureSummary", "").replace("\n", " ")
            found.append(f"{violation['id']} on {targets}: {summary} | {node['html'][:160]}")
    return found


def _scanner() -> Callable[[Page], list[dict[str, Any]]]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def scan(page: Page) -> list[dict[str, Any]]:
        J.settle(page)
        result = axe.run(page)
        violations: list[dict[str, Any]] = result.response["violations"]
        return violations

    return scan


def _named(scope: Page | Locator, q: Question) -> bool:
    """True when the control of ``q`` has exactly the question's text as its accessible name."""
    role = {"integer": "textbox", "text": "textbox"}.get(q.type)
    if role is None:
        role = "combobox" if q.type == "single" and len(q.choices) > 8 else "radiogroup"
    return scope.get_by_role(role, name=q.text, exact=True).count() == 1  # type: ignore[arg-type]


def unnamed(page: Page, answers: dict[str, Any], section: str) -> list[str]:
    """Controls on the step whose accessible name is not the visible question or option text.

    Screen readers read the name; a label escaped for markdown would be read with its
    backslashes. Checks every question shown (each option of a multi question, and each
    sub-question in every antidepressant box).
    """
    pruned = prune(answers, J.QN)
    wrong: list[str] = []
    for q in J.QN.in_section(section):
        if not is_enabled(q, pruned, J.QN):
            continue
        if q.type == "multi":
            wrong += [
                f"{q.id}:{o.code}"
                for o in q.choices
                if J.keyed(page, f"q:{q.id}:{o.code}")
                .get_by_role("checkbox", name=o.label, exact=True)
                .count()
                != 1
            ]
        elif q.type == "repeat":
            for index, box in enumerate(J.trial_boxes(page).all()):
                wrong += [
                    f"{q.id}[{index}].{sub.id}"
                    for sub in q.items
                    if sub.id in pruned[q.id][index] and not _named(box, sub)
                ]
        elif not _named(J.main(page), q):
            wrong.append(q.id)
    return wrong


@pytest.fixture(scope="module")
def names(scans: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Per step, the controls not named by their visible text (gathered with the scans)."""
    return _NAMES


_NAMES: dict[str, list[str]] = {}


@pytest.fixture(scope="module")
def scans(app_server: AppServer, open_page: Callable[..., Page]) -> dict[str, list[dict[str, Any]]]:
    """axe's violations on every page of PAGES, each visited once."""
    scan = _scanner()
    found: dict[str, list[dict[str, Any]]] = {}
    answers = J.story(STORY, "axe")
    page = open_page()
    open_app(page, app_server.url)
    found["start"] = scan(page)

    J.start(page, answers)
    J.keyed(page, "wiz:next").get_by_role("button").click()
    expect(J.main(page).get_by_text(J.STEP_ERROR)).to_be_visible()
    found["step-problems"] = scan(page)

    for section in J.steps_for(answers):
        J.answer_step(page, answers, section)
        found[f"step-{section}"] = scan(page)
        _NAMES[section] = unnamed(page, answers, section)
        J.next_step(page, answers, section)
    found["review"] = scan(page)
    J.to_results(page)
    found["results"] = scan(page)

    open_app(page, f"{app_server.url}/about")
    found["about"] = scan(page)

    open_staff(page, app_server.url)
    found["staff-empty"] = scan(page)
    files = [*good_files()[:5], *broken_files()[:2]]
    page.locator(RECORD_FILES_INPUT).first.set_input_files(
        [{"name": n, "mimeType": "application/json", "buffer": b} for n, b in files]
    )
    expect(page.get_by_text("Files not loaded (2)")).to_be_visible()
    found["staff-loaded"] = scan(page)
    J.keyed(page, "staff_open").get_by_role("combobox").click()
    page.keyboard.type("URGENT")  # the choices are searchable: the urgent record
    page.keyboard.press("Enter")
    expect(page.get_by_role("tab", name="Clinician notes")).to_be_visible()
    found["staff-record"] = scan(page)
    page.context.close()
    return found


_USED: set[Known] = set()


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_violations(scans: dict[str, list[dict[str, Any]]], name: str) -> None:
    """axe-core finds no serious or critical violation on the page, other than Streamlit's own."""
    assert blocking(scans[name], _USED) == []


@pytest.mark.parametrize("section", J.steps_for(J.story(STORY, "x")))
def test_questions_are_named_by_their_text(names: dict[str, list[str]], section: str) -> None:
    """Every control on the step has its visible text as accessible name (no markdown escapes)."""
    assert names[section] == []


def test_every_page_was_scanned(scans: dict[str, list[dict[str, Any]]]) -> None:
    """The journey reached every page in PAGES (the list is what the scans cover)."""
    assert sorted(scans) == sorted(PAGES)


def test_known_streamlit_issues_still_occur(scans: dict[str, list[dict[str, Any]]]) -> None:
    """Every excused Streamlit violation is still found somewhere (else drop it from the list)."""
    used: set[Known] = set()
    for violations in scans.values():
        blocking(violations, used)
    assert set(KNOWN_STREAMLIT) - used == set()
