from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from events import services
from events.enums import EventStatus
from events.models import Event
from tests.factories import AgencyFactory, EventFactory, PanellistFactory, PanelSeatFactory

pytestmark = pytest.mark.django_db


def _with_status(event: Event, status: EventStatus) -> Event:
    event.status = status
    event.save()
    return event


def test_home_lists_live_upcoming_and_recent_events(client: Client) -> None:
    now = timezone.now()
    _with_status(
        EventFactory(title="On now", starts_at=now - timedelta(minutes=5)), EventStatus.LIVE
    )
    _with_status(
        EventFactory(title="Next week", starts_at=now + timedelta(days=7)), EventStatus.SCHEDULED
    )
    _with_status(
        EventFactory(title="Last week", starts_at=now - timedelta(days=7)), EventStatus.ARCHIVED
    )
    EventFactory(title="Secret draft")

    page = client.get(reverse("events:home"))

    listing = page.context["listing"]
    assert [e.title for e in listing.live] == ["On now"]
    assert [e.title for e in listing.upcoming] == ["Next week"]
    assert [e.title for e in listing.recent] == ["Last week"]
    assert "Secret draft" not in page.content.decode()


@pytest.mark.parametrize("per_list", [1, 6])
def test_home_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries, per_list: int
) -> None:
    now = timezone.now()
    for _ in range(per_list):
        _with_status(EventFactory(starts_at=now - timedelta(minutes=5)), EventStatus.LIVE)
        _with_status(EventFactory(starts_at=now + timedelta(days=2)), EventStatus.SCHEDULED)
        _with_status(EventFactory(starts_at=now - timedelta(days=2)), EventStatus.ARCHIVED)

    # Live, upcoming and recent events with their topics; agencies with helplines.
    with django_assert_num_queries(7):
        client.get(reverse("events:home"))


def test_event_page_shows_london_time_and_panel_grouped_by_agency(client: Client) -> None:
    met = AgencyFactory(name="Metropolitan Police Service")
    cps = AgencyFactory(name="Crown Prosecution Service")
    event = _with_status(
        EventFactory(
            title="Hate crime and domestic violence",
            # 17:00 UTC on 29 March 2026 is 18:00 London (BST began that morning).
            starts_at=datetime(2026, 3, 29, 17, 0, tzinfo=UTC),
            ends_at=datetime(2026, 3, 29, 18, 0, tzinfo=UTC),
            lead_agency=met,
        ),
        EventStatus.SCHEDULED,
    )
    PanelSeatFactory(
        event=event, position=0, panellist=PanellistFactory(name="Sam Faulkner", agency=met)
    )
    PanelSeatFactory(
        event=event,
        position=1,
        panellist=PanellistFactory(name="Toks Adesuyan", agency=cps),
        role_at_event="Legal and Stakeholder Manager, CPS London",
    )
    PanelSeatFactory(
        event=event, position=2, panellist=PanellistFactory(name="Jo Keogh", agency=met)
    )

    page = client.get(event.get_absolute_url())

    html = page.content.decode()
    assert "Sunday 29 March 2026, 18:00</time> to <time" in html
    assert ">19:00</time> (UK time)" in html
    groups = [
        (g.agency.name, [s.panellist.name for s in g.seats]) for g in page.context["panel_groups"]
    ]
    assert groups == [
        ("Metropolitan Police Service", ["Sam Faulkner", "Jo Keogh"]),
        ("Crown Prosecution Service", ["Toks Adesuyan"]),
    ]
    assert "Toks Adesuyan</strong>, Legal and Stakeholder Manager, CPS London" in html


def test_event_page_in_winter_shows_the_same_london_hour(client: Client) -> None:
    event = _with_status(
        EventFactory(
            starts_at=datetime(2026, 10, 25, 18, 0, tzinfo=UTC),
            ends_at=datetime(2026, 10, 25, 19, 0, tzinfo=UTC),
        ),
        EventStatus.SCHEDULED,
    )

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Sunday 25 October 2026, 18:00</time>" in html


def test_draft_event_page_is_not_public(client: Client) -> None:
    event = EventFactory()

    assert client.get(event.get_absolute_url()).status_code == 404


def test_cancelled_event_page_says_so(client: Client) -> None:
    event = EventFactory()
    services.event_cancel(event_id=event.pk)

    html = client.get(event.get_absolute_url()).content.decode()

    assert "This webchat has been cancelled." in html


def test_agency_page_lists_helpline_panellists_and_events(client: Client) -> None:
    mencap = AgencyFactory(
        name="Mencap",
        short_name="Mencap",
        slug="mencap",
        helpline_name="Learning Disability Helpline",
        helpline_number="0808 808 1111",
    )
    PanellistFactory(name="Jo Davies", role_title="Campaigns and Policy Officer", agency=mencap)
    event = _with_status(
        EventFactory(title="Ask Mencap", lead_agency=mencap), EventStatus.SCHEDULED
    )

    page = client.get(mencap.get_absolute_url())

    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="tel:08088081111"' in html
    assert "Jo Davies</strong>, Campaigns and Policy Officer" in html
    assert [e.title for e in page.context["upcoming"]] == [event.title]


def test_every_public_page_has_quick_exit_and_emergency_help(client: Client) -> None:
    AgencyFactory(
        name="Mencap", helpline_name="Learning Disability Helpline", helpline_number="0808 808 1111"
    )
    event = _with_status(EventFactory(), EventStatus.SCHEDULED)
    pages = [
        reverse("events:home"),
        event.get_absolute_url(),
        event.lead_agency.get_absolute_url(),
        reverse("account_login"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'data-module="govuk-exit-this-page"' in html, url
        assert "call 999" in html, url
        assert "Learning Disability Helpline" in html, url
        assert "<script>" not in html, url
    # Error pages render without the database (tests/outreach/test_error_pages.py), so they
    # link to the partners' helplines instead of listing them.
    html = client.get("/no-such-page/").content.decode()
    assert 'data-module="govuk-exit-this-page"' in html
    assert "call 999" in html
    assert '<a class="govuk-link" href="/#help">Helplines from our partners</a>' in html
    assert "<script>" not in html


def test_public_pages_send_a_strict_content_security_policy(client: Client) -> None:
    response = client.get(reverse("events:home"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_staying_safe_page_is_honest_and_linked_from_every_page(client: Client) -> None:
    page = client.get(reverse("events:staying_safe")).content.decode()
    home = client.get(reverse("events:home")).content.decode()

    assert "This does not remove the other pages of this site you looked at before." in page
    assert "Clearing history does not delete emails, texts, calls or downloads" in page
    assert f'href="{reverse("events:staying_safe")}"' in home
