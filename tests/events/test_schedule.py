"""The schedule: events open and close on time by themselves, once, however late."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from events import services
from events.enums import EventStatus
from events.models import Event, EventStatusChange
from events.signals import event_status_changed
from events.tasks import reconcile_schedule
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def scheduled(**fields: object) -> Event:
    event = EventFactory(**fields)
    services.event_schedule(event_id=event.pk)
    event.refresh_from_db()
    return event


def status_of(event: Event) -> str:
    event.refresh_from_db()
    return event.status


def test_reconcile_opens_a_due_event_and_leaves_future_ones() -> None:
    now = timezone.now()
    due = scheduled(starts_at=now - timedelta(seconds=2), ends_at=now + timedelta(hours=1))
    future = scheduled(starts_at=now + timedelta(minutes=1), ends_at=now + timedelta(hours=1))

    changes = services.event_schedule_reconcile(now=now)

    assert [(c.event_id, c.to_status) for c in changes] == [(due.pk, "live")]
    assert (status_of(due), status_of(future)) == ("live", "scheduled")
    opened = EventStatusChange.objects.get(event=due, to_status="live")
    assert opened.due_at == due.starts_at
    assert opened.reason == "on schedule"
    assert opened.lateness is not None and opened.lateness >= timedelta(seconds=2)


def test_reconcile_closes_a_live_event_at_its_end() -> None:
    now = timezone.now()
    event = scheduled(starts_at=now - timedelta(hours=1), ends_at=now - timedelta(seconds=1))
    services.event_open(event_id=event.pk)

    services.event_schedule_reconcile(now=now)

    assert status_of(event) in ("closed", "archived")  # archiving follows on close
    assert EventStatusChange.objects.get(event=event, to_status="closed").due_at == event.ends_at


def test_reconcile_run_twice_or_by_the_task_changes_each_event_once(
    django_capture_on_commit_callbacks,
) -> None:
    now = timezone.now()
    event = scheduled(starts_at=now - timedelta(seconds=1), ends_at=now + timedelta(hours=1))
    sent: list[str] = []

    def record(sender: object, *, to_status: str, **kwargs: object) -> None:
        sent.append(to_status)

    event_status_changed.connect(record, dispatch_uid="test-record")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = reconcile_schedule()
        with django_capture_on_commit_callbacks(execute=True):
            second = reconcile_schedule()
    finally:
        event_status_changed.disconnect(dispatch_uid="test-record")

    assert (first, second) == (1, 0)
    assert sent == ["live"]
    assert EventStatusChange.objects.filter(event=event, to_status="live").count() == 1


def test_event_whose_whole_slot_passed_while_nothing_ran_opens_then_closes_late() -> None:
    now = timezone.now()
    event = scheduled(starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1))

    changes = services.event_schedule_reconcile(now=now)

    assert [c.to_status for c in changes] == ["live", "closed"]
    assert all(c.lateness >= timedelta(hours=1) for c in changes)
    history = list(
        EventStatusChange.objects.filter(event=event).values_list("from_status", "to_status")
    )
    assert history[:3] == [("draft", "scheduled"), ("scheduled", "live"), ("live", "closed")]


def test_cancelled_event_never_opens() -> None:
    now = timezone.now()
    event = scheduled(starts_at=now - timedelta(seconds=1), ends_at=now + timedelta(hours=1))
    services.event_cancel(event_id=event.pk)

    assert services.event_schedule_reconcile(now=now) == []
    assert status_of(event) == "cancelled"


def test_draft_event_is_not_opened_by_the_schedule() -> None:
    now = timezone.now()
    event = EventFactory(starts_at=now - timedelta(seconds=1), ends_at=now + timedelta(hours=1))

    services.event_schedule_reconcile(now=now)

    assert status_of(event) == "draft"


def test_rescheduling_takes_effect_at_once() -> None:
    now = timezone.now()
    event = scheduled(starts_at=now - timedelta(seconds=1), ends_at=now + timedelta(hours=1))
    Event.objects.filter(pk=event.pk).update(
        starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=1)
    )

    assert services.event_schedule_reconcile(now=now) == []
    assert status_of(event) == "scheduled"


@pytest.mark.parametrize(
    ("starts_utc", "before", "at"),
    [
        # 18:00 London on 29 March 2026 (BST from 01:00 UTC that day) is 17:00 UTC.
        (
            datetime(2026, 3, 29, 17, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 16, 59, 59, tzinfo=UTC),
            datetime(2026, 3, 29, 17, 0, tzinfo=UTC),
        ),
        # 18:00 London on 25 October 2026 (GMT again from 01:00 UTC) is 18:00 UTC.
        (
            datetime(2026, 10, 25, 18, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 17, 59, 59, tzinfo=UTC),
            datetime(2026, 10, 25, 18, 0, tzinfo=UTC),
        ),
    ],
)
def test_clock_changes_do_not_shift_an_18_00_london_event(
    starts_utc: datetime, before: datetime, at: datetime
) -> None:
    event = scheduled(starts_at=starts_utc, ends_at=starts_utc + timedelta(hours=1))
    assert timezone.localtime(event.starts_at).strftime("%H:%M") == "18:00"

    assert services.event_schedule_reconcile(now=before) == []
    opened = services.event_schedule_reconcile(now=at)

    assert [c.to_status for c in opened] == ["live"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_opening_the_same_event_at_once_open_it_once() -> None:
    now = timezone.now()
    event = scheduled(starts_at=now - timedelta(seconds=1), ends_at=now + timedelta(hours=1))
    barrier = threading.Barrier(2)
    results: list[bool] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            result = services.event_transition(
                event_id=event.pk, to_status=EventStatus.LIVE, due_at=event.starts_at
            )
            results.append(result.changed)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [False, True]
    assert EventStatusChange.objects.filter(event=event, to_status="live").count() == 1
