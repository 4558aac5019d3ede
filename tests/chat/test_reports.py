"""Webchat reports (chat/reports/): figures from a scripted webchat against numbers worked
out by hand, viewer sampling from the hubs' Redis hash, who may read a report, the SVG,
the CSV and the small number rule, and a fixed number of queries."""

import csv
import io
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import EVENT_MANAGERS
from chat import services
from chat.models import Question, ViewerSample
from chat.reports import selectors
from chat.reports.charts import bar_chart, line_chart
from chat.reports.services import viewer_samples_purge, viewer_samples_take
from chat.reports.tables import FEWER_THAN_5, report_tables
from chat.reports.viewers import viewer_count_key
from chat.safeguarding import CRISIS_PHRASES
from chat.models import SafeguardingPhrase
from chat.tasks import sample_viewers
from events import services as event_services
from events.models import Event, Panellist
from tests.factories import (
    AgencyFactory,
    EventFactory,
    ModeratorFactory,
    PanellistFactory,
    PanellistUserFactory,
    PanelSeatFactory,
    StaffFactory,
    TopicFactory,
    UserFactory,
    grant_role,
)

# The scripted webchat: Thursday 19 November 2026, 18:00 to 19:00 (GMT, so UK time = UTC).
T0 = datetime(2026, 11, 19, 18, 0, tzinfo=UTC)


class Clock:
    """The time services see (timezone.now), moved on by the script."""

    def __init__(self) -> None:
        self.moment = T0 - timedelta(days=2)

    def now(self) -> datetime:
        return self.moment

    def at(self, minutes: float) -> None:
        self.moment = T0 + timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake.now)
    return fake


@dataclass
class Webchat:
    event: Event
    moderator: User
    sam: User
    jo: User
    met_staff: User
    declined_body: str
    waiting_body: str


