"""The staff review page in a real browser: upload many files, see crisis first, download."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page

from tests.staff_data import mixed_upload

from .harness import RECORD_FILES_INPUT, AppServer, open_staff, wait_idle


def load_mixed(page: Page, url: str) -> None:
    """Open the staff page and upload the mixed set of files."""
    open_staff(page, url)
    page.locator(RECORD_FILES_INPUT).first.set_input_files(
        [{"name": n, "mimeType": "application/json", "buffer": b} for n, b in mixed_upload()]
    )
    wait_idle(page, expected=page.get_by_text("Files not loaded (9)"))


def test_crisis_banner_after_upload(app_server: AppServer, page: Page) -> None:
    """After a mixed upload the crisis count is written out above the table."""
    load_mixed(page, app_server.url)
    banner = page.get_by_text("⚠ CRISIS: 3 record(s) show crisis answers, 1 of them URGENT")
    assert banner.is_visible()


def test_csv_download_in_browser(app_server: AppServer, page: Page) -> None:
    """The CSV button downloads the shown rows, urgent first, under a neutral name."""
    load_mixed(page, app_server.url)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV (12 rows shown)").click()
    download = info.value
    assert download.failure() is None
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert (download.suggested_filename, len(rows), rows[0]["record"]) == (
        "screening-review.csv",
        12,
        "urgent-intent.json",
    )
