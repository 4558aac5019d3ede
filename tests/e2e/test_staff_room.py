"""The staff room in a real browser (issue 31, item 6): a moderator writes in the pane on
their console; a panellist on a phone sees it arrive without a reload and follows its link to
the question on their own console. The page of its own works without JavaScript. The public's
live page never shows it. axe runs on both consoles and the page.

The test makes its own live webchat (moderator and panellist from the setup).
"""

import itertools
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, NewContext
from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.servers import Portal

_numbers = itertools.count(1)

STAFF_WEBCHAT_SCRIPT = """
import json, os, uuid
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from accounts.models import User
from chat import services as chat
from events import services
from events.models import Agency, Event, Panellist, PanelSeat

now = timezone.now().replace(microsecond=0)
starts = now - timedelta(minutes=5)
event = Event.objects.create(
    title="Hate crime: ask the panel",
    slug=os.environ["E2E_SLUG"],
    summary="Ask the Met about reporting hate crime.",
    starts_at=starts,
    ends_at=starts + timedelta(hours=1),
    questions_open_at=starts,
    lead_agency=Agency.objects.get(slug="metropolitan-police"),
)
PanelSeat.objects.create(
    event=event, panellist=Panellist.objects.get(name="DCI Sam Faulkner"), position=0
)
moderator = User.objects.get(pk=int(os.environ["E2E_MODERATOR_ID"]))
event.moderators.add(moderator)
services.event_schedule(event_id=event.pk)
services.event_open(event_id=event.pk)
ids = []
for body in ("Can I report online?", "What counts as a hate incident?"):
    asker = chat.participant_for(event_id=event.pk, user_id=None, guest_token=uuid.uuid4())
    asked = chat.question_ask(
        event_id=event.pk, participant_id=asker.pk, client_id=str(uuid.uuid4()), body=body
    )
    chat.question_approve(question_id=asked.question["question_id"], actor_id=moderator.pk)
    ids.append(asked.question["question_id"])
print(json.dumps({"slug": event.slug, "question_ids": ids}))
"""

SAY_SCRIPT = """
import json, os, uuid
import django
django.setup()
from events.models import Event
from staffroom.services import staff_message_post
event = Event.objects.get(slug=os.environ["E2E_SLUG"])
message = staff_message_post(
    event_id=event.pk, actor_id=int(os.environ["E2E_MODERATOR_ID"]),
    client_id=str(uuid.uuid4()), body="Back at 19:30",
)
print(json.dumps({"seq": message.seq}))
"""

MESSAGE = "Sam, can you take #2? The asker sounds worried."


def staff_webchat(portal: Portal) -> dict[str, Any]:
    return portal.run(
        STAFF_WEBCHAT_SCRIPT,
        E2E_SLUG=f"staff-room-{next(_numbers)}",
        E2E_MODERATOR_ID=str(portal.data["moderator_id"]),
    )


def test_a_moderator_writes_and_the_panellist_on_a_phone_follows_the_link(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    webchat = staff_webchat(portal)
    slug, second_question = webchat["slug"], webchat["question_ids"][1]
    moderator = new_context(session=portal.data["moderator"]["session"]).new_page()
    moderator.goto(f"/events/{slug}/moderate/")
    expect(moderator.locator("#connection-status")).to_have_text("Live updates on.")
    panellist = new_context(
        session=portal.data["panellist"]["session"], viewport=PHONE, is_mobile=True, has_touch=True
    ).new_page()
    panellist.goto(f"/events/{slug}/panel/")
    expect(panellist.locator("#connection-status")).to_have_text("Live updates on.")
    panellist.evaluate("() => { window.e2eNotReloaded = true }")
    public = new_context().new_page()
    public.goto(f"/events/{slug}/live/")
    expect(public.locator("#connection-status")).to_have_text("Live updates on.")

    pane = moderator.locator("#staff-room")
    pane.get_by_label("Message to the staff").fill(MESSAGE)
    pane.get_by_role("button", name="Send to staff").click()
    expect(pane.locator("#staff-room-status")).to_have_text("Sent to the staff room.")
    expect(pane.get_by_label("Message to the staff")).to_have_value("")
    expect(pane.locator("#staff-room-messages")).to_contain_text(MESSAGE)

    arrived = panellist.locator("#staff-room-messages > li")
    expect(arrived).to_have_count(1)
    expect(arrived.nth(0)).to_contain_text(MESSAGE)
    expect(arrived.nth(0)).to_contain_text("Alex Moderator")
    assert panellist.evaluate("() => window.e2eNotReloaded === true"), "the page was reloaded"
    assert_no_axe_violations(panellist, axe_script, "panellist console, phone, staff message")
    widths = panellist.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] == widths[1], f"the panellist console scrolls sideways: {widths}"

    link = arrived.nth(0).get_by_role("link", name="#2")
    assert link.get_attribute("href") == f"/events/{slug}/panel/#question-{second_question}"
    link.click()
    panellist.wait_for_url(f"**/events/{slug}/panel/#question-{second_question}")
    target = panellist.locator(f"#question-{second_question}")
    expect(target).to_contain_text("What counts as a hate incident?")
    expect(target).to_be_in_viewport()
    assert panellist.evaluate("() => window.e2eNotReloaded === true"), "the link reloaded"

    assert_no_axe_violations(moderator, axe_script, "moderator console with the staff room")
    # Never on the public's page, live or after a reload.
    expect(public.locator("main")).not_to_contain_text("The asker sounds worried")
    public.reload()
    expect(public.locator("main")).not_to_contain_text("The asker sounds worried")


def test_the_staff_room_page_works_without_javascript(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    slug = staff_webchat(portal)["slug"]
    page = new_context(
        session=portal.data["panellist"]["session"], java_script_enabled=False
    ).new_page()
    page.goto(f"/events/{slug}/staff-room/")
    expect(page.locator("#staff-room-empty")).to_be_visible()
    page.get_by_label("Message to the staff").fill("On my way back, 2 minutes. See #1")
    page.get_by_role("button", name="Send to staff").click()
    expect(page.locator("main")).to_contain_text("Sent to the staff room.")
    message = page.locator("#staff-room-messages > li")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("On my way back, 2 minutes.")
    assert message.get_by_role("link", name="#1").get_attribute("href", timeout=1000) is not None

    with_script = new_context(session=portal.data["panellist"]["session"]).new_page()
    errors: list[str] = []
    with_script.on("pageerror", lambda error: errors.append(str(error)))
    with_script.goto(f"/events/{slug}/staff-room/")
    expect(with_script.locator("#connection-status")).to_have_text("Live updates on.")
    assert_no_axe_violations(with_script, axe_script, "the staff room's page")
    # Live on its own page too: a message from elsewhere arrives without a reload.
    portal.run(SAY_SCRIPT, E2E_SLUG=slug, E2E_MODERATOR_ID=str(portal.data["moderator_id"]))
    expect(with_script.locator("#staff-room-messages > li")).to_have_count(2)
    expect(with_script.locator("#staff-room-messages")).to_contain_text("Back at 19:30")
    assert errors == []
