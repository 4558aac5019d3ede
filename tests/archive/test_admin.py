import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.text import Truncator

from archive import services as transcripts
from archive.models import Transcript
from chat import services
from events import services as event_services
from tests.live import LiveEvent, make_live_event

pytestmark = pytest.mark.django_db


def test_staff_correct_an_archived_transcript_in_the_admin(staff_client: Client) -> None:
    live: LiveEvent = make_live_event()
    services.announcement_post(
        event_id=live.event.pk, actor_id=live.moderator.pk, body="Call Ann on 07700 900123"
    )
    event_services.event_close(event_id=live.event.pk)
    original = transcripts.transcript_archive(event_id=live.event.pk).transcript

    response = staff_client.post(
        reverse("admin:archive_transcript_correct", args=[original.pk]),
        {"seq": "1", "text": "Call the helpline.", "reason": "A phone number slipped through."},
    )

    assert response.status_code == 302
    current = transcripts.current_transcript(event_id=live.event.pk)
    assert current.version == 2
    assert json.loads(current.content)["items"][0]["body"] == "Call the helpline."
    assert Transcript.objects.count() == 2
    page = staff_client.get(reverse("admin:archive_transcript_change", args=[current.pk]))
    assert "Call the helpline." in page.content.decode()


def test_event_admin_shows_a_late_opening(staff_client: Client) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import EventFactory

    now = timezone.now()
    event = EventFactory(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1))
    event_services.event_schedule(event_id=event.pk)
    event_services.event_schedule_reconcile(now=now)

    page = staff_client.get(reverse("admin:events_event_change", args=[event.pk]))

    assert "600 s LATE" in page.content.decode() or "601 s LATE" in page.content.decode()


def test_the_question_list_shows_shortened_text_state_and_event_and_filters_by_them(
    staff_client: Client,
) -> None:
    live: LiveEvent = make_live_event()
    make_live_event("another-chat")  # the event filter shows when there is a choice
    long_question = "Where can I get support after a hate crime? " * 5
    asked = services.question_ask(
        event_id=live.event.pk,
        participant_id=services.participant_for(
            event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
        ).pk,
        client_id=str(uuid.uuid4()),
        body=long_question,
    )
    changelist = reverse("admin:chat_question_changelist")

    page = staff_client.get(changelist, {"state": "pending", "event__id__exact": live.event.pk})

    html = page.content.decode()
    shown = Truncator(long_question).chars(80)
    assert shown in html and long_question not in html
    assert "Waiting for a moderator" in html and live.event.title in html
    assert [f.title for f in page.context["cl"].filter_specs][:2] == ["event", "state"]
    assert [q.pk for q in page.context["cl"].result_list] == [asked.question["question_id"]]
    empty = staff_client.get(changelist, {"state": "rejected"})
    assert list(empty.context["cl"].result_list) == []
