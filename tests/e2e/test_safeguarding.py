"""The safe choice is the easy one, in a real browser (issue 15, sections 5 and 6).

The moderator console offers "Publish with details masked" first and publishes found
details only after a second step that names them; the asker then sees the published
wording and why it changed. A visitor on a shared device can forget their questions, with
or without JavaScript. axe stays clean on each page in its new states.
"""

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import NewContext
from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.servers import Portal

PHONE_QUESTION = "Someone keeps following me home. Please ring me on 07700 900789 tonight."
PHONE_MASKED = "Someone keeps following me home. Please ring me on [phone removed] tonight."
FORGET_QUESTION = "My partner reads my messages. Who else can I talk to?"


def live_page(portal: Portal, new_context: NewContext, **options: object):  # type: ignore[no-untyped-def]
    page = new_context(**options).new_page()
    page.goto(f"/events/{portal.data['live_slug']}/live/")
    if options.get("java_script_enabled", True):
        expect(page.locator("#connection-status")).to_have_text("Live updates on.")
    return page


def ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Your question", exact=True).fill(text)
    page.get_by_role("button", name="Send question").click()
    expect(page.locator("#own-questions")).to_contain_text(text[:60])


def test_console_publishes_masked_first_and_unmasked_only_when_named(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    visitor = live_page(portal, new_context)
    ask(visitor, PHONE_QUESTION)
    moderator = new_context(session=portal.data["moderator"]["session"]).new_page()
    moderator.goto(f"/events/{portal.data['live_slug']}/moderate/")
    expect(moderator.locator("#connection-status")).to_have_text("Live updates on.")
    item = moderator.locator("#queue > li", has_text="07700 900789")
    item.locator(".app-queue-row__toggle").click()
    expect(item).to_contain_text("Personal details found: phone “07700 900789”")

    # The first and only visible publishing action masks; the other is folded away.
    visible = [
        text.strip()
        for text in item.locator("button:visible").all_inner_texts()
        if text.strip().startswith("Publish")
    ]
    assert len(visible) == 1 and visible[0].startswith("Publish with details masked"), visible
    unmasked = item.get_by_role("button", name="Publish without masking")
    expect(unmasked).to_be_hidden()
    item.get_by_text("Edit the text, or publish without masking").click()
    expect(unmasked).to_be_visible()
    expect(item).to_contain_text(
        "Publish for everyone to see, with these details: phone “07700 900789”"
    )
    assert_no_axe_violations(moderator, axe_script, "console, unmasking opened")

    # Without ticking the box that names the details, nothing is published.
    unmasked.click()
    error = moderator.locator("#console-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(
        "This text still contains personal details (phone “07700 900789”)"
    )
    expect(item).to_have_count(1)
    expect(visitor.locator("#feed")).not_to_contain_text("07700")
    assert_no_axe_violations(moderator, axe_script, "console, refusal shown")

    # The primary action publishes the masked text; the asker sees that wording and why.
    item.get_by_role("button", name="Publish with details masked").click()
    expect(item).to_have_count(0)
    expect(visitor.locator("#feed")).to_contain_text(PHONE_MASKED)
    own = visitor.locator("#own-questions li", has_text=PHONE_MASKED)
    expect(own).to_contain_text("A moderator removed some details before publishing your question.")
    expect(visitor.locator("#own-questions")).not_to_contain_text("07700")
    assert_no_axe_violations(visitor, axe_script, "live page, edited question")


def test_forget_my_questions_clears_them_and_keeps_the_draft(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    context = new_context()
    visitor = context.new_page()
    visitor.goto(f"/events/{portal.data['live_slug']}/live/")
    expect(visitor.locator("#connection-status")).to_have_text("Live updates on.")
    ask(visitor, FORGET_QUESTION)
    visitor.get_by_label("Your question", exact=True).fill("A draft I have not sent")

    # The live feed reconnects as a new visitor, so nothing of theirs arrives again.
    with visitor.expect_websocket() as reconnected:
        visitor.get_by_role("button", name="Forget my questions on this device").click()

    expect(visitor.locator("#forget-questions-done")).to_have_text(
        "Your questions are no longer shown on this device. A moderator will still read any "
        "that were waiting."
    )
    expect(visitor.locator("#own-questions > li")).to_have_count(0)
    expect(visitor.get_by_label("Your question", exact=True)).to_have_value(
        "A draft I have not sent"
    )
    assert "?after=" in reconnected.value.url
    expect(visitor.locator("#connection-status")).to_have_text("Live updates on.")
    assert_no_axe_violations(visitor, axe_script, "live page, questions forgotten")
    visitor.reload()
    expect(visitor.locator("#connection-status")).to_have_text("Live updates on.")
    expect(visitor.locator("main")).not_to_contain_text(FORGET_QUESTION)


def test_forget_my_questions_works_without_javascript(
    portal: Portal, new_context: NewContext
) -> None:
    visitor = live_page(portal, new_context, java_script_enabled=False)
    ask(visitor, FORGET_QUESTION + " (no script)")

    visitor.get_by_role("button", name="Forget my questions on this device").click()

    expect(visitor.locator("main")).to_contain_text(
        "Your questions are no longer shown on this device."
    )
    expect(visitor.locator("main")).not_to_contain_text("(no script)")
