"""Beat's archive catch-up: one event that cannot be archived never holds up the others."""

import logging

import pytest

from archive.models import Transcript
from archive.tasks import archive_closed_events
from chat import services
from chat.models import FeedItem
from events import services as event_services
from events.enums import EventStatus
from events.models import Event
from tests.live import make_live_event

pytestmark = pytest.mark.django_db


def test_an_event_that_cannot_be_archived_is_logged_and_the_rest_are_archived(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken, sound = make_live_event("broken"), make_live_event("sound")
    for live in (broken, sound):
        services.announcement_post(
            event_id=live.event.pk, actor_id=live.moderator.pk, body="Welcome"
        )
        event_services.event_close(event_id=live.event.pk)
    # A damaged row: its payload is no longer the object the transcript reads.
    FeedItem.objects.filter(event=broken.event).update(payload=["damaged"])

    with caplog.at_level(logging.ERROR, logger="archive.tasks"):
        archived = archive_closed_events()

    assert archived == 1
    assert Transcript.objects.filter(event=sound.event).count() == 1
    assert Event.objects.get(pk=sound.event.pk).status == EventStatus.ARCHIVED
    assert not Transcript.objects.filter(event=broken.event).exists()
    assert [record.getMessage() for record in caplog.records] == [
        f"could not archive event {broken.event.pk}; the next catch-up tries again"
    ]
