"""What the public types is stored as a person reads it: invisible controls that could hide a
detail from the checks, or reorder what a moderator sees, are removed before anything runs."""

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from chat import services
from chat.models import Question
from safeguarding.detection import INVISIBLE_CONTROLS
from tests.live import LiveEvent


def test_a_question_with_a_phone_number_in_bidi_overrides_is_stored_plain_and_flagged(
    live: LiveEvent,
) -> None:
    participant = services.participant_for(
        event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
    )

    services.question_ask(
        event_id=live.event.pk,
        participant_id=participant.pk,
        client_id=str(uuid.uuid4()),
        body="Please ring me on \u202e07700 900123\u202c after six",
        nickname="K\u200bim\u202e",
    )

    question = Question.objects.get(event=live.event)
    assert question.body == "Please ring me on 07700 900123 after six"
    assert question.nickname == "Kim"
    assert [finding["kind"] for finding in question.findings] == ["phone"]


RLO, PDF = "\u202e", "\u202c"


def test_text_with_bidi_overrides_is_shown_isolated_in_the_consoles_and_the_live_page(
    live: LiveEvent,
) -> None:
    """Issue 30: text stored before the controls were removed at asking, and a panellist's
    answer (staff text is stored as typed), reached the consoles with their right-to-left
    overrides: the moderator read the digits reversed, and the override ran on into the
    console's own words. Every piece of it is now shown in a <bdi>, without the controls."""
    participant = services.participant_for(
        event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
    )
    question_id = services.question_ask(
        event_id=live.event.pk,
        participant_id=participant.pk,
        client_id=str(uuid.uuid4()),
        body="Please ring me on 07700 900123 after six",
        nickname="Kim",
    ).question["question_id"]
    Question.objects.filter(pk=question_id).update(
        body=f"Please ring me on {RLO}07700 900123{PDF} after six", nickname=f"{RLO}Kim"
    )
    moderator = Client()
    moderator.force_login(live.moderator)

    console = moderator.get(
        reverse("chat:moderate", args=[live.event.slug]) + f"?open={question_id}"
    ).content.decode()

    assert RLO not in console and PDF not in console
    assert "by “<bdi>Kim</bdi>”" in console
    assert (
        '<p class="govuk-body app-feed__body app-queue-row__body"><bdi>Please ring me on '
        "<mark>07700 900123</mark> after six</bdi></p>"
    ) in console
    assert 'name="body" rows="3">Please ring me on 07700 900123 after six</textarea>' in console

    services.question_approve(
        question_id=question_id,
        actor_id=live.moderator.pk,
        body=(f"Please ring me on {RLO}[phone number removed]{PDF} after six"),
    )
    services.question_answer(
        question_id=question_id,
        actor_id=live.panellist_user.pk,
        body=f"Call 101 {RLO}or 999 in an emergency",
    )
    panellist = Client()
    panellist.force_login(live.panellist_user)
    pages = {
        "panel console": panellist.get(reverse("chat:panel", args=[live.event.slug])),
        "live page": Client().get(reverse("chat:live", args=[live.event.slug])),
        "moderator console": moderator.get(reverse("chat:moderate", args=[live.event.slug])),
    }

    for name, response in pages.items():
        html = response.content.decode()
        assert RLO not in html and PDF not in html, name
        assert "<bdi>Please ring me on [phone number removed] after six</bdi>" in html, name
    assert (
        ": <bdi>Call 101 or 999 in an emergency</bdi></li>"
        in pages["panel console"].content.decode()
    )
    assert (
        '<p class="app-feed__body" lang="en"><bdi>Call 101 or 999 in an emergency</bdi></p>'
        in pages["live page"].content.decode()
    )


def test_the_live_pages_remove_the_same_invisible_controls_as_the_checks() -> None:
    """static/js/live-socket.js keeps its own copy of the class (a browser cannot import it):
    the two must not drift apart."""
    script = (Path(settings.BASE_DIR) / "static/js/live-socket.js").read_text()
    [js_class] = re.findall(r"const INVISIBLE_CONTROLS = /(\[.*\])/g", script)

    assert js_class.encode().decode("unicode_escape") == INVISIBLE_CONTROLS
