"""At phone size (360×740): the moment PHQ-9 item 9 is answered above "Not at all", the full
resources with call and text links appear right under it (where the person is reading)
and in the panel at the top; later steps carry a compact crisis bar, not a screenful; every
call and text link is well formed; the footer numbers are links."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

import pytest
from playwright.sync_api import Locator, Page, expect

from screening.crisis import load_crisis_resources

from . import journeys as J
from .harness import AppServer, open_app

PHONE = {"width": 360, "height": 740}
TEL = re.compile(r"^tel:\+?[0-9]{2,15}$")  # RFC 3966, digits only
SMS = re.compile(r"^sms:\+?[0-9]{2,15}(\?body=[A-Za-z0-9%._~-]+)?$")  # RFC 5724


def _answers() -> dict[str, object]:
    answers = J.story("crisis", "phone")
    answers["phq9_9"] = 1
    return answers


def _answer_item9(page: Page, url: str) -> Page:
    """At 360×740: step 1, then PHQ-9 items 1-8 (no panel yet), then item 9 "Several days"."""
    answers = _answers()
    open_app(page, url)
    J.start(page, answers)
    J.complete(page, answers, until="about")
    J.next_step(page, answers, "about")
    phq9 = J.QN.by_id
    for item in range(1, 9):
        J.answer(page, phq9[f"phq9_{item}"], answers[f"phq9_{item}"], f"q:phq9_{item}")
    expect(page.locator(J.CRISIS_PANEL)).to_have_count(0)
    J.answer(page, phq9["phq9_9"], 1, "q:phq9_9")
    return page


@pytest.fixture(scope="module")
def item9_answered(app_server: AppServer, open_page: Callable[..., Page]) -> Page:
    """The PHQ-9 step at phone size, item 9 just answered above "Not at all" (read only)."""
    return _answer_item9(open_page(PHONE), app_server.url)


def _panel(page: Page) -> Locator:
    return page.locator(J.CRISIS_PANEL)


def test_panel_appears_before_next(item9_answered: Page) -> None:
    """The panel shows as soon as item 9 is answered, still on the PHQ-9 step."""
    page = item9_answered
    expect(_panel(page).get_by_role("heading", name=J.CRISIS_TITLE)).to_be_visible()
    assert J.current_title(page).endswith(J.QN.section_by_id["phq9"].title)


def test_panel_is_in_the_first_viewport(item9_answered: Page) -> None:
    """At the top of the page the panel's heading and its first call link fit in 740 px."""
    page = item9_answered
    J.settle(page)
    J.scroll_to_top(page)
    panel = _panel(page)
    expect(panel.get_by_role("heading", name=J.CRISIS_TITLE)).to_be_in_viewport(ratio=1)
    expect(panel.locator('a[href^="tel:"]').first).to_be_in_viewport(ratio=1)


def test_support_in_view_where_item9_is_answered(item9_answered: Page) -> None:
    """With item 9 in the middle of the screen (where it was just answered), the call link
    right under it is on screen, and the resources there are the full list."""
    page = item9_answered
    J.settle(page)
    J.keyed(page, "q:phq9_9").evaluate("e => e.scrollIntoView({block: 'center'})")
    inline = page.locator(".st-key-crisis-inline")
    links = inline.locator('a[href^="tel:"]').all()
    assert links and _on_screen(page, links[0])
    region = load_crisis_resources().region("us")
    text = inline.inner_text()
    assert all(r.name in text for r in region.resources if not r.emergency)


def _on_screen(page: Page, link: Locator) -> bool:
    box = link.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_panel_is_first_in_the_main_area(item9_answered: Page) -> None:
    """Nothing of the page comes above the panel: it sits over the step heading."""
    page = item9_answered
    panel = _panel(page).bounding_box()
    h1 = J.main(page).get_by_role("heading", level=1).first.bounding_box()
    assert panel is not None and h1 is not None
    assert panel["y"] + panel["height"] <= h1["y"]


@pytest.fixture(scope="module")
def next_step_page(app_server: AppServer, open_page: Callable[..., Page]) -> Page:
    """The step after PHQ-9 at phone size, item 9 answered above "Not at all"."""
    page = _answer_item9(open_page(PHONE), app_server.url)
    answers = _answers()
    J.answer(page, J.QN.by_id["phq9_difficulty"], answers["phq9_difficulty"], "q:phq9_difficulty")
    J.next_step(page, answers, "phq9")
    J.settle(page)
    return page


def test_bar_in_view_on_the_next_step(next_step_page: Page) -> None:
    """On the step after PHQ-9 a compact crisis bar with a call link is in view on arrival."""
    bar = next_step_page.locator(".st-key-crisis-bar")
    expect(bar.locator('a[href^="tel:"]').first).to_be_in_viewport(ratio=1)


def test_bar_is_compact_and_opens_to_the_full_list(next_step_page: Page) -> None:
    """The bar takes a fraction of a phone screen (not a 587 px block), and its folded part
    opens to every service of the region."""
    bar = next_step_page.locator(".st-key-crisis-bar")
    box = bar.bounding_box()
    assert box is not None and box["height"] <= PHONE["height"] * 0.3, box
    bar.locator("summary").click()
    region = load_crisis_resources().region("us")
    for r in region.resources:
        if not r.emergency:
            expect(bar.get_by_text(r.name, exact=False).first).to_be_visible()


def test_footer_numbers_are_links(next_step_page: Page) -> None:
    """The crisis line at the bottom of the page carries tappable call and text links."""
    footer = next_step_page.locator(".st-key-crisis-footer")
    hrefs = {str(a.get_attribute("href")) for a in footer.locator("a").all()}
    region = load_crisis_resources().region("us")
    expected = {link for r in region.resources for link in (r.tel_link(), r.sms_link()) if link}
    assert expected <= hrefs, hrefs


def test_panel_links_are_well_formed(item9_answered: Page) -> None:
    """Every tel: and sms: link in the panel is a bare number (sms: with an optional body)."""
    hrefs = _hrefs(item9_answered)
    bad = [h for h in hrefs if not (TEL.match(h) or SMS.match(h))]
    assert (bad, len(hrefs) > 0) == ([], True), hrefs


def test_panel_links_match_the_resources_file(item9_answered: Page) -> None:
    """The panel offers exactly the call and text links of the default region's resources."""
    region = load_crisis_resources().region("us")
    expected = {link for r in region.resources for link in (r.tel_link(), r.sms_link()) if link}
    assert set(_hrefs(item9_answered)) == expected


def test_text_link_prefills_the_keyword(item9_answered: Page) -> None:
    """The Crisis Text Line link pre-fills its keyword (sms:741741?body=HOME)."""
    bodies = {unquote(h.split("?body=", 1)[1]) for h in _hrefs(item9_answered) if "?body=" in h}
    region = load_crisis_resources().region("us")
    assert bodies == {r.sms_body for r in region.resources if r.sms_body}


def _hrefs(page: Page) -> list[str]:
    links = _panel(page).locator('a[href^="tel:"], a[href^="sms:"]')
    return [str(link.get_attribute("href")) for link in links.all()]
