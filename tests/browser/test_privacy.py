"""Privacy in the real browser, checked after every other browser test of the session.

During the journeys every request of every page was recorded (conftest ``journal``), and
the session's sentinel string was typed into each free-text answer (name, notes, the name
of another antidepressant) and put in a record uploaded to the staff page. Afterwards:
requests went only to the app's own origin and no URL carries answer text; the sentinel is
in no file changed during the session (the repository, the temp folder, the home folder
with ~/.streamlit and ~/.cache) except the downloads the tests saved on purpose, and
nowhere in the server's output.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page

from . import journeys as J
from .conftest import Journal
from .harness import (
    REPO_ROOT,
    STARTED_ORIGINS,
    AppServer,
    foreign_requests,
    open_app,
    sign_in_request,
)

FREE_TEXT = {"display_name", "notes_for_clinician", "ad_trials.medication_other"}
SKIP_DIRS = {".git", ".venv", "node_modules", ".mypy_cache", ".ruff_cache", "__pycache__"}
MAX_BYTES = 64_000_000
STORY = "resumed"  # the story that fills in every free-text question


def disk_roots() -> list[Path]:
    """Where a server process or the browser could leave files: repo, temp, home."""
    roots = [REPO_ROOT, Path(tempfile.gettempdir()), Path.home()]
    return [r for r in dict.fromkeys(r.resolve() for r in roots) if r.exists()]


def changed_files(roots: list[Path], since: float, skip: list[Path]) -> Iterator[Path]:
    """Regular files under ``roots`` modified at or after ``since``, outside ``skip``."""
    skipped = {s.resolve() for s in skip}
    seen: set[Path] = set()
    for root in roots:
        for folder, dirs, names in os.walk(root):
            here = Path(folder)
            if here in skipped or here in seen:
                dirs[:] = []
                continue
            seen.add(here)
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS and (here / d) not in skipped]
            for name in names:
                path = here / name
                try:
                    info = path.lstat()
                except OSError:
                    continue
                if path.is_file() and not path.is_symlink() and info.st_mtime >= since:
                    yield path


def holding(text: str, paths: Iterator[Path]) -> list[Path]:
    """The files whose bytes contain ``text`` (UTF-8 or UTF-16, as browsers store strings)."""
    needles = (text.encode(), text.encode("utf-16-le"))
    found = []
    for path in paths:
        try:
            if path.stat().st_size > MAX_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if any(needle in data for needle in needles):
            found.append(path)
    return found


@pytest.fixture(scope="module")
def typed(
    app_server: AppServer,
    open_page: Callable[..., Page],
    journal: Journal,
    sentinel: str,
    downloads: Path,
) -> set[str]:
    """The free-text questions that got the sentinel; a journey types it if none did yet.

    When this module runs alone there were no journeys before it: then the story that
    fills every free-text question is driven here, and its record downloaded.
    """
    if not journal.typed >= FREE_TEXT:
        answers = J.story(STORY, sentinel)
        page = open_page()
        open_app(page, app_server.url)
        J.start(page, answers)
        J.complete(page, answers)
        journal.typed.update(J.free_text_ids(answers))
        J.to_results(page)
        J.save_download(page, J.download_button(page, "wiz:download_record"), downloads / "own")
        page.context.close()
    return set(journal.typed)


def test_sentinel_typed_in_every_free_text(typed: set[str]) -> None:
    """The journeys typed the sentinel into every free-text question (name, notes, medicine)."""
    assert typed >= FREE_TEXT


def test_saved_downloads_hold_the_sentinel(
    typed: set[str], journal: Journal, sentinel: str
) -> None:
    """The files the tests saved on purpose hold the sentinel: it reached the server and back,
    and the search below finds it where it is."""
    saved = holding(sentinel, changed_files(journal.saved, journal.started, []))
    assert saved, f"no saved download holds the sentinel under {journal.saved}"


def test_requests_stay_on_the_app_origin(
    typed: set[str], journal: Journal, app_server: AppServer
) -> None:
    """Every request of every page in the session went to an app (or proxy) the tests
    started on loopback, except the staff sign-in at the clinic's identity provider: no
    third party, no outside font, script or image."""
    urls = journal.urls
    assert (len(urls) > 0, foreign_requests(urls, app_server.url, STARTED_ORIGINS)) == (True, [])


def test_no_answer_text_in_any_url(typed: set[str], journal: Journal, sentinel: str) -> None:
    """No URL requested in the session carries the sentinel (answers travel in the websocket)."""
    assert [u for u in journal.urls if sentinel.lower() in unquote(u).lower()] == []


def test_no_query_string_beyond_streamlit_own(typed: set[str], journal: Journal) -> None:
    """Apart from Streamlit's own (media titles, asset hashes) and the sign-in redirects,
    URLs carry no query at all."""
    with_query = [
        u for u in journal.urls if "?" in u and "/media/" not in u and not sign_in_request(u)
    ]
    assert with_query == []


def test_sentinel_not_on_disk(typed: set[str], journal: Journal, sentinel: str) -> None:
    """No file changed during the session holds the sentinel, except the downloads saved."""
    files = changed_files(disk_roots(), journal.started - 1, journal.saved)
    assert holding(sentinel, files) == []


def test_sentinel_not_in_server_output(
    typed: set[str], app_server: AppServer, sentinel: str
) -> None:
    """The server's output (stdout and stderr) never contains the sentinel."""
    output = app_server.log_path.read_bytes()
    assert sentinel.encode() not in output
