"""The home and event pages for the crowd (core/kept_pages.py): no query for a reader once
kept, and every change to the site's events shown at the next load."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event
from tests.factories import (
    AgencyFactory,
    EventFactory,
    PanellistFactory,
    PanelSeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scheduled() -> Event:
    event = EventFactory(
        title="Hate crime: ask the panel", starts_at=timezone.now() + timedelta(days=1)
    )
    services.event_schedule(event_id=event.pk)
    event.refresh_from_db()
    return event


@pytest.mark.parametrize("page", ["home", "event"])
def test_a_first_time_or_returning_reader_costs_no_query_once_the_page_is_kept(
    scheduled: Event, page: str, django_assert_num_queries
) -> None:
    url = (
        reverse("events:home")
        if page == "home"
        else reverse("events:event_detail", args=[scheduled.slug])
    )
    returning = Client()
    returning.get(url)

    with django_assert_num_queries(0):
        first_time = Client().get(url)
    with django_assert_num_queries(0):
        again = returning.get(url)

    for response in (first_time, again):
        assert response.status_code == 200
        assert "Hate crime: ask the panel" in response.content.decode()
    assert not Session.objects.exists()


def test_a_change_to_the_sites_events_shows_on_the_next_load(scheduled: Event) -> None:
    reader = Client()
    home, detail = reverse("events:home"), reverse("events:event_detail", args=[scheduled.slug])
    reader.get(home)
    reader.get(detail)

    scheduled.title = "Hate crime and domestic violence: ask the panel"
    scheduled.save()
    seat = PanelSeatFactory(
        event=scheduled, panellist=PanellistFactory(name="Jo Davies", agency=AgencyFactory())
    )

    assert "Hate crime and domestic violence" in reader.get(home).content.decode()
    page = reader.get(detail).content.decode()
    assert "Hate crime and domestic violence" in page and "Jo Davies" in page

    seat.delete()
    assert "Jo Davies" not in reader.get(detail).content.decode()
    services.event_cancel(event_id=scheduled.pk)
    assert "This webchat has been cancelled." in reader.get(detail).content.decode()


def test_a_signed_in_person_gets_the_page_rendered_for_them(scheduled: Event) -> None:
    url = reverse("events:event_detail", args=[scheduled.slug])
    Client().get(url)
    member = Client()
    member.force_login(UserFactory(email="member@example.org"))

    page = member.get(url).content.decode()

    assert "Email me a reminder" in page and "Sign out" in page
