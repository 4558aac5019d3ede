"""WCAG 2.2 AA in a real browser: axe-core on every page, then what axe cannot check.

axe runs with the WCAG 2.0, 2.1 and 2.2 A and AA rules on every public page, the live page
in the middle of a webchat, the account pages and both consoles, at desktop and phone
widths; any violation fails the test with each rule, its help and the elements concerned.
Then: every page reflows at 320 CSS pixels without scrolling sideways; the keyboard's focus
is never hidden behind anything; controls are at least 24 by 24 CSS pixels; new live items
are announced through a polite live region; live updates can be paused.
"""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, NewContext
from tests.e2e.helpers import assert_no_axe_violations, feed_seqs
from tests.e2e.servers import Portal

# Public pages by name: their paths need the setup's slugs.
PUBLIC_PAGES = {
    "home": "/",
    "upcoming event": "/events/{upcoming_slug}/",
    "live event": "/events/{live_slug}/",
    "live page": "/events/{live_slug}/live/",
    "upcoming live page": "/events/{upcoming_slug}/live/",
    "archived live page": "/events/{archived_slug}/live/",
    "embed": "/events/{live_slug}/embed/",
    "transcripts": "/transcripts/",
    "transcript search": "/transcripts/?q=evidence",
    "transcript": "/transcripts/{archived_slug}/",
    "agency": "/agencies/{agency_slug}/",
    "staying safe online": "/staying-safe-online/",
    # "I want to know this too" without JavaScript: the one-button form.
    "me-too form": "/events/{live_slug}/live/questions/{published_question_id}/me-too/",
    "not found": "/events/no-such-webchat/",
}
ACCOUNT_PAGES = {
    "sign in": "/accounts/login/",
    "reset password": "/accounts/password/reset/",
}


def public_path(portal: Portal, name: str) -> str:
    return PUBLIC_PAGES[name].format(**portal.data)


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_has_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Path, name: str, width: dict[str, int]
) -> None:
    page = new_context(viewport=width).new_page()
    page.goto(public_path(portal, name))
    if page.url.endswith("/live/") and "archived" not in name:
        page.get_by_text("Live updates on.").wait_for()
    assert_no_axe_violations(page, axe_script, name)


@pytest.mark.parametrize("name", list(ACCOUNT_PAGES))
def test_account_page_has_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Path, name: str
) -> None:
    page = new_context().new_page()
    page.goto(ACCOUNT_PAGES[name])
    assert_no_axe_violations(page, axe_script, name)


def test_signed_in_account_pages_have_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    page = new_context(session=portal.data["moderator"]["session"]).new_page()
    for path in (
        "/your-webchats/",
        "/accounts/2fa/",
        "/accounts/password/change/",
        "/accounts/email/",
    ):
        page.goto(path)
        assert_no_axe_violations(page, axe_script, path)


def test_a_members_own_pages_have_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    page = new_context(session=portal.data["member"]["session"]).new_page()
    page.goto("/accounts/questions/")
    expect(page.locator("main")).to_contain_text("bullied for his disability")
    assert_no_axe_violations(page, axe_script, "your questions")
    page.goto(f"/events/{portal.data['upcoming_slug']}/")
    expect(page.get_by_role("button", name="Stop the email reminder")).to_be_visible()
    assert_no_axe_violations(page, axe_script, "event page with a reminder")
    page.goto("/accounts/delete/")
    expect(page.get_by_role("button", name="Delete my account")).to_be_visible()
    assert_no_axe_violations(page, axe_script, "delete your account")


# The admin pages staff use in their first hour: finding an event and its consoles, adding
# and inviting a panellist or moderator, and the question audit.
ADMIN_PAGES = {
    "admin index": "/admin/",
    "events": "/admin/events/event/",
    "event": "/admin/events/event/{live_id}/change/",
    "add an event": "/admin/events/event/add/",
    "panellists": "/admin/events/panellist/",
    "panellist": "/admin/events/panellist/{sam_panellist_id}/change/",
    "users": "/admin/accounts/user/",
    "user": "/admin/accounts/user/{moderator_id}/change/",
    "add a user": "/admin/accounts/user/add/",
    "questions": "/admin/chat/question/",
}


@pytest.mark.parametrize("name", list(ADMIN_PAGES))
def test_admin_page_staff_use_has_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Path, name: str
) -> None:
    page = new_context(session=portal.data["admin"]["session"]).new_page()
    response = page.goto(ADMIN_PAGES[name].format(**portal.data))
    assert response is not None and response.status == 200, page.url
    assert_no_axe_violations(page, axe_script, name)


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("console", ["moderator", "panellist"])
def test_console_has_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Path, console: str, width: dict[str, int]
) -> None:
    page = new_context(session=portal.data[console]["session"], viewport=width).new_page()
    path = "moderate" if console == "moderator" else "panel"
    page.goto(f"/events/{portal.data['live_slug']}/{path}/")
    page.get_by_text("Live updates on.").wait_for()
    assert_no_axe_violations(page, axe_script, f"{console} console")


