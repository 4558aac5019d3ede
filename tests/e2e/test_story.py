"""The whole webchat as people meet it, in Chromium, against the real server, worker and beat.

A member of staff signs in (password and authenticator app) and sets up a webchat in the
admin with a panel from two agencies, starting a few seconds ahead. A member of the public
asks in advance; the webchat opens by itself; a second visitor asks live; the moderator
publishes one question, publishes one with a phone number masked, declines one with a
reason; the panellist answers. Both visitors see the published items arrive, without
reloading, in the same order; only the asker of the declined question sees the reason.
The webchat closes by itself with a half-typed question still in its box, and the
transcript appears in the archive and reads correctly.

Every step waits on what a person would see, so the test fails at the first step that
breaks (for example: with broadcasting switched off, the visitors never see the status
change or the published items).
"""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import NewContext
from tests.e2e.helpers import feed, sign_in
from tests.e2e.servers import Portal

LONDON = ZoneInfo("Europe/London")
# The webchat starts this long after staff fill in the form: time enough to save it,
# schedule it and ask a question in advance on a slow machine.
STARTS_IN = timedelta(seconds=25)
TITLE = "Hate crime: ask the police and prosecutors"
SLUG = "hate-crime-ask-the-police-and-prosecutors"
# How long to wait for things beat does (open, close, archive): it runs every second.
SCHEDULE_TIMEOUT_MS = 45_000

ADVANCE_QUESTION = "How do I report hate crime if I don't want to go to a police station?"
PHONE_QUESTION = "People shout at me on the bus every day. Can you ring me on 07700 900456?"
PHONE_MASKED = "People shout at me on the bus every day. Can you ring me on [phone removed]?"
CASE_QUESTION = "My neighbour Dave Jones was arrested last week, will his case go to court?"
DECLINE_REASON = "We can't discuss individual cases here. Please call 101."
ANSWER = "You can report online through True Vision, or call 101. You don't have to go in."
HALF_TYPED = "And what about hate crime onl"
LATE_QUESTION = "Is there a number I can text about hate crime on buses?"

SET_END_SCRIPT = """
import json, os
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from events.models import Event
ends_at = timezone.now() + timedelta(seconds=float(os.environ["E2E_ENDS_IN"]))
assert Event.objects.filter(slug=os.environ["E2E_SLUG"]).update(ends_at=ends_at) == 1
print(json.dumps({"ends_at": ends_at.isoformat()}))
"""


def london(moment: datetime) -> tuple[str, str]:
    local = moment.astimezone(LONDON)
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S")


def fill_when(page, field: str, moment: datetime) -> None:
    day, clock = london(moment)
    page.locator(f"#id_{field}_0").fill(day)
    page.locator(f"#id_{field}_1").fill(clock)


def choose(page, field_id: str, name: str) -> None:
    """An admin select: a plain one, each with its own label (axe-checked)."""
    page.locator(f"#{field_id}").select_option(label=name)


def staff_create_event(page, portal: Portal) -> datetime:
    page.goto("/admin/events/event/add/")
    page.get_by_label("Title:").press_sequentially(TITLE)  # the slug follows the typing
    expect(page.get_by_label("Slug:")).to_have_value(SLUG)
    page.get_by_label("Summary:").fill("Ask the Met and the CPS about reporting hate crime.")
    now = datetime.now(tz=LONDON)
    starts_at = now + STARTS_IN
    fill_when(page, "starts_at", starts_at)
    fill_when(page, "ends_at", starts_at + timedelta(minutes=30))
    fill_when(page, "questions_open_at", now - timedelta(minutes=1))
    choose(page, "id_lead_agency", "Metropolitan Police Service")
    # The form says who can be chosen as a moderator, and how to make someone eligible.
    expect(page.locator("main")).to_contain_text("Only members of the Moderators group")
    page.get_by_label(portal.data["moderator"]["name"]).check()
    choose(page, "id_panel_seats-0-panellist", "DCI Sam Faulkner (MPS)")
    page.get_by_text("Add another Panel seat").click()
    page.locator("#id_panel_seats-1-position").fill("1")
    choose(page, "id_panel_seats-1-panellist", "Toks Adesuyan (CPS)")
    # Saved and published in one step; the message says what happens next.
    page.locator("input[name=_schedule]").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"“{TITLE}” is saved. Scheduled: the public can see it. It goes live by itself at"
    )
    return starts_at


