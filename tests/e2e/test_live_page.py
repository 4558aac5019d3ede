"""The public pages in a browser: quick exit, a dropped connection, no JavaScript, keyboard.

They use the setup's webchat that is live for the whole run (the demo's), with a moderator
console (a signed-in session made by the setup) publishing announcements when a test needs
something new to arrive.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, NewContext
from tests.e2e.helpers import feed, feed_seqs
from tests.e2e.servers import Portal

# Where the quick exit goes (QUICK_EXIT_URL's default). The test answers it itself: there
# is no internet here, and the test must not depend on a third party.
QUICK_EXIT = "https://www.bbc.co.uk/weather"


def moderator_console(portal: Portal, new_context: NewContext) -> Any:
    page = new_context(session=portal.data["moderator"]["session"]).new_page()
    page.goto(f"/events/{portal.data['live_slug']}/moderate/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    return page


def announce(moderator: Any, text: str) -> None:
    moderator.get_by_label("Announcement (published at once)").fill(text)
    moderator.get_by_role("button", name="Publish announcement").click()


@pytest.mark.parametrize("how", ["button", "shift three times"])
def test_quick_exit_leaves_no_back_history_entry(
    portal: Portal, new_context: NewContext, how: str
) -> None:
    context = new_context()
    context.route(
        f"{QUICK_EXIT}**",
        lambda route: route.fulfill(content_type="text/html", body="<title>Weather</title>"),
    )
    page = context.new_page()
    page.goto("/")
    live = f"/events/{portal.data['live_slug']}/live/"
    page.goto(live)
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    history = page.evaluate("() => history.length")
    if how == "button":
        page.get_by_role("button", name="Emergency Exit this page").click()
    else:
        page.locator("body").press("Shift")
        page.keyboard.press("Shift")
        page.keyboard.press("Shift")
    page.wait_for_url(f"{QUICK_EXIT}**")
    # The live page was replaced, not left behind: Back goes to the page before it.
    assert page.evaluate("() => history.length") == history
    page.go_back()
    assert page.url == portal.url("/")


def test_dropped_connection_resumes_without_gaps_or_duplicates(
    portal: Portal, new_context: NewContext
) -> None:
    moderator = moderator_console(portal, new_context)
    page = new_context().new_page()
    sockets: list[Any] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.goto(f"/events/{portal.data['live_slug']}/live/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    # Every item once, none missing; sorted, since an answer sits beneath its question
    # (chat/selectors.py, feed_for_display), after items published before it.
    before = feed_seqs(page)
    assert sorted(before) == list(range(1, len(before) + 1))

    # The page closes its own socket; while it is away (it waits at least half a second
    # before reconnecting), two items are published.
    page.evaluate("() => window.outreachLive.drop()")
    expect(page.locator("#connection-status")).to_have_text("Connection lost. Trying again…")
    moderator.evaluate(
        """() => {
            window.outreachLive.send({type: 'announce', body: 'Published while you were away.'})
            window.outreachLive.send({type: 'announce', body: 'And this one too.'})
        }"""
    )
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    expect(page.locator("#feed > li")).to_have_count(len(before) + 2)
    assert len(sockets) == 2
    assert "?after=" in sockets[1].url
    after = feed_seqs(page)
    assert sorted(after) == list(range(1, len(before) + 3)), after
    expect(page.locator(f"#item-{len(before) + 1}")).to_contain_text(
        "Published while you were away."
    )
    expect(page.locator(f"#item-{len(before) + 2}")).to_contain_text("And this one too.")

    # Live again: the next item arrives once.
    announce(moderator, "Back to normal.")
    expect(page.locator("#feed > li")).to_have_count(len(before) + 3)
    assert sorted(feed_seqs(page)) == list(range(1, len(before) + 4))


def test_without_javascript_the_page_shows_the_feed_and_asks_by_form(
    portal: Portal, new_context: NewContext
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/events/{portal.data['live_slug']}/live/")
    items = page.locator("#feed > li")
    expect(page.locator("#feed")).to_contain_text("Welcome. The panel is here until 8pm.")
    expect(page.locator("#feed")).to_contain_text("You can report it online with True Vision")
    # Every item once, none missing (an answer sits beneath its question, so sorted).
    assert sorted(feed_seqs(page)) == list(range(1, items.count() + 1))

    page.get_by_label("Your question", exact=True).fill("Do I need to give my name to report?")
    page.get_by_label("Ask anonymously (no nickname is kept)").check()
    page.get_by_role("button", name="Send question").click()
    expect(page.locator("main")).to_contain_text(
        "Your question was sent. A moderator will read it before it is published."
    )
    own = page.locator("#own-questions")
    expect(own).to_contain_text("Do I need to give my name to report?")
    expect(own).to_contain_text("Waiting for a moderator")


def test_keyboard_only_public_visitor_and_moderator(
    portal: Portal, new_context: NewContext
) -> None:
    """Find the webchat, ask, and moderate, with the keyboard alone."""
    slug = portal.data["live_slug"]
    page = new_context().new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == (
        "Skip to main content"
    )
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="Staying safe: live demo webchat")
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail("the live webchat's link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/events/{slug}/")
    join = page.get_by_role("link", name="Join the live chat now")
    for _ in range(40):
        page.keyboard.press("Tab")
        if join.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail("'Join the live chat now' is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/events/{slug}/live/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    box = page.get_by_label("Your question", exact=True)
    for _ in range(60):
        page.keyboard.press("Tab")
        if box.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail("the question box is not reachable with Tab")
    question = "Is there a helpline I can text instead of calling?"
    page.keyboard.type(question)
    send = page.get_by_role("button", name="Send question")
    for _ in range(10):
        page.keyboard.press("Tab")
        if send.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail("'Send question' is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#own-questions")).to_contain_text("Waiting for a moderator")

    # The moderator publishes it with the keyboard.
    moderator = moderator_console(portal, new_context)
    item = moderator.locator("#queue > li", has_text=question)
    # The row is compact: its "Open" link, reached with Tab, opens its full form.
    toggle = item.locator(".app-queue-row__toggle")
    for _ in range(200):
        moderator.keyboard.press("Tab")
        if toggle.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail("the question's Open link is not reachable with Tab")
    moderator.keyboard.press("Enter")
    publish = item.locator(".app-approve-form button")
    for _ in range(200):
        moderator.keyboard.press("Tab")
        if publish.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail("the question's Publish button is not reachable with Tab")
    moderator.keyboard.press("Enter")
    expect(item).to_have_count(0)
    expect(page.locator("#feed")).to_contain_text(question)
    expect(page.locator("#announcer")).to_have_text("New question published.")


# Is the element drawn on top at its centre (not under the sticky exit button), and in view?
UNCOVERED = """(el) => {
    const r = el.getBoundingClientRect()
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 20))
    return r.top >= 0 && r.top < window.innerHeight && (top === el || el.contains(top))
}"""


def test_on_a_phone_the_ask_form_is_one_tap_away_and_nothing_covers_it(
    portal: Portal, new_context: NewContext
) -> None:
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"/events/{portal.data['live_slug']}/live/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    question = page.get_by_label("Your question", exact=True)
    assert not question.evaluate(UNCOVERED)  # below the whole feed

    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="Ask a question"
    ).click()

    heading = page.get_by_role("heading", name="Ask a question")
    assert heading.evaluate(UNCOVERED), "the exit button covers the Ask a question heading"
    question.focus()
    assert question.evaluate(UNCOVERED), "the exit button covers the question box"
    page.get_by_role("link", name="Questions and answers").first.click()
    assert page.get_by_role("heading", name="Questions and answers").evaluate(UNCOVERED)
    assert page.get_by_role("button", name="Pause live updates").evaluate(UNCOVERED)


def test_an_answer_arriving_live_appears_beneath_its_question(
    portal: Portal, new_context: NewContext
) -> None:
    """Last in this module: it puts an answer out of seq order, as it should be."""
    moderator = moderator_console(portal, new_context)
    page = new_context().new_page()
    page.goto(f"/events/{portal.data['live_slug']}/live/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    announce(moderator, "Ten minutes left.")
    expect(page.locator("#feed")).to_contain_text("Ten minutes left.")
    question = page.locator("#feed > li.app-feed__item--question").first
    question_seq = int(question.get_attribute("data-seq") or 0)
    answers_before = page.locator(
        f"#feed > li[data-answers='{question.get_attribute('data-question-id')}']"
    )
    count = answers_before.count()

    panellist = new_context(session=portal.data["panellist"]["session"]).new_page()
    panellist.goto(f"/events/{portal.data['live_slug']}/panel/")
    expect(panellist.locator("#connection-status")).to_have_text("Live updates on.")
    asked = panellist.locator(f".app-panel-questions > li[data-seq='{question_seq}']")
    asked.get_by_label("Which reply answers question").fill("See the answer to question 1 above.")
    asked.get_by_role("button", name="Mark answered in another reply").click()

    expect(answers_before).to_have_count(count + 1)
    shown = feed(page)
    position = [seq for seq, _ in shown].index(question_seq)
    # Straight after the question and its earlier answers, not at the end of the feed.
    assert shown[position + count + 1][1] == "See the answer to question 1 above."
    assert shown[-1][1] == "Ten minutes left."
    arrived = page.locator(
        f"#feed > li[data-answers='{question.get_attribute('data-question-id')}']"
    ).last
    expect(arrived).to_contain_text("Answered in another reply: a note from DCI Sam Faulkner")
    # Named by the question's public number, as the question itself shows it.
    shown_as = question.locator(".app-feed__meta strong").inner_text()  # "Question 1"
    expect(arrived).to_contain_text(f"In reply to {shown_as.lower()}")


def test_me_too_over_the_live_connection_thanks_once_and_a_panellist_sees_the_count(
    portal: Portal, new_context: NewContext
) -> None:
    slug = portal.data["live_slug"]
    page = new_context().new_page()
    page.goto(f"/events/{slug}/live/")
    expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    question = page.locator("#feed > li.app-feed__item--question").last
    said = question.locator(".app-me-too")

    question.get_by_role("link", name="I want to know this too").click()

    # Answered over the socket: no page load, and the link is gone so it cannot be said twice.
    expect(said).to_have_text(
        re.compile(r"^Thank you: the panel can see you want to know this too")
    )
    assert page.url.endswith(f"/events/{slug}/live/")
    panellist = new_context(session=portal.data["panellist"]["session"]).new_page()
    panellist.goto(f"/events/{slug}/panel/?sort=most-wanted")
    # The most wanted first within its group (For you, For your agency, Everything else).
    question_id = question.get_attribute("data-question-id")
    first = panellist.locator(f".app-panel-questions:has(#question-{question_id}) > li").first
    expect(first).to_have_id(f"question-{question_id}")
    expect(first.locator(".app-me-too-count")).to_contain_text("1 person wants to know this too")


def test_routing_a_published_question_moves_it_to_for_you_on_the_panellists_console(
    portal: Portal, new_context: NewContext
) -> None:
    slug, question_id = portal.data["live_slug"], portal.data["published_question_id"]
    panellist = new_context(session=portal.data["panellist"]["session"]).new_page()
    panellist.goto(f"/events/{slug}/panel/")
    expect(panellist.locator("#connection-status")).to_have_text("Live updates on.")
    public = new_context().new_page()
    public.goto(f"/events/{slug}/live/")
    expect(public.locator("#connection-status")).to_have_text("Live updates on.")
    moderator = moderator_console(portal, new_context)

    moderator.locator(f"#route-to-{question_id}").select_option(
        f"panellist:{portal.data['sam_panellist_id']}"
    )
    moderator.locator(f"#route-to-{question_id}").locator("xpath=ancestor::form").get_by_role(
        "button", name="Route"
    ).click()

    # Over the socket: the panellist's page moves it without a reload, and says why.
    routed = panellist.locator(f"#panel-group-for_you > #question-{question_id}")
    expect(routed).to_contain_text(f"Routed by a moderator to {portal.data['panellist']['name']}")
    expect(moderator.locator("#console-announcer")).to_contain_text("routed to")
    assert moderator.url.endswith(f"/events/{slug}/moderate/")
    expect(public.locator("#feed")).not_to_contain_text("Routed")
