"""Fixtures for the real-browser tests: one app server and one Chromium per session.

    def test_x(app_server, page):
        open_app(page, app_server.url)          # from .harness import open_app, wait_idle
        ...                                     # page.requests_seen: every URL requested

Every test in this folder is marked ``browser``. Without Debian's Chromium the tests skip,
except under ``CI=true``, where a missing or broken browser, and any skipped browser test,
fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .harness import (
    DEFAULT_VIEWPORT,
    AppServer,
    AppStartError,
    BrowserUnavailable,
    launch_chromium,
    new_page,
    start_app,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

HERE = Path(__file__).resolve().parent


def in_ci() -> bool:
    """True when the run is CI's (environment variable CI is "true")."""
    return os.environ.get("CI", "").strip().lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI a browser test that cannot run is a failure, never a skip."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser as ``browser``."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


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
def app_server() -> Iterator[AppServer]:
    """The app, started once per session; ``.url``, ``.port``, ``.log_path``, ``.log_tail()``."""
    try:
        server = start_app()
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


@pytest.fixture
def page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    """A page in a fresh browser context; ``page.requests_seen`` lists the URLs it requested."""
    fresh = new_page(browser, viewport)
    try:
        yield fresh
    finally:
        fresh.context.close()
