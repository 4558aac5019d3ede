"""Add to calendar: one event's .ics, the feed of upcoming events, and the links to them."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from events.enums import EventStatus
from events.models import Event
from tests.factories import AgencyFactory, EventFactory, PanellistFactory, PanelSeatFactory

pytestmark = pytest.mark.django_db


def _with_status(event: Event, status: EventStatus) -> Event:
    event.status = status
    event.save()
    return event


def _vevents(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


@pytest.mark.parametrize(
    ("starts_utc", "london_line"),
    [
        # British Summer Time began at 01:00 UTC that morning: 17:00 UTC is 18:00 London.
        (datetime(2026, 3, 29, 17, 0, tzinfo=UTC), "DTSTART;TZID=Europe/London:20260329T180000"),
        # It ended at 01:00 UTC that morning: 18:00 UTC is 18:00 London.
        (datetime(2026, 10, 25, 18, 0, tzinfo=UTC), "DTSTART;TZID=Europe/London:20261025T180000"),
    ],
)
def test_event_calendar_gives_london_time_either_side_of_the_clock_change(
    client: Client, starts_utc: datetime, london_line: str
) -> None:
    event = _with_status(
        EventFactory(
            slug="hate-crime",
            title="Hate crime, and what to do",
            summary="Ask the police; and the CPS.",
            starts_at=starts_utc,
            ends_at=starts_utc + timedelta(hours=1),
        ),
        EventStatus.SCHEDULED,
    )

    response = client.get(reverse("events:event_calendar", args=["hate-crime"]))

    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hate-crime.ics"'
    assert london_line + "\r\n" in text
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n" in text
    [vevent] = _vevents(response.content)
    assert vevent.decoded("dtstart").astimezone(UTC) == starts_utc
    assert vevent.decoded("dtend").astimezone(UTC) == starts_utc + timedelta(hours=1)
    assert str(vevent["uid"]) == f"event-{event.pk}@testserver"
    assert str(vevent["summary"]) == "Hate crime, and what to do"
    assert str(vevent["description"]) == (
        "Ask the police; and the CPS.\n\n"
        "Join the live chat: http://testserver/events/hate-crime/live/"
    )
    assert str(vevent["url"]) == "http://testserver/events/hate-crime/"
    assert "DTSTAMP:" in text


def test_event_calendar_uid_is_the_same_in_the_feed(client: Client) -> None:
    event = _with_status(EventFactory(slug="same-uid"), EventStatus.SCHEDULED)

    single = _vevents(client.get(reverse("events:event_calendar", args=["same-uid"])).content)
    feed = _vevents(client.get(reverse("events:calendar")).content)

    assert [str(v["uid"]) for v in single] == [f"event-{event.pk}@testserver"]
    assert [str(v["uid"]) for v in feed] == [f"event-{event.pk}@testserver"]


@pytest.mark.parametrize(
    "status", [EventStatus.DRAFT, EventStatus.CANCELLED, EventStatus.CLOSED, EventStatus.ARCHIVED]
)
def test_event_calendar_is_404_unless_scheduled_or_live(client: Client, status: str) -> None:
    _with_status(EventFactory(slug="not-upcoming"), status)

    response = client.get(reverse("events:event_calendar", args=["not-upcoming"]))

    assert response.status_code == 404


def test_calendar_feed_lists_only_upcoming_public_events(client: Client) -> None:
    now = timezone.now().replace(microsecond=0)
    _with_status(
        EventFactory(title="On now", starts_at=now - timedelta(minutes=5)), EventStatus.LIVE
    )
    _with_status(
        EventFactory(title="Next month", starts_at=now + timedelta(days=30)),
        EventStatus.SCHEDULED,
    )
    _with_status(
        EventFactory(title="Tomorrow", starts_at=now + timedelta(days=1)), EventStatus.SCHEDULED
    )
    EventFactory(title="Secret draft", starts_at=now + timedelta(days=2))
    _with_status(
        EventFactory(title="Called off", starts_at=now + timedelta(days=3)),
        EventStatus.CANCELLED,
    )
    _with_status(
        EventFactory(title="Last week", starts_at=now - timedelta(days=7)), EventStatus.ARCHIVED
    )
    _with_status(
        EventFactory(title="Finished", starts_at=now - timedelta(hours=3)), EventStatus.CLOSED
    )

    response = client.get(reverse("events:calendar"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="webchats.ics"'
    assert [str(v["summary"]) for v in _vevents(response.content)] == [
        "On now",
        "Tomorrow",
        "Next month",
    ]


def test_empty_calendar_feed_is_a_valid_calendar(client: Client) -> None:
    response = client.get(reverse("events:calendar"))

    calendar = icalendar.Calendar.from_ical(response.content)
    assert response.status_code == 200
    assert _vevents(response.content) == []
    assert str(calendar["version"]) == "2.0"


@pytest.mark.parametrize("count", [1, 6])
def test_calendar_feed_runs_one_query(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for _ in range(count):
        _with_status(EventFactory(), EventStatus.SCHEDULED)

    with django_assert_num_queries(1):
        client.get(reverse("events:calendar"))


def test_event_page_links_to_add_to_calendar(client: Client) -> None:
    event = _with_status(EventFactory(slug="soon"), EventStatus.SCHEDULED)

    html = client.get(event.get_absolute_url()).content.decode()

    assert '<a class="govuk-link" href="/events/soon/calendar.ics">Add to calendar' in html


def test_home_page_links_to_the_calendar_feed(client: Client) -> None:
    html = client.get(reverse("events:home")).content.decode()

    assert (
        '<a class="govuk-link" href="/events/calendar.ics">'
        "Add all upcoming webchats to your calendar</a>" in html
    )


def test_agency_page_links_upcoming_to_calendar_and_past_to_their_record(client: Client) -> None:
    mencap = AgencyFactory(name="Mencap", slug="mencap")
    now = timezone.now()
    _with_status(
        EventFactory(slug="coming", lead_agency=mencap, starts_at=now + timedelta(days=2)),
        EventStatus.SCHEDULED,
    )
    _with_status(
        EventFactory(slug="archived-one", lead_agency=mencap, starts_at=now - timedelta(days=9)),
        EventStatus.ARCHIVED,
    )
    # On another agency's panel, closed and not yet archived: read on its live page.
    seat = PanelSeatFactory(
        event=_with_status(
            EventFactory(slug="closed-one", starts_at=now - timedelta(hours=3)),
            EventStatus.CLOSED,
        ),
        panellist=PanellistFactory(agency=mencap),
    )

    html = client.get(mencap.get_absolute_url()).content.decode()

    assert 'href="/events/coming/calendar.ics">Add to calendar' in html
    assert 'href="/transcripts/archived-one/">Read the transcript' in html
    assert f'href="/events/{seat.event.slug}/live/">Read the questions and answers' in html
    assert "/events/archived-one/calendar.ics" not in html
    assert "/transcripts/closed-one/" not in html


@pytest.mark.parametrize("per_list", [1, 5])
def test_agency_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, per_list: int
) -> None:
    agency = AgencyFactory(helpline_number="0800 000 000")
    now = timezone.now()
    for index in range(per_list):
        PanellistFactory(agency=agency)
        _with_status(
            EventFactory(lead_agency=agency, starts_at=now + timedelta(days=index + 1)),
            EventStatus.SCHEDULED,
        )
        _with_status(
            EventFactory(lead_agency=agency, starts_at=now - timedelta(days=index + 1)),
            EventStatus.ARCHIVED,
        )
        PanelSeatFactory(
            event=_with_status(
                EventFactory(starts_at=now - timedelta(days=index + 1, hours=2)),
                EventStatus.CLOSED,
            ),
            panellist=PanellistFactory(agency=agency),
        )

    # The agency with its panellists; upcoming and past events with their topics; helplines.
    with django_assert_num_queries(7):
        client.get(agency.get_absolute_url())
