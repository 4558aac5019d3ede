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