def ask(page, text: str) -> None:
    page.get_by_label("Your question", exact=True).fill(text)
    page.get_by_role("button", name="Send question").click()
    expect(page.locator("#own-questions")).to_contain_text(text[:60])


def test_a_webchat_from_setup_to_transcript(portal: Portal, new_context: NewContext) -> None:
    live_path = f"/events/{SLUG}/live/"

    # Staff sign in with their authenticator app and set the webchat up in the admin.
    staff = new_context().new_page()
    sign_in(staff, portal.data["manager"], "/admin/")
    starts_at = staff_create_event(staff, portal)

    # A member of the public finds it, reads who is on the panel, and asks in advance.
    first = new_context().new_page()
    first.goto("/")
    first.get_by_role("link", name=TITLE).click()
    expect(first.get_by_role("heading", level=1)).to_have_text(TITLE)
    panel = first.locator("main")
    expect(panel.get_by_role("heading", name="Metropolitan Police Service")).to_be_visible()
    expect(panel.get_by_role("heading", name="Crown Prosecution Service")).to_be_visible()
    first.get_by_role("link", name="Go to the live chat page").click()
    expect(first.locator("#live-status")).to_have_text("Upcoming")
    expect(first.locator("#connection-status")).to_have_text("Live updates on.")
    ask(first, ADVANCE_QUESTION)
    expect(first.locator("#own-questions")).to_contain_text("Waiting for a moderator")
    assert datetime.now(tz=LONDON) < starts_at, "too slow: the webchat started before this"

    # It opens by itself, and the open page says so without being reloaded.
    expect(first.locator("#live-status")).to_have_text("Live now", timeout=SCHEDULE_TIMEOUT_MS)

    # A second visitor arrives and asks live; the first asks something personal.
    second = new_context().new_page()
    second.goto(live_path)
    expect(second.locator("#connection-status")).to_have_text("Live updates on.")
    ask(second, PHONE_QUESTION)
    ask(first, CASE_QUESTION)

    # The moderator moderates: publish, publish with the phone number masked, decline.
    moderator = new_context().new_page()
    sign_in(moderator, portal.data["moderator"], f"/events/{SLUG}/moderate/")
    expect(moderator.locator("#connection-status")).to_have_text("Live updates on.")
    queue = moderator.locator("#queue")
    expect(queue.locator("> li")).to_have_count(3)
    advance = queue.locator("> li", has_text=ADVANCE_QUESTION)
    advance.locator(".app-queue-row__toggle").click()
    advance.locator(".app-approve-form").get_by_role("button").click()
    expect(advance).to_have_count(0)
    phone = queue.locator("> li", has_text="07700 900456")
    phone.locator(".app-queue-row__toggle").click()
    expect(phone).to_contain_text("Personal details found")
    # Editing by hand is the second step, behind the primary "Publish with details masked".
    phone.get_by_text("Edit the text, or publish without masking").click()
    phone.get_by_label("Text to publish").fill(PHONE_MASKED)
    phone.locator(".app-approve-form").get_by_role("button").click()
    expect(phone).to_have_count(0)
    case = queue.locator("> li", has_text=CASE_QUESTION)
    case.locator(".app-queue-row__toggle").click()
    case.get_by_label("Reason for declining").fill(DECLINE_REASON)
    case.get_by_role("button", name="Decline").click()
    expect(case).to_have_count(0)
    expect(moderator.locator("#queue-empty")).to_be_visible()

    # The panellist answers the first question.
    panellist = new_context().new_page()
    sign_in(panellist, portal.data["panellist"], f"/events/{SLUG}/panel/")
    question = panellist.locator(".app-panel-questions > li", has_text=ADVANCE_QUESTION)
    question.get_by_label("Your answer to question").fill(ANSWER)
    question.get_by_role("button", name="Publish answer").click()
    expect(question.locator(".app-answers")).to_contain_text(ANSWER)

    # Both visitors see the same items, in the same order, without reloading: the answer
    # beneath its question, as on the transcript.
    expected = [(1, ADVANCE_QUESTION), (3, ANSWER), (2, PHONE_MASKED)]
    for visitor in (first, second):
        expect(visitor.locator("#feed > li")).to_have_count(3)
        assert feed(visitor) == expected
        expect(visitor.locator("#feed")).not_to_contain_text("07700")
        expect(visitor.locator("#item-3")).to_contain_text("Answer from DCI Sam Faulkner")
        expect(visitor.locator("#item-3")).to_contain_text("In reply to question 1")
    # Only the asker of the declined question sees why; nobody else sees it at all.
    own = first.locator("#own-questions")
    expect(own.locator("li", has_text=CASE_QUESTION)).to_contain_text(f"Declined {DECLINE_REASON}")
    expect(own.locator("li", has_text=ADVANCE_QUESTION)).to_contain_text("Answered")
    expect(second.locator("#own-questions")).to_contain_text("Published")
    # Its asker sees the published wording and why it changed, not their original.
    expect(second.locator("#own-questions")).to_contain_text(
        "A moderator removed some details before publishing your question."
    )
    expect(second.locator("#own-questions")).not_to_contain_text("07700")
    for page in (second, moderator, panellist):
        expect(page.locator("body")).not_to_contain_text(DECLINE_REASON)
        expect(page.locator("body")).not_to_contain_text(CASE_QUESTION)

    # The first visitor asks once more, too late for the panel; the second is halfway
    # through another question when the webchat ends. The end is brought forward in the
    # database so the test need not wait half an hour.
    ask(first, LATE_QUESTION)
    expect(queue.locator("> li", has_text=LATE_QUESTION)).to_have_count(1)
    second.get_by_label("Your question", exact=True).fill(HALF_TYPED)
    portal.run(SET_END_SCRIPT, E2E_SLUG=SLUG, E2E_ENDS_IN="1")
    for visitor in (first, second):
        expect(visitor.locator("#live-status")).to_have_text(
            "Finished", timeout=SCHEDULE_TIMEOUT_MS
        )
        expect(visitor.locator("#closed-banner")).to_be_visible()
        expect(visitor.get_by_role("button", name="Send question")).to_be_disabled()
        # The status line tells the truth: nothing to pause, no live updates, no count.
        expect(visitor.locator("#pause-button")).to_be_hidden()
        expect(visitor.locator("#connection-status")).to_have_text("")
        expect(visitor.locator("#viewer-count")).to_be_hidden()
    expect(second.get_by_label("Your question", exact=True)).to_have_value(HALF_TYPED)
    # Nothing is left "Waiting for a moderator": the asker is told, the moderators see it.
    late = first.locator("#own-questions li", has_text=LATE_QUESTION)
    expect(late).to_contain_text("Not reached", timeout=SCHEDULE_TIMEOUT_MS)
    expect(late).to_contain_text("The panel did not get to your question")
    expect(late).to_contain_text("call 999")
    expect(moderator.locator("#unhandled")).to_contain_text(LATE_QUESTION)
    expect(queue.locator("> li")).to_have_count(0)
    # Once the transcript exists, the page links to it.
    expect(second.get_by_role("link", name="Read the transcript")).to_be_visible(
        timeout=SCHEDULE_TIMEOUT_MS
    )

    # The transcript appears in the archive and reads as the webchat did.
    archive = new_context().new_page()
    deadline = time.monotonic() + SCHEDULE_TIMEOUT_MS / 1000
    archive.goto("/transcripts/")
    while not archive.get_by_role("link", name=TITLE).count():
        assert time.monotonic() < deadline, "the transcript never appeared in the archive"
        time.sleep(0.5)
        archive.reload()
    archive.get_by_role("link", name=TITLE).click()
    expect(archive.get_by_role("heading", level=1)).to_have_text(TITLE)
    items = archive.locator("#transcript > li")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("Question 1 from a member of the public")
    expect(items.nth(0).locator(".app-feed__body")).to_have_text(ADVANCE_QUESTION)
    # Each answer beneath its question.
    expect(items.nth(1)).to_contain_text("Answer from DCI Sam Faulkner")
    expect(items.nth(1).locator(".app-feed__body")).to_have_text(ANSWER)
    expect(items.nth(2).locator(".app-feed__body")).to_have_text(PHONE_MASKED)
    transcript = archive.locator("main")
    for private in ("07700", CASE_QUESTION, DECLINE_REASON, "example.org"):
        expect(transcript).not_to_contain_text(private)
    expect(transcript.get_by_role("heading", name="Crown Prosecution Service")).to_be_visible()
