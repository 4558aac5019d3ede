from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from tests.factories import EventFactory, PanelSeatFactory

pytestmark = pytest.mark.django_db


def test_event_that_ends_before_it_starts_is_refused_by_the_database() -> None:
    event = EventFactory()
    event.ends_at = event.starts_at - timedelta(minutes=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_event_that_ends_as_it_starts_is_refused_by_the_database() -> None:
    event = EventFactory()
    event.ends_at = event.starts_at

    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_questions_cannot_open_after_the_event_starts() -> None:
    event = EventFactory()
    event.questions_open_at = event.starts_at + timedelta(minutes=5)

    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_event_slugs_are_unique() -> None:
    EventFactory(slug="hate-crime")

    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(slug="hate-crime")


def test_panellist_sits_on_a_panel_only_once() -> None:
    seat = PanelSeatFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        PanelSeatFactory(event=seat.event, panellist=seat.panellist)


@pytest.mark.parametrize(
    ("status", "label", "tag", "finished"),
    [
        ("draft", "Draft", "govuk-tag--grey", False),
        ("scheduled", "Upcoming", "govuk-tag--blue", False),
        ("live", "Live now", "govuk-tag--green", False),
        ("closed", "Finished", "govuk-tag--grey", True),
        ("archived", "Finished", "govuk-tag--grey", True),
        ("cancelled", "Cancelled", "govuk-tag--red", True),
    ],
)
def test_every_status_says_how_the_public_sees_it(
    status: str, label: str, tag: str, finished: bool
) -> None:
    from events.enums import EventStatus

    value = EventStatus(status)
    assert (value.public_label, value.tag_class, value.is_finished) == (label, tag, finished)


@pytest.mark.django_db
def test_the_status_frame_carries_label_tag_and_finished() -> None:
    from chat.frames import status as event_status
    from tests.factories import EventFactory

    event = EventFactory(status="cancelled")

    frame = event_status(event)

    assert {key: frame[key] for key in ("status", "label", "tag", "finished")} == {
        "status": "cancelled",
        "label": "Cancelled",
        "tag": "govuk-tag--red",
        "finished": True,
    }
    assert frame["accepting_questions"] is False
