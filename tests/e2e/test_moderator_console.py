"""The moderator console with a queue, in a real browser, by keyboard only: Tab to the queue,
move with j and k, open a question, publish it with its personal details masked (m), decline
the next with a reason (d, then Enter), and see the question another moderator has open
(taken, then let go). axe runs on the console with a question open and one taken.

The webchat is its own (the setup's shared live one has other tests' questions)."""

import itertools
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import NewContext
from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.servers import Portal

_numbers = itertools.count(1)

QUEUE_WEBCHAT_SCRIPT = """
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
    title="Reporting hate crime",
    slug=os.environ["E2E_SLUG"],
    summary="Ask the police how to report hate crime.",
    starts_at=starts,
    ends_at=starts + timedelta(hours=1),
    questions_open_at=starts,
    lead_agency=Agency.objects.get(slug="metropolitan-police"),
)
PanelSeat.objects.create(
    event=event, panellist=Panellist.objects.get(name="DCI Sam Faulkner"), position=0
)
event.moderators.add(User.objects.get(pk=int(os.environ["E2E_MODERATOR_ID"])))
services.event_schedule(event_id=event.pk)
services.event_open(event_id=event.pk)


def asked(body):
    asker = chat.participant_for(event_id=event.pk, user_id=None, guest_token=uuid.uuid4())
    return chat.question_ask(
        event_id=event.pk, participant_id=asker.pk, client_id=str(uuid.uuid4()), body=body
    ).question["question_id"]


ids = [
    asked("Call me on 07700 900123 about reporting a neighbour"),
    asked("What is the weather like at the station?"),
    asked("Can I report hate crime online?"),
]
print(json.dumps({"slug": event.slug, "ids": ids}))
"""


def queue_webchat(portal: Portal) -> dict[str, Any]:
    return portal.run(
        QUEUE_WEBCHAT_SCRIPT,
        E2E_SLUG=f"reporting-hate-crime-{next(_numbers)}",
        E2E_MODERATOR_ID=str(portal.data["moderator_id"]),
    )


def focused_id(page: Any) -> str:
    return page.evaluate("() => document.activeElement.id")


def tab_to_the_queue(page: Any) -> None:
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('app-queue-row')"):
            return
    raise AssertionError("Tab never reached the queue")


def test_keyboard_only_moderator_run_with_a_colleagues_question_taken(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    webchat = queue_webchat(portal)
    slug, (masked_id, declined_id, taken_id) = webchat["slug"], webchat["ids"]
    console = new_context(session=portal.data["moderator"]["session"]).new_page()
    console.goto(f"/events/{slug}/moderate/")
    expect(console.locator("#connection-status")).to_have_text("Live updates on.")
    # A colleague (the site's administrator moderates any webchat) opens the third question.
    colleague = new_context(session=portal.data["admin"]["session"]).new_page()
    colleague.goto(f"/events/{slug}/moderate/")
    expect(colleague.locator("#connection-status")).to_have_text("Live updates on.")
    colleague.locator(f"#queue-{taken_id} .app-queue-row__toggle").click()
    expect(console.locator(f"#queue-{taken_id} .app-queue-row__taken")).to_have_text(
        "Open by Ada Admin"
    )

    tab_to_the_queue(console)
    assert focused_id(console) == f"queue-{masked_id}"
    console.keyboard.press("j")
    assert focused_id(console) == f"queue-{declined_id}"
    console.keyboard.press("k")
    assert focused_id(console) == f"queue-{masked_id}"
    console.keyboard.press("o")
    expect(console.locator(f"#queue-{masked_id} .app-approve-masked-form")).to_be_visible()
    assert_no_axe_violations(console, axe_script, "moderator console, one open, one taken")

    console.keyboard.press("m")

    expect(console.locator(f"#queue-{masked_id}")).to_have_count(0)
    expect(console.locator("#feed")).to_contain_text("Call me on")
    expect(console.locator("#feed")).not_to_contain_text("07700 900123")
    # The focus went on to the next question.
    expect(console.locator(f"#queue-{declined_id}")).to_be_focused()

    console.keyboard.press("d")
    reason = console.locator(f"#reject-reason-{declined_id}")
    expect(reason).to_be_focused()
    console.keyboard.type("This webchat is about reporting hate crime.")
    console.keyboard.press("Enter")

    expect(console.locator(f"#queue-{declined_id}")).to_have_count(0)
    expect(console.locator("#console-announcer")).to_contain_text(f"W-{declined_id} declined.")
    expect(console.locator(f"#queue-{taken_id}")).to_be_focused()

    # The colleague closes it: it is no longer shown taken.
    colleague.locator(f"#queue-{taken_id}").focus()
    colleague.keyboard.press("Escape")
    expect(console.locator(f"#queue-{taken_id} .app-queue-row__taken")).to_be_hidden()


def test_the_console_filters_as_one_types_and_keeps_the_filters_in_the_address(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    webchat = queue_webchat(portal)
    slug, (details_id, _, _) = webchat["slug"], webchat["ids"]
    console = new_context(session=portal.data["moderator"]["session"]).new_page()
    console.goto(f"/events/{slug}/moderate/")
    expect(console.locator("#connection-status")).to_have_text("Live updates on.")
    expect(console.locator('[data-count="details"]')).to_have_text("1")

    console.get_by_label("Search waiting questions").fill("report")

    expect(console.locator("#queue-shown")).to_have_text("Showing 2 of 3 waiting questions.")
    console.get_by_label("Has personal details (1)").check()
    expect(console.locator("#queue-shown")).to_have_text("Showing 1 of 3 waiting questions.")
    expect(console.locator(f"#queue-{details_id}")).to_be_visible()
    assert "details=1" in console.url and "q=report" in console.url
    assert_no_axe_violations(console, axe_script, "moderator console, filtered")
