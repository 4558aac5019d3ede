from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from events.demo import next_london_slot
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
