from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from chat.models import Question
from chat.selectors import feed_after, feed_for_display
from demo.loader import next_london_slot
from events.enums import EventStatus
from events.models import Agency, Event, Panellist, PanelSeat, Topic

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Agency, Panellist, Topic, Event, PanelSeat)
    }


def test_load_demo_twice_creates_nothing_new() -> None:
    call_command("load_demo")
    first = _counts()

    call_command("load_demo")

    assert _counts() == first
    assert first == {"Agency": 3, "Panellist": 4, "Topic": 2, "Event": 2, "PanelSeat": 6}


def test_load_demo_builds_the_seed_webchat_and_a_live_one() -> None:
    call_command("load_demo")

    seed = Event.objects.get(slug="hate-crime-and-domestic-violence-webchat")
    assert seed.status == EventStatus.SCHEDULED
    assert [(s.panellist.name, s.panellist.agency.short_name) for s in seed.panel_seats.all()] == [
        ("Toks Adesuyan", "CPS"),
        ("Jo Davies", "Mencap"),
        ("Jo Keogh", "MPS"),
        ("DCI Sam Faulkner", "MPS"),
    ]
    assert Event.objects.filter(status=EventStatus.LIVE).count() == 1


def test_load_demo_publishes_questions_and_answers_on_the_live_webchat_once() -> None:
    call_command("load_demo")
    call_command("load_demo")

    live = Event.objects.get(status=EventStatus.LIVE)
    feed = feed_for_display(feed_after(event_id=live.pk))
    assert [(item["seq"], item["kind"]) for item in feed] == [
        (1, "question"),
        (2, "answer"),
        (3, "question"),
        (4, "answer"),
        (5, "question"),
        (6, "answer"),
    ]
    assert feed[0]["body"] == "Can I report hate crime online instead of going to a police station?"
    assert [item["panellist"]["name"] for item in feed if item["kind"] == "answer"] == [
        "DCI Sam Faulkner",
        "Jo Davies",
        "DCI Sam Faulkner",
    ]
    # Nobody asked them: no asker to find, nothing waiting for a moderator.
    assert not Question.objects.filter(participant__isnull=False).exists()
    assert set(Question.objects.values_list("state", flat=True)) == {"answered"}


@pytest.mark.parametrize(
    ("now", "expected_start"),
    [
        # Morning of the spring clock change: 18:00 BST is 17:00 UTC.
        (datetime(2026, 3, 29, 9, 0, tzinfo=UTC), datetime(2026, 3, 29, 17, 0, tzinfo=UTC)),
        # After 18:00 GMT on the autumn clock change: the next day's 18:00 GMT.
        (datetime(2026, 10, 25, 18, 30, tzinfo=UTC), datetime(2026, 10, 26, 18, 0, tzinfo=UTC)),
        # 17:30 UTC on 24 October is 18:30 BST: today's slot has started, take tomorrow's,
        # which is after the clocks go back.
        (datetime(2026, 10, 24, 17, 30, tzinfo=UTC), datetime(2026, 10, 25, 18, 0, tzinfo=UTC)),
    ],
)
def test_next_london_slot_is_always_18_00_london(now: datetime, expected_start: datetime) -> None:
    starts, ends = next_london_slot(now=now)

    assert starts == expected_start
    assert (ends - starts).total_seconds() == 3600