def hub_counts(event: Event, *counts: tuple[int, float]) -> None:
    """What the hubs of several processes would have written: (viewers, seconds ago) each."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = viewer_count_key(event.pk)
    client.delete(key)
    now = timezone.now().timestamp()
    for process, (viewers, age) in enumerate(counts):
        client.hset(key, f"process-{process}", f"{viewers}:{now - age}")
    client.close()


def ask(event: Event, body: str, **extra: object) -> int:
    participant = services.participant_for(
        event_id=event.pk, user_id=None, guest_token=uuid.uuid4()
    )
    outcome = services.question_ask(
        event_id=event.pk,
        participant_id=participant.pk,
        client_id=str(uuid.uuid4()),
        body=body,
        **extra,
    )
    return outcome.question["question_id"]


def scripted_webchat(clock: Clock) -> Webchat:
    """A one-hour webchat run through the services, minute by minute."""
    for phrase in CRISIS_PHRASES:
        SafeguardingPhrase.objects.get_or_create(kind="crisis", phrase=phrase)
    met = AgencyFactory(name="Metropolitan Police Service", short_name="MPS", slug="met")
    mencap = AgencyFactory(name="Mencap", short_name="Mencap", slug="mencap")
    event = EventFactory(
        slug="hate-crime",
        title="Hate crime: ask the panel",
        lead_agency=met,
        starts_at=T0,
        ends_at=T0 + timedelta(hours=1),
        questions_open_at=T0 - timedelta(days=1),
    )
    event.topics.add(TopicFactory(name="Hate crime", slug="hate-crime"))
    moderator = ModeratorFactory(email="moderator@example.org")
    event.moderators.add(moderator)
    sam, jo = PanellistUserFactory(email="sam@example.org"), PanellistUserFactory(
        email="jo@example.org"
    )
    PanelSeatFactory(
        event=event,
        panellist=PanellistFactory(name="Sam Faulkner", agency=met, user=sam),
        position=0,
    )
    PanelSeatFactory(
        event=event, panellist=PanellistFactory(name="Jo Davies", agency=mencap, user=jo)
    )
    # A press officer at the Met: linked to a panellist record, not on this panel.
    met_staff = PanellistUserFactory(email="press@met.example.org")
    PanellistFactory(name="Press Office", agency=met, user=met_staff)
    sam_id = Panellist.objects.get(user=sam).pk
    jo_id = Panellist.objects.get(user=jo).pk
    event_services.event_schedule(event_id=event.pk)

    def approve(question_id: int) -> None:
        services.question_approve(question_id=question_id, actor_id=moderator.pk)

    def answer(question_id: int, by: User, body: str = "Here is how.") -> None:
        services.question_answer(question_id=question_id, actor_id=by.pk, body=body)

    clock.at(-30)
    q1 = ask(event, "How do I report hate crime online?", to={"agency": "met"})
    clock.at(0)
    event_services.event_open(event_id=event.pk)
    hub_counts(event, (2, 1))
    viewer_samples_take()
    clock.at(0 + 10 / 60)
    hub_counts(event, (3, 1), (4, 6), (100, 60))  # the third process stopped a minute ago
    viewer_samples_take()
    clock.at(1)
    q2 = ask(
        event,
        "Where can disabled people get support after hate crime?",
        to={"panellist": jo_id},
    )
    hub_counts(event, (5, 0), (7, 2))
    viewer_samples_take()
    clock.at(1.5)
    hub_counts(event, (12, 0))
    viewer_samples_take()
    clock.at(2)
    approve(q1)
    clock.at(3)
    approve(q2)
    hub_counts(event, (5, 3))
    viewer_samples_take()
    clock.at(4)
    answer(q2, jo)
    clock.at(5)
    answer(q1, sam)
    q3 = ask(event, "Can I report hate crime anonymously?")
    clock.at(6)
    approve(q3)
    clock.at(7)
    declined_body = "You are all useless and Kevin Smith from 4 Elm Road is worse"
    q4 = ask(event, declined_body, nickname="Kev")
    clock.at(8)
    services.question_reject(question_id=q4, actor_id=moderator.pk, reason="Not a question.")
    services.participant_mute(
        event_id=event.pk,
        participant_id=Question.objects.get(pk=q4).participant_id,
        actor_id=moderator.pk,
    )
    clock.at(10)
    answer(q2, sam)  # a second answer: the first one counts for time to answer
    clock.at(20)
    waiting_body = "I am in danger now, my neighbour Dave threatens me"
    ask(event, waiting_body)
    clock.at(25)
    q6 = ask(event, "Is hate crime support available in Welsh?", to={"agency": "mencap"})
    clock.at(40)
    approve(q6)
    clock.at(50)
    answer(q6, jo)
    clock.at(60)
    event_services.event_close(event_id=event.pk)
    return Webchat(event, moderator, sam, jo, met_staff, declined_body, waiting_body)


@pytest.fixture
def webchat(db: None, clock: Clock) -> Webchat:
    return scripted_webchat(clock)


def test_report_figures_match_the_scripted_webchat(webchat: Webchat) -> None:
    report = selectors.event_report(event=selectors.reportable_event_by_slug(slug="hate-crime"))

    assert report.questions == selectors.QuestionFigures(
        received=6,
        published=4,
        answered=3,
        declined=1,
        unhandled=1,
        urgent=1,
        in_advance=1,
        muted_participants=1,
    )
    # Asking to publishing: q1 32 min, q2 2 min, q3 1 min, q6 15 min -> 60, 120, 900, 1920 s.
    assert report.to_publish == selectors.DurationSummary(4, (120 + 900) / 2, 1920)
    # Publishing to first answer: q1 3 min, q2 1 min (Jo; Sam's later one does not count),
    # q6 10 min -> 60, 180, 600 s.
    assert report.to_answer == selectors.DurationSummary(3, 180, 600)
    assert [
        (slot.starts_at, slot.to_publish.median, slot.to_answer.median)
        for slot in report.timing_slots
    ] == [(T0, 120, (180 + 60) / 2), (T0 + timedelta(minutes=30), 900, 600)]
    assert report.answers == 4
    assert [(row.name, row.agency, row.answers) for row in report.panellists] == [
        ("Jo Davies", "Mencap", 2),
        ("Sam Faulkner", "Metropolitan Police Service", 2),
    ]
    assert [
        (row.name, row.answers, row.addressed, row.addressed_answered) for row in report.agencies
    ] == [("Mencap", 2, 2, 2), ("Metropolitan Police Service", 2, 1, 1)]
    assert report.top_words == [
        ("crime", 4),
        ("hate", 4),
        ("report", 2),
        ("support", 2),
        ("anonymously", 1),
        ("available", 1),
        ("disabled", 1),
        ("online", 1),
        ("people", 1),
        ("welsh", 1),
    ]
    assert report.topics == ["Hate crime"]


def test_viewer_figures_match_the_samples_taken_while_live(webchat: Webchat) -> None:
    samples = list(
        ViewerSample.objects.filter(event=webchat.event).values_list("sampled_at", "viewers")
    )
    # Stale process counts (older than 20 s) are left out: 3 + 4, not 3 + 4 + 100.
    assert samples == [
        (T0, 2),
        (T0 + timedelta(seconds=10), 7),
        (T0 + timedelta(minutes=1), 12),
        (T0 + timedelta(minutes=1, seconds=30), 12),
        (T0 + timedelta(minutes=3), 5),
    ]
    viewers = selectors.event_report(event=webchat.event).viewers
    assert (viewers.peak, viewers.peak_minute, viewers.slot_minutes) == (
        12,
        T0 + timedelta(minutes=1),
        1,
    )
    assert [(slot.starts_at, slot.peak) for slot in viewers.slots] == [
        (T0, 7),
        (T0 + timedelta(minutes=1), 12),
        (T0 + timedelta(minutes=3), 5),
    ]
