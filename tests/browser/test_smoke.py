"""The app opens in a real browser and talks to nobody but its own server."""

from __future__ import annotations

from playwright.sync_api import Page

from .harness import AppServer, foreign_requests, open_app


def test_start_page_opens(app_server: AppServer, page: Page) -> None:
    """The start page shows the pre-screening title."""
    open_app(page, app_server.url)
    texts = [page.title(), *page.get_by_role("heading", level=1).all_inner_texts()]
    assert any("pre-screening" in text.lower() for text in texts), texts


def test_no_third_party_requests(app_server: AppServer, page: Page) -> None:
    """Every request the browser makes goes to the app's own origin (no telemetry)."""
    open_app(page, app_server.url)
    page.wait_for_load_state("networkidle")
    assert page.requests_seen, "no requests were recorded"
    assert foreign_requests(page.requests_seen, app_server.url) == []
