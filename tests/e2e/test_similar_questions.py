"""Similar questions in a real browser: a question asked on the live page in other words is
grouped (by the Celery worker) under an earlier one in the moderator console; the moderator
publishes the first with it attached; its asker is told on their own page, and the public
sees how many asked. axe runs on the console with a group and on the asker's page.

The webchat is made by a script of its own (the setup's shared one has other questions).
"""

import itertools
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import NewContext
from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.servers import Portal

_numbers = itertools.count(1)

SIMILAR_WEBCHAT_SCRIPT = """
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
    lead_agency=Agency.objects.get(slug="crown-prosecution-service"),
)
PanelSeat.objects.create(
    event=event, panellist=Panellist.objects.get(name="DCI Sam Faulkner"), position=0
)
moderator = User.objects.get(pk=int(os.environ["E2E_MODERATOR_ID"]))
event.moderators.add(moderator)
services.event_schedule(event_id=event.pk)
services.event_open(event_id=event.pk)
asker = chat.participant_for(event_id=event.pk, user_id=None, guest_token=uuid.uuid4())
first = chat.question_ask(
    event_id=event.pk,
    participant_id=asker.pk,
    client_id=str(uuid.uuid4()),
    body="How do I report a hate crime online?",
)
print(json.dumps({"slug": event.slug, "first_id": first.question["question_id"]}))
"""


def similar_webchat(portal: Portal) -> dict[str, Any]:
    return portal.run(
        SIMILAR_WEBCHAT_SCRIPT,
        E2E_SLUG=f"similar-questions-{next(_numbers)}",
        E2E_MODERATOR_ID=str(portal.data["moderator_id"]),
    )


def test_moderator_publishes_with_the_similar_question_attached_and_everyone_hears(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    webchat = similar_webchat(portal)
    slug, first_id = webchat["slug"], webchat["first_id"]
    public = new_context().new_page()
    public.goto(f"/events/{slug}/live/")
    expect(public.locator("#connection-status")).to_have_text("Live updates on.")
    console = new_context(session=portal.data["moderator"]["session"]).new_page()
    console.goto(f"/events/{slug}/moderate/")
    expect(console.locator("#connection-status")).to_have_text("Live updates on.")

    asker = new_context().new_page()
    asker.goto(f"/events/{slug}/live/")
    asker.get_by_label("Your question", exact=True).fill(
        "Where can I report a hate crime on the internet?"
    )
    asker.get_by_role("button", name="Send question").click()
    expect(asker.locator("#your-questions")).to_contain_text("Waiting for a moderator")

    # The worker groups it; the console shows it under the first, and the first's group.
    lead = console.locator(f"#queue-{first_id}")
    expect(lead.locator(".app-similar")).to_contain_text(
        "1 waiting question asks the same", timeout=30_000
    )
    expect(console.locator("#queue .app-similar").nth(1)).to_contain_text(
        f"Asks the same as W-{first_id}"
    )
    assert_no_axe_violations(console, axe_script, "moderator console with similar questions")

    lead.get_by_role("button", name="Publish with 1 similar attached").click()

    expect(console.locator("#queue-empty")).to_be_visible()
    expect(public.locator("#feed")).to_contain_text("How do I report a hate crime online?")
    expect(public.locator("#feed")).to_contain_text("Asked by 2 people")
    own = asker.locator("#your-questions")
    expect(own).to_contain_text("Published with similar questions")
    expect(own).to_contain_text("as question 1: you and 1 other person asked it")
    assert_no_axe_violations(asker, axe_script, "live page with a question published with another")
    # The asker's own words stay theirs: the public sees the first question's only.
    expect(public.locator("#feed")).not_to_contain_text("on the internet")
