"""Archiving: a frozen, checksummed, personal-data-free record of what was published."""

import hashlib
import json

import pytest

from archive import services as transcripts
from archive.models import Transcript
from archive.services import TranscriptCorrectionError
from archive.tasks import archive_closed_events, archive_transcript
from chat.models import Question
from events import services as event_services
from events.enums import EventStatus
from tests.factories import StaffFactory, UserFactory
from tests.live import LiveEvent, finished_webchat, make_live_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(db: None) -> LiveEvent:
    return make_live_event()


# Ann's details were edited out before her question was published.
FULL_WEBCHAT = {
    "published": ("My name is Ann Smith at 4 Elm St. How do I report?", "Ann"),
    "edited_to": "How do I report?",
    "answer": "Call 101.",
    "declined": ("Declined secret question", "Bob"),
    "reason": "Off topic",
    "waiting": ("Still waiting question", "Cat"),
    "announcement": "Thanks all",
}


def test_archive_freezes_the_published_record_without_personal_data(live: LiveEvent) -> None:
    finished_webchat(live, archived=False, **FULL_WEBCHAT)

    outcome = transcripts.transcript_archive(event_id=live.event.pk)

    transcript = outcome.transcript
    document = json.loads(transcript.content)
    assert [(item["seq"], item["kind"], item["body"]) for item in document["items"]] == [
        (1, "question", "How do I report?"),
        (2, "answer", "Call 101."),
        (3, "announcement", "Thanks all"),
    ]
    assert document["items"][0]["asker"] == "Member of the public"
    assert document["items"][1]["panellist"]["role"] == "Campaigns and Policy Officer"
    assert [p["name"] for p in document["panel"]] == ["Sam Faulkner", "Jo Davies"]
    assert (transcript.version, transcript.item_count) == (1, 3)
    assert transcript.sha256 == hashlib.sha256(transcript.content.encode()).hexdigest()
    for private in (
        "Ann",
        "Smith",
        "Elm",
        "Bob",
        "Declined secret",
        "Cat",
        "Still waiting",
        "Off topic",
        live.moderator.email,
        "participant",
        "nickname",
    ):
        assert private not in transcript.content, private
    live.event.refresh_from_db()
    assert live.event.status == EventStatus.ARCHIVED


def test_archiving_again_changes_nothing(live: LiveEvent) -> None:
    finished_webchat(live, archived=False, **FULL_WEBCHAT)
    first = transcripts.transcript_archive(event_id=live.event.pk)

    again = transcripts.transcript_archive(event_id=live.event.pk)
    archive_transcript(event_id=live.event.pk)
    archive_closed_events()

    assert (first.created, again.created) == (True, False)
    assert Transcript.objects.filter(event=live.event).count() == 1
    assert again.transcript.sha256 == first.transcript.sha256


def test_live_event_is_not_archived(live: LiveEvent) -> None:
    assert transcripts.transcript_archive(event_id=live.event.pk) is None
    assert not Transcript.objects.exists()


def test_catch_up_archives_closed_events_that_missed_their_task(live: LiveEvent) -> None:
    # Closing in a test transaction never commits, so the on-close task never runs: the
    # same situation as a broker that was down when the event closed.
    event_services.event_close(event_id=live.event.pk)
    assert transcripts.closed_event_ids_without_transcript() == [live.event.pk]

    assert archive_closed_events() == 1

    assert Transcript.objects.filter(event=live.event).count() == 1


def test_staff_correction_is_a_new_version_and_the_old_one_is_kept(live: LiveEvent) -> None:
    finished_webchat(live, archived=False, **FULL_WEBCHAT)
    original = transcripts.transcript_archive(event_id=live.event.pk).transcript
    staff = StaffFactory()

    corrected = transcripts.transcript_correct(
        event_id=live.event.pk,
        actor=staff,
        reason="A street name slipped through.",
        replacements={2: "Call 101 or report online."},
        removals={3},
    )

    document = json.loads(corrected.content)
    assert corrected.version == 2
    assert [(item["seq"], item["body"]) for item in document["items"]] == [
        (1, "How do I report?"),
        (2, "Call 101 or report online."),
    ]
    assert document["items"][1]["corrected"] is True
    assert document["correction"]["reason"] == "A street name slipped through."
    assert (corrected.created_by, corrected.item_count) == (staff, 2)
    assert corrected.sha256 == hashlib.sha256(corrected.content.encode()).hexdigest()
    assert transcripts.current_transcript(event_id=live.event.pk) == corrected
    original.refresh_from_db()
    assert json.loads(original.content)["items"][1]["body"] == "Call 101."


@pytest.mark.parametrize(
    ("reason", "replacements", "message"),
    [
        ("", {1: "x"}, "Say why the transcript is being corrected."),
        ("typo", {}, "Name at least one item to correct or withdraw."),
        ("typo", {99: "x"}, "No item numbered 99."),
    ],
)
def test_correction_needs_a_reason_and_real_items(
    live: LiveEvent, reason: str, replacements: dict[int, str], message: str
) -> None:
    finished_webchat(live, archived=False, **FULL_WEBCHAT)
    transcripts.transcript_archive(event_id=live.event.pk)

    with pytest.raises(TranscriptCorrectionError, match=message):
        transcripts.transcript_correct(
            event_id=live.event.pk, actor=UserFactory(), reason=reason, replacements=replacements
        )
    assert Transcript.objects.count() == 1


def test_transcripts_cannot_be_changed_or_deleted(live: LiveEvent) -> None:
    event_services.event_close(event_id=live.event.pk)
    transcript = transcripts.transcript_archive(event_id=live.event.pk).transcript

    transcript.content = "{}"
    with pytest.raises(ValueError, match="immutable"):
        transcript.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        transcript.delete()
    assert Question.objects.count() == 0
