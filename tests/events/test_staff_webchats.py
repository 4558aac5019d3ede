""" "Your webchats": where staff land, with each webchat they work on and its console."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from accounts.models import User
from accounts.roles import MODERATORS, PANELLISTS
from events.enums import EventStatus
from events.models import Event
from tests.factories import (
    EventFactory,
    PanellistFactory,
    PanelSeatFactory,
    UserFactory,
    grant_role,
)

pytestmark = pytest.mark.django_db


def _event(title: str, status: EventStatus, *, starts_in: timedelta) -> Event:
    starts = timezone.now().replace(microsecond=0) + starts_in
    return EventFactory(title=title, status=status, starts_at=starts)


def _moderator_and_panellist() -> User:
    user = grant_role(grant_role(UserFactory(), MODERATORS), PANELLISTS)
    return user


def _sections(page: str) -> list[tuple[str, list[str]]]:
    """(heading, webchat titles) in the order the page shows them."""
    found: list[tuple[str, list[str]]] = []
    for part in page.split('<h2 class="govuk-heading-l">')[1:]:
        heading = part.split("</h2>")[0]
        titles = [
            chunk.split("</h3>")[0]
            for chunk in part.split('<h3 class="govuk-summary-card__title">')[1:]
        ]
        found.append((heading, titles))
    return found


def test_your_webchats_lists_each_webchat_with_the_console_of_each_role(client: Client) -> None:
    user = _moderator_and_panellist()
    live = _event("Live one", EventStatus.LIVE, starts_in=-timedelta(minutes=10))
    soon = _event("Tomorrow's", EventStatus.SCHEDULED, starts_in=timedelta(days=1))
    draft = _event("Still a draft", EventStatus.DRAFT, starts_in=timedelta(days=9))
    done = _event("Last week's", EventStatus.CLOSED, starts_in=-timedelta(days=7))
    long_ago = _event("Last year's", EventStatus.ARCHIVED, starts_in=-timedelta(days=365))
    not_mine = _event("Someone else's", EventStatus.LIVE, starts_in=-timedelta(minutes=5))
    for event in (live, draft, done, long_ago):
        event.moderators.add(user)
    panellist = PanellistFactory(user=user)
    for event in (live, soon):
        PanelSeatFactory(event=event, panellist=panellist)
    client.force_login(user)

    page = client.get(reverse("events:staff_webchats")).content.decode()

    assert _sections(page) == [
        ("Live now", ["Live one"]),
        ("Coming up", ["Tomorrow&#x27;s", "Still a draft"]),
        ("Finished in the last 90 days", ["Last week&#x27;s"]),
    ]
    assert not_mine.title not in page and long_ago.title not in page
    live_card = page.split('id="webchat-' + live.slug + '"')[1].split("summary-card app-staff")[0]
    moderate = reverse("chat:moderate", args=[live.slug])
    answer = reverse("chat:panel", args=[live.slug])
    assert f'<a class="govuk-link" href="{moderate}">Moderator console' in live_card
    assert f'<a class="govuk-link" href="{answer}">Panellist console' in live_card
    assert "Live now: it closes by itself at" in live_card
    draft_card = page.split('id="webchat-' + draft.slug + '"')[1]
    assert "Draft: only staff can see it" in draft_card
    done_card = page.split('id="webchat-' + done.slug + '"')[1]
    assert f'href="{reverse("reports:report", args=[done.slug])}">Report' in done_card


def test_your_webchats_needs_the_role_group_as_well_as_the_assignment(client: Client) -> None:
    # A moderator taken out of the Moderators group is still on the event's list.
    user = grant_role(UserFactory(), PANELLISTS)
    event = _event("Was theirs", EventStatus.SCHEDULED, starts_in=timedelta(days=1))
    event.moderators.add(user)
    client.force_login(user)

    page = client.get(reverse("events:staff_webchats")).content.decode()

    assert "Was theirs" not in page
    assert "You do not moderate or answer at any webchat yet." in page


def test_your_webchats_takes_the_same_queries_for_many_webchats(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    user = _moderator_and_panellist()
    panellist = PanellistFactory(user=user)
    client.force_login(user)
    url = reverse("events:staff_webchats")
    client.get(url)  # the session and the second factor, looked up once per request

    for index in range(2):
        event = _event(f"Chat {index}", EventStatus.SCHEDULED, starts_in=timedelta(days=1))
        event.moderators.add(user)
        PanelSeatFactory(event=event, panellist=panellist)
    with django_assert_num_queries(10) as few:
        client.get(url)
    for index in range(20):
        event = _event(f"More {index}", EventStatus.SCHEDULED, starts_in=timedelta(days=2))
        event.moderators.add(user)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_navigation_offers_your_webchats_to_staff_only(client: Client) -> None:
    link = f'<a class="govuk-service-navigation__link" href="{reverse("events:staff_webchats")}"'
    client.force_login(UserFactory())
    public = client.get(reverse("events:home")).content.decode()

    client.force_login(grant_role(UserFactory(), PANELLISTS))
    staff = client.get(reverse("events:home")).content.decode()

    assert link not in public
    assert f"{link}>Your webchats</a>" in staff


def test_a_crisis_worker_lands_on_their_webchats_with_the_crisis_worker_console(
    client: Client,
) -> None:
    from accounts.roles import CRISIS_WORKERS

    worker = grant_role(UserFactory(), CRISIS_WORKERS)
    lead = grant_role(UserFactory(), CRISIS_WORKERS)
    live = _event("Live one", EventStatus.LIVE, starts_in=-timedelta(minutes=10))
    led = _event("Led one", EventStatus.SCHEDULED, starts_in=timedelta(days=1))
    live.crisis_workers.add(worker)
    led.safeguarding_lead = lead
    led.save()
    client.force_login(worker)
    page = client.get(reverse("events:staff_webchats")).content.decode()
    assert "Live one" in page and "Led one" not in page
    assert reverse("support:console", args=[live.slug]) in page
    client.force_login(lead)
    page = client.get(reverse("events:staff_webchats")).content.decode()
    assert "Led one" in page
    assert reverse("support:console", args=[led.slug]) in page
