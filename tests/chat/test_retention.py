import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from archive.models import Transcript
from chat.models import Participant, Question
from chat.retention import personal_data_purge
from events.models import Event
from tests.live import finished_webchat, guest_asks, make_live_event, new_asker

pytestmark = pytest.mark.django_db


# Ann's question was published only as the moderator edited it, without her phone number.
EDITED_WEBCHAT = {
    "published": ("I'm Ann at 07700 900123, how do I report?", "Ann"),
    "edited_to": "How do I report?",
    "answer": None,
    "declined": ("About my case", "Bob"),
    "waiting": ("Never moderated", "Cat"),
}


def test_purge_removes_personal_data_after_the_retention_period() -> None:
    live = finished_webchat(**EDITED_WEBCHAT)
    transcript_before = Transcript.objects.get().content
    ended = Event.objects.get(pk=live.event.pk).ends_at

    too_soon = personal_data_purge(now=ended + timedelta(days=29), days=30)
    report = personal_data_purge(now=ended + timedelta(days=31), days=30)

    assert (too_soon.questions_deleted, too_soon.participants_deleted) == (0, 0)
    assert (report.questions_deleted, report.originals_replaced, report.participants_deleted) == (
        2,
        1,
        3,
    )
    remaining = Question.objects.get()
    assert (remaining.body, remaining.published_body) == ("How do I report?", "How do I report?")
    assert (remaining.nickname, remaining.participant, remaining.findings) == ("", None, [])
    assert not Participant.objects.exists()
    assert Transcript.objects.get().content == transcript_before
    assert json.loads(transcript_before)["items"][0]["body"] == "How do I report?"


def test_purge_command_runs_twice_harmlessly(capsys: pytest.CaptureFixture[str]) -> None:
    live = finished_webchat(**EDITED_WEBCHAT)
    Event.objects.filter(pk=live.event.pk).update(
        ends_at=timezone.now() - timedelta(days=400), starts_at=timezone.now() - timedelta(days=401)
    )

    call_command("purge_personal_data")
    call_command("purge_personal_data")

    output = capsys.readouterr().out.splitlines()
    assert output == [
        "Deleted 2 unpublished questions, replaced 1 edited originals, deleted 3 participants.",
        "Deleted 0 unpublished questions, replaced 0 edited originals, deleted 0 participants.",
    ]


def test_hashed_network_addresses_are_cleared_after_a_short_time(settings) -> None:
    settings.CHAT_NETWORK_HASH_HOURS = 48
    live = make_live_event()
    participant = new_asker(live)
    guest_asks(live, "A question", participant=participant, network="a" * 32)
    participant.refresh_from_db()
    assert participant.network_hash == "a" * 32

    personal_data_purge(now=participant.network_hash_at + timedelta(hours=47))
    participant.refresh_from_db()
    assert participant.network_hash == "a" * 32
    personal_data_purge(now=participant.network_hash_at + timedelta(hours=49))
    participant.refresh_from_db()
    assert (participant.network_hash, participant.network_hash_at) == ("", None)
