"""Answer review in a real browser: at a webchat that reviews answers (a CPS legal check), a
moderator (the event names no reviewers) edits then publishes a panellist's draft from the
review console, and the panellist revises an answer returned with a comment, on a phone.
axe runs on both pages.

Each test makes its own live webchat (the setup's shared one publishes answers at once).
"""

import itertools
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, NewContext
from tests.e2e.helpers import assert_no_axe_violations
from tests.e2e.servers import Portal

_numbers = itertools.count(1)

REVIEWED_WEBCHAT_SCRIPT = """
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
    title="Your rights as a witness",
    slug=os.environ["E2E_SLUG"],
    summary="Ask the CPS about giving evidence; answers are checked before they are published.",
    starts_at=starts,
    ends_at=starts + timedelta(hours=1),
    questions_open_at=starts,
    lead_agency=Agency.objects.get(slug="crown-prosecution-service"),
    answers_reviewed=True,
)
sam = Panellist.objects.get(name="DCI Sam Faulkner")
PanelSeat.objects.create(event=event, panellist=sam, position=0)
moderator = User.objects.get(pk=int(os.environ["E2E_MODERATOR_ID"]))
event.moderators.add(moderator)
services.event_schedule(event_id=event.pk)
services.event_open(event_id=event.pk)


def published(body):
    asker = chat.participant_for(event_id=event.pk, user_id=None, guest_token=uuid.uuid4())
    asked = chat.question_ask(
        event_id=event.pk, participant_id=asker.pk, client_id=str(uuid.uuid4()), body=body
    )
    chat.question_approve(question_id=asked.question["question_id"], actor_id=moderator.pk)
    return asked.question["question_id"]


waiting = published("Can I give evidence from another room?")
chat.question_answer(
    question_id=waiting, actor_id=sam.user_id, body="Yes, ask the witness care officer."
)
returned = published("Will the defendant see me?")
chat.question_answer(question_id=returned, actor_id=sam.user_id, body="Probably not.")
draft = chat.AnswerDraft.objects.get(question_id=returned)
chat.answer_draft_return(
    draft_id=draft.pk, actor_id=moderator.pk, comment="Say which special measures exist."
)
print(json.dumps({"slug": event.slug, "returned_draft_id": draft.pk}))
"""


def reviewed_webchat(portal: Portal) -> dict[str, Any]:
    return portal.run(
        REVIEWED_WEBCHAT_SCRIPT,
        E2E_SLUG=f"your-rights-as-a-witness-{next(_numbers)}",
        E2E_MODERATOR_ID=str(portal.data["moderator_id"]),
    )


def test_moderator_edits_then_publishes_a_draft_and_the_public_sees_the_edit(
    portal: Portal, new_context: NewContext, axe_script: Path
) -> None:
    slug = reviewed_webchat(portal)["slug"]
    public = new_context().new_page()
    public.goto(f"/events/{slug}/live/")
    expect(public.locator("#connection-status")).to_have_text("Live updates on.")
    reviewer = new_context(session=portal.data["moderator"]["session"]).new_page()
    reviewer.goto(f"/events/{slug}/review/")
    assert_no_axe_violations(reviewer, axe_script, "review console")
    expect(public.locator("#feed")).not_to_contain_text("witness care officer")

    reviewer.get_by_label("Answer to publish").fill(
        "Yes. Ask your witness care officer for a live link."
    )
    reviewer.get_by_role("button", name="Publish the answer from DCI Sam Faulkner").click()

    expect(reviewer.locator("main")).to_contain_text("Answer published.")
    expect(reviewer.locator("main")).to_contain_text("No answers are waiting for review.")
    expect(public.locator("#feed")).to_contain_text(
        "Yes. Ask your witness care officer for a live link."
    )


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_panellist_revises_a_returned_answer_and_it_goes_back_for_review(
    portal: Portal, new_context: NewContext, axe_script: Path, width: dict[str, int]
) -> None:
    slug = reviewed_webchat(portal)["slug"]
    panellist = new_context(session=portal.data["panellist"]["session"], viewport=width).new_page()
    panellist.goto(f"/events/{slug}/panel/")
    expect(panellist.locator("#connection-status")).to_have_text("Live updates on.")
    expect(panellist.locator("#drafts")).to_contain_text("Say which special measures exist.")
    assert_no_axe_violations(panellist, axe_script, "panellist console with a returned answer")
    widths = panellist.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] == widths[1], f"the panellist console scrolls sideways: {widths}"

    panellist.get_by_label("Your revised answer to question 2").fill(
        "Screens or a live link can keep you out of the defendant's sight."
    )
    panellist.get_by_role("button", name="Send for review again").click()

    expect(panellist.locator("main")).to_contain_text("Your revised answer is with the reviewers.")
    reviewer = new_context(session=portal.data["moderator"]["session"]).new_page()
    reviewer.goto(f"/events/{slug}/review/")
    expect(reviewer.locator("#review-drafts")).to_contain_text(
        "Screens or a live link can keep you out of the defendant's sight."
    )