def test_live_page_mid_event_has_no_axe_violations(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    """With items arriving live, the asker's own question, and updates paused."""
    slug = portal.data["live_slug"]
    page = new_context().new_page()
    page.goto(f"/events/{slug}/live/")
    page.get_by_text("Live updates on.").wait_for()
    question = page.get_by_label("Your question", exact=True)
    question.fill("What happens after I report something online?")
    page.get_by_role("button", name="Send question").click()
    page.locator("#own-questions").get_by_text("Waiting for a moderator").wait_for()

    moderator = new_context(session=portal.data["moderator"]["session"]).new_page()
    moderator.goto(f"/events/{slug}/moderate/")
    moderator.get_by_text("Live updates on.").wait_for()
    before = len(feed_seqs(page))
    announce(moderator, "A short break: back in five minutes.")
    page.locator("#feed > li").nth(before).wait_for()
    assert_no_axe_violations(page, axe_script, "live page with a live item")
    page.get_by_role("button", name="Pause live updates").click()
    announce(moderator, "We are back.")
    page.get_by_role("button", name="Resume live updates (1 new)").wait_for()
    assert_no_axe_violations(page, axe_script, "live page, paused")


def announce(moderator: Any, text: str) -> None:
    moderator.get_by_label("Announcement (published at once)").fill(text)
    moderator.get_by_role("button", name="Publish announcement").click()


def test_new_items_are_announced_politely_and_updates_can_be_paused(
    portal: Portal, new_context: NewContext
) -> None:
    slug = portal.data["live_slug"]
    page = new_context().new_page()
    page.goto(f"/events/{slug}/live/")
    page.get_by_text("Live updates on.").wait_for()
    moderator = new_context(session=portal.data["moderator"]["session"]).new_page()
    moderator.goto(f"/events/{slug}/moderate/")
    moderator.get_by_text("Live updates on.").wait_for()

    announcer = page.locator("#announcer")
    assert announcer.get_attribute("aria-live") == "polite"
    shown = feed_seqs(page)
    announce(moderator, "Questions close in ten minutes.")
    page.locator("#feed > li").nth(len(shown)).wait_for()
    # A short summary, not the whole item: a screen reader is not flooded.
    assert announcer.text_content() == "New announcement from the moderators."

    pause = page.get_by_role("button", name="Pause live updates")
    pause.click()
    assert page.get_by_role("button", name="Resume live updates").get_attribute("aria-pressed") == (
        "true"
    )
    shown = feed_seqs(page)
    announce(moderator, "Five minutes left.")
    announce(moderator, "Last question now.")
    resume = page.get_by_role("button", name="Resume live updates (2 new)")
    resume.wait_for()
    # The status line says so too: not "Live updates on." while nothing moves.
    expect(page.locator("#connection-status")).to_have_text("Live updates paused (2 new).")
    assert feed_seqs(page) == shown  # nothing moves while paused
    resume.click()
    page.locator("#feed > li").nth(len(shown) + 1).wait_for()
    assert feed_seqs(page) == [*shown, shown[-1] + 1, shown[-1] + 2]
    assert page.get_by_role("button", name="Pause live updates").get_attribute("aria-pressed") == (
        "false"
    )


# --- reflow, focus and target size -----------------------------------------------------

REFLOW_PAGES = [
    "home",
    "upcoming event",
    "live page",
    "transcripts",
    "transcript",
    "agency",
    "staying safe online",
]


@pytest.mark.parametrize("name", REFLOW_PAGES)
def test_page_reflows_at_320_css_pixels(portal: Portal, new_context: NewContext, name: str) -> None:
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto(public_path(portal, name))
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths == [320, 320], f"{name} scrolls sideways at 320px: {widths}"


def test_consoles_reflow_at_320_css_pixels(portal: Portal, new_context: NewContext) -> None:
    for console, path in (("moderator", "moderate"), ("panellist", "panel")):
        context = new_context(
            session=portal.data[console]["session"], viewport={"width": 320, "height": 640}
        )
        page = context.new_page()
        page.goto(f"/events/{portal.data['live_slug']}/{path}/")
        page.get_by_text("Live updates on.").wait_for()
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths == [320, 320], f"{console} console scrolls sideways: {widths}"


# For the focused element: is it in the viewport, and is it what is drawn at its centre
# (not something sticky or overlaid on top of it)? And how big is it?
FOCUS_STATE = """() => {
    const el = document.activeElement
    if (!el || el === document.body) return null
    const r = el.getBoundingClientRect()
    const x = Math.min(Math.max(r.left + r.width / 2, 0), window.innerWidth - 1)
    const y = Math.min(Math.max(r.top + r.height / 2, 0), window.innerHeight - 1)
    const top = document.elementFromPoint(x, y)
    const label = (el.id ? '#' + el.id : el.tagName.toLowerCase()) + ' "' +
        (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"'
    return {
        label, tag: el.tagName.toLowerCase(), width: r.width, height: r.height,
        inView: r.bottom > 0 && r.top < window.innerHeight
            && r.right > 0 && r.left < window.innerWidth,
        onTop: top !== null && (top === el || el.contains(top) || top.contains(el)
            || (el.labels && [...el.labels].some((l) => l.contains(top)))),
        inline: getComputedStyle(el).display === 'inline' && el.tagName === 'A',
    }
}"""


def tab_through(page: Any, stops: int = 80) -> list[dict[str, Any]]:
    """Press Tab until focus leaves the page or comes round again; each focused element."""
    seen: list[dict[str, Any]] = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or (seen and state["label"] == seen[0]["label"]):
            break
        seen.append(state)
    return seen


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", ["home", "live page", "transcript"])
def test_focus_is_never_hidden_and_targets_are_big_enough(
    portal: Portal, new_context: NewContext, name: str, width: dict[str, int]
) -> None:
    page = new_context(viewport=width).new_page()
    page.goto(public_path(portal, name))
    stops = tab_through(page)
    assert len(stops) > 5, stops
    hidden = [s["label"] for s in stops if not (s["inView"] and s["onTop"])]
    assert hidden == [], f"focus hidden on {name}: {hidden}"
    # WCAG 2.5.8: 24 by 24 CSS pixels, except links inside a sentence.
    small = [
        f"{s['label']} {s['width']:.0f}x{s['height']:.0f}"
        for s in stops
        if not s["inline"] and (s["width"] < 24 or s["height"] < 24)
    ]
    assert small == [], f"targets under 24x24 on {name}: {small}"
