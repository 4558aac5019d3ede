"""The Easy Read public journey in a browser, on a phone and a desktop: switch it on from
the home page, read the event page, open the live page, start a question with a sentence
starter, switch to words only, then leave with the quick exit. axe finds no WCAG 2.2 AA
violation on any page of it, the words are at least 14 pt, and the choice is a cookie the
browser forgets when it closes.

Screenshots go to tmp_path; with UPDATE_SCREENSHOTS=1 to docs/screenshots/ (the README's):

    UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_easy_read.py
"""

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, NewContext
from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.servers import Portal
from tests.e2e.test_live_page import QUICK_EXIT
from tests.e2e.test_screenshots import DOCS_SCREENSHOTS

# 14 pt is 18.67 CSS pixels.
SMALLEST_EASY_READ_PX = 18.67


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path


def smallest_easy_read_text(page: Any) -> float:
    return float(
        page.evaluate(
            """() => Math.min(...[...document.querySelectorAll('.app-easy-read__words')]
                .map((node) => parseFloat(getComputedStyle(node).fontSize)))"""
        )
    )


def shoot(page: Any, directory: Path, name: str) -> None:
    target = directory / f"{name}.png"
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    assert target.stat().st_size > 10_000, f"{target} looks empty"


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_easy_read_journey_from_home_to_quick_exit(
    portal: Portal,
    new_context: NewContext,
    axe_script: Path,
    screenshot_dir: Path,
    width: dict[str, int],
) -> None:
    label = "desktop" if width == DESKTOP else "phone"
    context = new_context(viewport=width)
    context.route(
        f"{QUICK_EXIT}**",
        lambda route: route.fulfill(content_type="text/html", body="<title>Weather</title>"),
    )
    page = context.new_page()

    # Home: the switch keeps the person on the page they were on.
    page.goto("/")
    page.get_by_role("link", name="Easy Read", exact=True).click()
    page.wait_for_url(portal.url("/"))
    expect(page.get_by_role("heading", name="What is a webchat?")).to_be_visible()
    expect(page.get_by_role("img", name="Picture of a speech bubble").first).to_be_visible()
    expect(page.get_by_text("If you are in danger now, call 999.")).to_be_visible()
    assert smallest_easy_read_text(page) >= SMALLEST_EASY_READ_PX
    reading = next(c for c in context.cookies() if c["name"] == "outreach_reading")
    assert reading["value"] == "easy"
    assert reading["expires"] == -1  # a session cookie: gone when the browser closes
    assert_no_axe_violations(page, axe_script, f"Easy Read home ({label})")
    shoot(page, screenshot_dir, f"easy-read-home-{label}")

    # The event page: what happens to a question.
    page.goto(f"/events/{portal.data['live_slug']}/")
    expect(page.get_by_text("This person is called a moderator.")).to_be_visible()
    assert_no_axe_violations(page, axe_script, f"Easy Read event ({label})")

    # The live page: a sentence starter fills the question box.
    page.goto(f"/events/{portal.data['live_slug']}/live/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    expect(page.get_by_role("heading", name="What happens to your question")).to_be_visible()
    page.get_by_role("button", name="I want to know…").click()
    box = page.get_by_role("textbox", name="Your question", exact=True)
    expect(box).to_have_value("I want to know ")
    expect(box).to_be_focused()
    page.keyboard.type("who reads my question")
    expect(box).to_have_value("I want to know who reads my question")
    assert_no_axe_violations(page, axe_script, f"Easy Read live page ({label})")
    shoot(page, screenshot_dir, f"easy-read-live-{label}")

    # Words only: the same words, no pictures, still on the live page.
    page.get_by_role("link", name="Words only").click()
    page.wait_for_url(portal.url(f"/events/{portal.data['live_slug']}/live/"))
    expect(page.get_by_text("This person is called a moderator.")).to_be_visible()
    expect(page.locator("img.app-easy-read__picture")).to_have_count(0)
    assert_no_axe_violations(page, axe_script, f"Easy Read words only ({label})")

    # Leave quickly.
    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url(f"{QUICK_EXIT}**")


def test_the_standard_view_is_back_after_switching_off(
    portal: Portal, new_context: NewContext
) -> None:
    page = new_context().new_page()
    page.goto("/transcripts/")
    page.get_by_role("link", name="Easy Read", exact=True).click()
    expect(page.get_by_role("heading", name="About transcripts")).to_be_visible()
    page.get_by_role("link", name="Standard view").click()
    page.wait_for_url(portal.url("/transcripts/"))
    expect(page.get_by_role("heading", name="About transcripts")).to_have_count(0)
    expect(page.get_by_role("link", name="Easy Read", exact=True)).to_be_visible()


def test_a_panellists_readability_hint_and_easy_read_answer_reach_the_easy_read_view(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    slug = portal.data["live_slug"]
    easy = new_context().new_page()
    easy.goto("/")
    easy.get_by_role("link", name="Easy Read", exact=True).click()
    easy.goto(f"/events/{slug}/live/")
    standard = new_context().new_page()
    standard.goto(f"/events/{slug}/live/")
    for page in (easy, standard):
        expect(page.locator("#connection-status")).to_have_text("Live updates on.")

    panellist = new_context(session=portal.data["panellist"]["session"]).new_page()
    panellist.goto(f"/events/{slug}/panel/")
    expect(panellist.locator("#connection-status")).to_have_text("Live updates on.")
    asked = panellist.locator(".app-panel-questions > li").first
    asked.get_by_label("Your answer to question").fill(
        "Your report was reviewed by the CPS and a decision was taken."
    )
    # The hint comes as they type, without a button (the no-JavaScript one is hidden).
    hint = asked.locator(".app-readability")
    # The process's first hint imports textstat (and NLTK: seconds on a busy machine).
    expect(hint).to_contain_text("Acronyms (write them out): CPS", timeout=60_000)
    expect(hint).to_contain_text("Maybe passive (say who does it):")
    expect(asked.get_by_role("button", name="Check readability")).to_be_hidden()
    asked.get_by_label("Easy Read version (optional)").fill("A lawyer read your report.")
    expect(hint).to_contain_text("Easy Read version:")
    assert_no_axe_violations(panellist, axe_script, "panel console with a readability hint")
    asked.get_by_role("button", name="Publish answer").click()

    # Live, in the Easy Read view only (the item's markup is the same for both).
    expect(easy.locator("#feed .app-easy-read-answer").last).to_be_visible()
    expect(easy.locator("#feed")).to_contain_text("A lawyer read your report.")
    expect(standard.locator("#feed")).to_contain_text("a decision was taken")
    expect(standard.locator("#feed .app-easy-read-answer").last).to_be_hidden()


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_other_public_pages_in_easy_read_have_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Path, width: dict[str, int]
) -> None:
    context = new_context(viewport=width)
    context.add_cookies([{"name": "outreach_reading", "value": "easy", "url": portal.base_url}])
    page = context.new_page()
    for name, path in {
        "finished live page": f"/events/{portal.data['archived_slug']}/live/",
        "embed": f"/events/{portal.data['live_slug']}/embed/",
        "transcripts": "/transcripts/",
        "transcript": f"/transcripts/{portal.data['archived_slug']}/",
        "staying safe online": "/staying-safe-online/",
        "agency": f"/agencies/{portal.data['agency_slug']}/",
    }.items():
        page.goto(path)
        expect(page.get_by_role("heading", name="Get help now")).to_be_visible()
        assert_no_axe_violations(page, axe_script, f"Easy Read {name}")
