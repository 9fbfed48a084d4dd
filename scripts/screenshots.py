"""Screenshots of the app for docs/screenshots, 1280 px and 360 px wide, in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py              # every shot in SHOTS
    .venv/bin/python scripts/screenshots.py start        # only the named shots

Writes docs/screenshots/<name>-1280.png and <name>-360.png. To add a page, append a Shot to
SHOTS: its ``drive`` receives a page already open on the start page and idle, and brings it to
the state to capture, for example::

    def _first_question(page: Page) -> None:
        page.get_by_role("button", name="Start").click()
        wait_idle(page, expected=page.get_by_text("Question 1"))

    SHOTS.append(Shot("question-1", "The first question", _first_question))
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.browser.harness import (  # noqa: E402
    RECORD_FILES_INPUT,
    STAFF_EMAIL,
    STAFF_SUBJECT,
    AppStartError,
    BrowserUnavailable,
    auth_secrets,
    chromium,
    free_port,
    new_page,
    open_app,
    open_staff,
    running_app,
    settle,
    staff_settings,
    wait_idle,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.browser.harness import AppServer


@dataclass(frozen=True)
class Shot:
    """One screenshot: a file name stem, what it shows, and how to get there from the start.

    With ``first_screen`` the picture is what a person sees first at that width, without
    scrolling (FIRST_SCREEN gives the window height), instead of the whole page.
    """

    name: str
    description: str
    drive: Callable[[Page], None]
    first_screen: bool = False
    widths: tuple[int, ...] = (1280, 360)


def _start(page: Page) -> None:
    """The start page as it opens: nothing to do."""


# The pages to capture, in order. Each drive starts from a fresh session on the start page.
SHOTS: list[Shot] = [
    Shot("start", "The start page", _start),
]


def _staff_upload(page: Page) -> None:
    """Staff review with good records, a crisis, a tampered record and broken files loaded."""
    from tests.staff_data import broken_files, good_files, tampered_bytes

    base = page.url.split("?", 1)[0].rstrip("/")
    open_staff(page, base)  # signs in through the local OpenID Connect provider
    files = [*good_files(), ("tampered.json", tampered_bytes()), *broken_files()[:4]]
    page.locator(RECORD_FILES_INPUT).first.set_input_files(
        [{"name": n, "mimeType": "application/json", "buffer": b} for n, b in files]
    )
    wait_idle(page, expected=page.get_by_text("Files not loaded (4)"))
    wait_idle(page, expected=page.get_by_text("By PHQ-9 band").first)


def _staff_detail(page: Page) -> None:
    """Staff review with the urgent record opened."""
    _staff_upload(page)
    page.get_by_label("Open a record", exact=True).click()
    page.keyboard.type("URGENT")  # the options are searchable: the urgent record
    page.keyboard.press("Enter")
    wait_idle(page, expected=page.get_by_role("tab", name="Clinician notes"))
    page.evaluate("document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")


SHOTS += [
    Shot("staff-review", "Staff review: a mixed upload triaged, crisis first", _staff_upload),
    Shot("staff-review-detail", "Staff review: one record opened", _staff_detail),
]


def _wizard_problems(page: Page) -> None:
    """Self-screening: Next pressed on an empty first step, each problem marked."""
    from tests.browser.wizard_flow import press

    press(page, "wiz:start")
    press(page, "wiz:next")
    wait_idle(page, expected=page.get_by_text("answers need your attention"))


def _wizard_resume(vignette_id: str, step: str | None, expected: str) -> Callable[[Page], None]:
    def drive(page: Page) -> None:
        from tests.browser.wizard_flow import progress_file, resume
        from tests.conftest import vignette

        status = "in_progress" if step else "completed"
        resume(page, progress_file(vignette(vignette_id), step, status), expected)

    return drive


def _wizard_results(page: Page) -> None:
    """Self-screening: the summary of a person who reported thoughts of self-harm."""
    from tests.browser.wizard_flow import heading, press

    _wizard_resume("item9-passive", None, "Check your answers")(page)
    press(page, "wiz:results")
    wait_idle(page, expected=heading(page, "Your summary"))
    page.evaluate("document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")


def _wizard_trials_error(page: Page) -> None:
    """Self-screening: the trials step with weeks out of range, refused next to the field."""
    from tests.browser.wizard_flow import keyed, press

    _wizard_resume("typical-trd", "treatment", "Step 4 of 9")(page)
    field = page.locator(".st-key-answer-t0-weeks").get_by_role("textbox")
    field.fill("9999")
    field.press("Enter")
    press(page, "wiz:next")
    wait_idle(page, expected=page.get_by_text("needs your attention").first)
    keyed(page, "trial-0").scroll_into_view_if_needed()


def _about(page: Page) -> None:
    """The About page with the generated rules table."""
    base = page.url.split("?", 1)[0].rstrip("/")
    open_app(page, f"{base}/about")


SHOTS += [
    Shot("wizard-problems", "Self-screening: a step with its problems marked", _wizard_problems),
    Shot(
        "wizard-phq9-crisis",
        "Self-screening: PHQ-9 with item 9 above zero, crisis panel first",
        _wizard_resume("item9-passive", "phq9", "Step 2 of 10"),
    ),
    Shot(
        "wizard-trials",
        "Self-screening: antidepressant trials, two rows",
        _wizard_resume("typical-trd", "treatment", "Step 4 of 9"),
    ),
    Shot(
        "wizard-trials-error",
        "Self-screening: antidepressant trials, weeks out of range refused beside the field",
        _wizard_trials_error,
    ),
    Shot(
        "wizard-review",
        "Self-screening: the review with Edit per section",
        _wizard_resume("typical-trd", None, "Check your answers"),
    ),
    Shot("wizard-results", "Self-screening: the summary, crisis panel first", _wizard_results),
    Shot("about", "About, with the rules table from the catalogue", _about),
]


def _wizard_step(vignette_id: str, section: str) -> Callable[[Page], None]:
    """Self-screening: one step, resumed from a progress file, its answers filled in."""
    from tests.browser.journeys import steps_for
    from tests.conftest import vignette

    steps = steps_for(vignette(vignette_id))
    return _wizard_resume(vignette_id, section, f"Step {steps.index(section) + 1} of")


def _wizard_summary(vignette_id: str) -> Callable[[Page], None]:
    """Self-screening: the summary of a vignette, from its completed record file."""

    def drive(page: Page) -> None:
        from tests.browser.journeys import scroll_to_top, to_results

        _wizard_resume(vignette_id, None, "Check your answers")(page)
        to_results(page)
        scroll_to_top(page)

    return drive


# Every other step of the questionnaire (PHQ-9 and the trials are shown above).
SHOTS += [
    Shot(
        f"wizard-step-{section}",
        f"Self-screening: the step {section!r}, answered",
        _wizard_step(vignette_id, section),
    )
    for vignette_id, section in (
        ("typical-trd", "about"),
        ("item9-passive", "safety"),
        ("typical-trd", "history"),
        ("typical-trd", "medical"),
        ("typical-trd", "substances"),
        ("typical-trd", "medicines"),
        ("typical-trd", "practical"),
    )
]

# The first screenful of the main pages, for the README.
SHOTS += [
    Shot("first-screen-start", "First screen: the start page", _start, first_screen=True),
    Shot(
        "first-screen-crisis",
        "First screen: PHQ-9 with item 9 above zero, the crisis panel on top",
        _wizard_resume("item9-passive", "phq9", "Step 2 of 10"),
        first_screen=True,
    ),
    Shot(
        "first-screen-results",
        "First screen: the summary with its outcome",
        _wizard_summary("typical-trd"),
        first_screen=True,
    ),
    Shot(
        "first-screen-staff",
        "First screen: staff review after a mixed upload",
        _staff_upload,
        first_screen=True,
    ),
]


def _spanish(drive: Callable[[Page], None]) -> Callable[[Page], None]:
    """The same shot in Spanish: Español chosen on the start page first."""

    def in_spanish(page: Page) -> None:
        from tests.browser.journeys import choose_language

        choose_language(page, "es", "start")
        drive(page)

    return in_spanish


def _spanish_steps() -> list[Shot]:
    """Every page in Spanish at 360 px (Spanish text is longer: check nothing overflows)."""
    from tests.browser.journeys import steps_for
    from tests.browser.wizard_flow import heading, press
    from tests.conftest import vignette

    def step(vignette_id: str, section: str) -> Callable[[Page], None]:
        steps = steps_for(vignette(vignette_id))
        return _wizard_resume(vignette_id, section, f"Paso {steps.index(section) + 1} de")

    def results(page: Page) -> None:
        _wizard_resume("item9-passive", None, "Revise sus respuestas")(page)
        press(page, "wiz:results")
        wait_idle(page, expected=heading(page, "Su resumen"))
        page.evaluate("document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")

    def problems(page: Page) -> None:
        press(page, "wiz:start")
        press(page, "wiz:next")
        wait_idle(page, expected=page.get_by_text("necesitan su atención"))

    drives: list[tuple[str, Callable[[Page], None]]] = [
        ("start", lambda page: None),
        ("problems", problems),
        *(
            (f"step-{section}", step(vignette_id, section))
            for vignette_id, section in (
                ("typical-trd", "about"),
                ("item9-passive", "phq9"),
                ("item9-passive", "safety"),
                ("typical-trd", "history"),
                ("typical-trd", "treatment"),
                ("typical-trd", "medical"),
                ("typical-trd", "substances"),
                ("typical-trd", "medicines"),
                ("typical-trd", "practical"),
            )
        ),
        ("review", _wizard_resume("typical-trd", None, "Revise sus respuestas")),
        ("results", results),
    ]
    shots = [
        Shot(f"es-{name}", f"In Spanish: {name}", _spanish(drive), widths=(360,))
        for name, drive in drives
    ]
    return [*shots, Shot("es-about", "In Spanish: About", _about_spanish, widths=(360,))]


def _about_spanish(page: Page) -> None:
    """The About page in Spanish: Español chosen, then About opened from the navigation
    (the language lives in the session, so the page is not reloaded)."""
    from tests.browser.journeys import choose_language

    choose_language(page, "es", "start")
    page.get_by_role("link", name="Acerca de").first.dispatch_event("click")
    wait_idle(page, expected=page.get_by_role("heading", name="Acerca de este cuestionario"))


SHOTS += _spanish_steps()

WIDTHS = (1280, 360)
VIEWPORT_HEIGHT = 2400  # tall: Streamlit scrolls an inner container, not the document
FIRST_SCREEN = {1280: 800, 360: 740}  # window height of a laptop and of a small phone
OUT_DIR = REPO_ROOT / "docs" / "screenshots"
CONTENT_SELECTOR = '[data-testid="stMainBlockContainer"]'


def _content_bottom(page: Page) -> int:
    """The bottom edge, in CSS pixels, of the main content (with its bottom padding)."""
    box = page.locator(CONTENT_SELECTOR).first.bounding_box()
    if box is None:
        raise RuntimeError(f"{CONTENT_SELECTOR} is not visible: cannot measure the page")
    return int(box["y"] + box["height"] + 0.5)


def capture(browser: Browser, url: str, shot: Shot, width: int, out_dir: Path) -> Path:
    """Drive a fresh page to ``shot`` at ``width`` and save it, cropped to the content height
    (or, for a ``first_screen`` shot, the window as it first shows)."""
    height = FIRST_SCREEN[width] if shot.first_screen else VIEWPORT_HEIGHT
    page = new_page(browser, {"width": width, "height": height})
    try:
        open_app(page, url)
        shot.drive(page)
        settle(page)
        bottom = height if shot.first_screen else _content_bottom(page)
        if bottom > VIEWPORT_HEIGHT:  # longer than the viewport: grow it so nothing scrolls
            page.set_viewport_size({"width": width, "height": bottom})
            settle(page)
            bottom = _content_bottom(page)
        path = out_dir / f"{shot.name}-{width}.png"
        page.screenshot(
            path=path,
            clip={"x": 0, "y": 0, "width": width, "height": bottom},
            animations="disabled",
            caret="hide",
        )
        return path
    finally:
        page.context.close()


@contextlib.contextmanager
def staff_deployment() -> Iterator[AppServer]:
    """The app as a staff deployment (the staff page on), signing in through a local OpenID
    Connect provider (oidc-provider-mock) with the test member of staff as its one user."""
    from oidc_provider_mock import User, run_server_in_thread

    staff = User(sub=STAFF_SUBJECT, claims={"email": STAFF_EMAIL, "email_verified": True})
    with (
        tempfile.TemporaryDirectory() as folder,
        run_server_in_thread(port=free_port(), user_claims=[staff]) as provider,
    ):
        port = free_port()
        provider_url = f"http://127.0.0.1:{provider.server_port}"
        secrets_file = auth_secrets(Path(folder), provider_url, f"http://127.0.0.1:{port}")
        with running_app(
            port=port,
            extra_args=("--secrets.files", str(secrets_file)),
            env={"SCREENING_SETTINGS": str(staff_settings(Path(folder)))},
        ) as app:
            yield app


def main(argv: list[str] | None = None) -> int:
    """Capture the chosen shots; 0 on success, 2 when the app or the browser cannot start."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="shots to take (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"default: {OUT_DIR}")
    args = parser.parse_args(argv)

    known = {shot.name: shot for shot in SHOTS}
    unknown = [name for name in args.names if name not in known]
    if unknown:
        parser.error(f"unknown shot(s) {', '.join(unknown)}; known: {', '.join(known)}")
    chosen = [known[name] for name in args.names] if args.names else SHOTS

    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with staff_deployment() as app, chromium() as browser:
            for shot in chosen:
                for width in shot.widths:
                    path = capture(browser, app.url, shot, width, args.out)
                    print(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path)
    except (AppStartError, BrowserUnavailable) as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
