import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from archive import services as transcripts
from archive.models import Transcript
from chat.models import Question
from chat.selectors import feed_after, feed_for_display
from demo.loader import demo_load, demo_remove, next_london_slot
from events import services as event_services
from events.enums import EventStatus
from events.models import Agency, Event, Panellist, PanelSeat, Topic
from tests.factories import AgencyFactory, EventFactory

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


def test_load_demo_stays_idempotent_after_staff_add_a_namesake_panellist() -> None:
    call_command("load_demo")
    mencap = Agency.objects.get(slug="mencap")
    # What a team did in the issue: their own Jo Davies at Mencap, beside the demo's.
    Panellist.objects.create(name="Jo Davies", role_title="Policy Officer", agency=mencap)
    before = _counts()

    call_command("load_demo")
    call_command("load_demo")

    assert _counts() == before
    assert Panellist.objects.filter(name="Jo Davies").count() == 2


def test_load_demo_leaves_an_agency_staff_made_first_alone() -> None:
    ours = Agency.objects.create(name="Mencap", short_name="Mencap", slug="mencap")

    call_command("load_demo")
    call_command("load_demo")

    ours.refresh_from_db()
    assert (ours.name, ours.slug, ours.panellists.count()) == ("Mencap", "mencap", 0)
    demo = Agency.objects.get(slug="mencap-demo")
    assert demo.name == "Mencap (demo)"
    assert list(demo.panellists.values_list("name", flat=True)) == ["Jo Davies"]


def test_remove_demo_deletes_it_and_load_demo_then_makes_none_again() -> None:
    call_command("load_demo")
    ours = Agency.objects.create(name="Victim Support", short_name="VS", slug="victim-support")
    out = io.StringIO()

    call_command("remove_demo", stdout=out)
    again = io.StringIO()
    call_command("load_demo", stdout=again)

    assert _counts() == {"Agency": 1, "Panellist": 0, "Topic": 0, "Event": 0, "PanelSeat": 0}
    assert list(Agency.objects.all()) == [ours]
    assert out.getvalue().splitlines()[0] == (
        "Demo data deleted: 2 events, 4 panellists, 3 agencies, 2 topics."
    )
    assert "Demo data was deleted, so none is loaded" in again.getvalue()


def test_remove_demo_deletes_an_archived_demo_webchat_and_keeps_a_panellist_staff_seated() -> None:
    summary = demo_load()
    assert summary.live_event is not None
    event_services.event_close(event_id=summary.live_event.pk)
    transcripts.transcript_archive(event_id=summary.live_event.pk)
    jo = Panellist.objects.get(name="Jo Davies")
    ours = EventFactory(slug="our-webchat", lead_agency=AgencyFactory())
    PanelSeat.objects.create(event=ours, panellist=jo, position=0)

    removal = demo_remove()

    assert removal.kept == ["panellist:Jo Davies", "agency:mencap"]
    assert list(Event.objects.values_list("slug", flat=True)) == ["our-webchat"]
    assert not Transcript.objects.exists()


def test_load_demo_again_brings_back_what_was_deleted() -> None:
    call_command("load_demo")
    call_command("remove_demo", stdout=io.StringIO())

    call_command("load_demo", "--again", stdout=io.StringIO())

    assert _counts() == {"Agency": 3, "Panellist": 4, "Topic": 2, "Event": 2, "PanelSeat": 6}
