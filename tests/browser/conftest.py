"""Fixtures for the real-browser tests: one app server and one Chromium per session.

    def test_x(app_server, page):
        open_app(page, app_server.url)          # from .harness import open_app, wait_idle
        ...                                     # page.requests_seen: every URL requested

Every test in this folder is marked ``browser``. Without Debian's Chromium the tests skip,
except under ``CI=true``, where a missing or broken browser, and any skipped browser test,
fails the run.

For the privacy checks, every page made by these fixtures (``page``, ``open_page``) is
recorded in the session's ``journal``: the URLs it requested, the files the tests saved on
purpose, and the questions a ``sentinel`` string was typed into. The tests of
``test_privacy.py`` run last, after every journey.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .harness import (
    DEFAULT_VIEWPORT,
    IDENTITY_PROVIDERS,
    STAFF_EMAIL,
    STAFF_SUBJECT,
    AppServer,
    AppStartError,
    BrowserUnavailable,
    auth_secrets,
    free_port,
    launch_chromium,
    new_page,
    staff_settings,
    start_app,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

HERE = Path(__file__).resolve().parent
LAST_MODULES = ("test_privacy.py",)  # run after every other browser test


@dataclass
class Journal:
    """What the browser tests of this session did, for the privacy checks.

    ``requests``: one list of URLs per page made by the fixtures. ``saved``: folders holding
    files the tests wrote on purpose (downloads). ``typed``: ids of the questions the
    sentinel was typed into. ``timings``: figures printed at the end, never asserted.
    """

    started: float = field(default_factory=time.time)
    requests: list[list[str]] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)
    typed: set[str] = field(default_factory=set)
    timings: dict[str, list[float]] = field(default_factory=dict)

    @property
    def urls(self) -> list[str]:
        """Every URL requested by every recorded page, in order per page."""
        return [url for seen in self.requests for url in seen]

    def track(self, page: Page) -> Page:
        """Record the requests of ``page`` (made by ``harness.new_page``)."""
        self.requests.append(page.requests_seen)  # type: ignore[attr-defined]
        return page

    def time(self, name: str, seconds: float) -> None:
        """Note a duration for the summary printed at the end of the run."""
        self.timings.setdefault(name, []).append(seconds)


_JOURNAL = Journal()


def in_ci() -> bool:
    """True when the run is CI's (environment variable CI is "true")."""
    return os.environ.get("CI", "").strip().lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI a browser test that cannot run is a failure, never a skip."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser as ``browser``; the privacy checks go last."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
    last = [item for item in items if Path(item.path).name in LAST_MODULES]
    if last:
        items[:] = [item for item in items if item not in last] + last


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the browser timings noted this session (information only, never asserted)."""
    if not _JOURNAL.timings:
        return
    terminalreporter.section("browser timings (not asserted)")
    for name, values in _JOURNAL.timings.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        terminalreporter.write_line(f"{name}: {shown} s")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the server log to failures; under CI=true, a skipped browser test fails."""
    report = yield
    server = item.funcargs.get("app_server") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(server, AppServer):
        report.sections.append(("streamlit log (tail)", server.log_tail()))
    if (
        in_ci()
        and report.skipped
        and not hasattr(report, "wasxfail")
        and item.get_closest_marker("browser") is not None
    ):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI=true: {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[str]:
    """A real OpenID Connect provider on loopback (oidc-provider-mock) with the test member
    of staff as its one user; its base URL."""
    from oidc_provider_mock import User, run_server_in_thread

    staff = User(sub=STAFF_SUBJECT, claims={"email": STAFF_EMAIL, "email_verified": True})
    with run_server_in_thread(port=free_port(), user_claims=[staff]) as server:
        IDENTITY_PROVIDERS.add(f"127.0.0.1:{server.server_port}")
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory, oidc_provider: str) -> Iterator[AppServer]:
    """The app, started once per session, as a staff deployment (the staff page on, sign-in
    through the test OIDC provider); ``.url``, ``.port``, ``.log_path``, ``.log_tail()``."""
    folder = tmp_path_factory.mktemp("settings")
    port = free_port()
    secrets_file = auth_secrets(folder, oidc_provider, f"http://127.0.0.1:{port}")
    try:
        server = start_app(
            port=port,
            extra_args=("--secrets.files", str(secrets_file)),
            env={"SCREENING_SETTINGS": str(staff_settings(folder))},
        )
    except AppStartError as exc:
        error = str(exc)
    else:
        error = ""
    if error:
        pytest.fail(error, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    """Playwright's sync API, started once per session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        skip_or_fail(f"playwright is not installed: {exc}")
    manager = sync_playwright()
    playwright = manager.start()
    try:
        yield playwright
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, launched once per session (skips, or fails under CI=true)."""
    try:
        chromium = launch_chromium(_playwright)
    except BrowserUnavailable as exc:
        reason = str(exc)
    else:
        reason = ""
    if reason:
        skip_or_fail(reason)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    """The page size; override in a module or with indirect parametrization."""
    return dict(DEFAULT_VIEWPORT)


@pytest.fixture(scope="session")
def journal() -> Journal:
    """The session's record of requests, saved files and typed sentinels (privacy checks)."""
    return _JOURNAL


@pytest.fixture(scope="session")
def sentinel() -> str:
    """A string nobody else writes: typed into free-text answers, then searched for."""
    return f"sntl{secrets.token_hex(8)}"


@pytest.fixture(scope="session")
def downloads(tmp_path_factory: pytest.TempPathFactory, journal: Journal) -> Path:
    """The folder for files the tests download on purpose (left out of the disk search)."""
    folder = tmp_path_factory.mktemp("downloads")
    journal.saved.append(folder)
    return folder


@pytest.fixture(scope="session")
def open_page(browser: Browser, journal: Journal) -> Iterator[Callable[..., Page]]:
    """``open_page(viewport=None)``: a recorded page in a fresh context, for wider fixtures.

    Every page it made is closed at the end of the session (close it earlier with
    ``page.context.close()``).
    """
    made: list[Page] = []

    def make(viewport: dict[str, int] | None = None) -> Page:
        fresh = journal.track(new_page(browser, viewport))
        made.append(fresh)
        return fresh

    yield make
    for old in made:
        if not old.is_closed():
            old.context.close()


@pytest.fixture
def page(browser: Browser, viewport: dict[str, int], journal: Journal) -> Iterator[Page]:
    """A page in a fresh browser context; ``page.requests_seen`` lists the URLs it requested."""
    fresh = journal.track(new_page(browser, viewport))
    try:
        yield fresh
    finally:
        fresh.context.close()
