import pytest

from events import services
from events.enums import EventStatus
from events.models import Event, EventStatusChange
from events.services import EventTransitionError
from tests.factories import EventFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_event_lifecycle_moves_through_every_allowed_state() -> None:
    event = EventFactory()
    staff = StaffFactory()

    services.event_schedule(event_id=event.pk, actor=staff)
    services.event_open(event_id=event.pk, actor=staff)
    services.event_close(event_id=event.pk)
    services.event_archive(event_id=event.pk)

    event.refresh_from_db()
    assert event.status == EventStatus.ARCHIVED
    history = list(
        EventStatusChange.objects.filter(event=event).values_list(
            "from_status", "to_status", "changed_by"
        )
    )
    assert history == [
        ("draft", "scheduled", staff.pk),
        ("scheduled", "live", staff.pk),
        ("live", "closed", None),
        ("closed", "archived", None),
    ]


def test_event_transition_to_current_status_changes_nothing() -> None:
    event = EventFactory()
    services.event_schedule(event_id=event.pk)

    result = services.event_schedule(event_id=event.pk)

    assert result.changed is False
    assert EventStatusChange.objects.filter(event=event).count() == 1


@pytest.mark.parametrize(
    ("path", "refused", "message"),
    [
        (
            [],
            EventStatus.LIVE,
            '"Demo" cannot be made live because it is draft; '
            "it can only become cancelled, scheduled.",
        ),
        (
            [EventStatus.SCHEDULED, EventStatus.LIVE],
            EventStatus.CANCELLED,
            '"Demo" cannot be made cancelled because it is live; it can only become closed.',
        ),
        (
            [EventStatus.CANCELLED],
            EventStatus.SCHEDULED,
            '"Demo" cannot be made scheduled because it is cancelled; it is final.',
        ),
        (
            [EventStatus.SCHEDULED, EventStatus.LIVE, EventStatus.CLOSED],
            EventStatus.LIVE,
            '"Demo" cannot be made live because it is closed; it can only become archived.',
        ),
    ],
)
def test_event_transition_refuses_moves_outside_the_table(
    path: list[EventStatus], refused: EventStatus, message: str
) -> None:
    event = EventFactory(title="Demo")
    for status in path:
        services.event_transition(event_id=event.pk, to_status=status)

    with pytest.raises(EventTransitionError) as refusal:
        services.event_transition(event_id=event.pk, to_status=refused)

    assert str(refusal.value) == message
    event.refresh_from_db()
    assert event.status == (path[-1] if path else EventStatus.DRAFT)
    assert EventStatusChange.objects.filter(event=event).count() == len(path)


def test_event_transition_records_time_of_change() -> None:
    event = EventFactory()

    result = services.event_schedule(event_id=event.pk)

    stored = Event.objects.get(pk=event.pk)
    assert stored.status_changed_at == result.event.status_changed_at
    assert stored.status_changed_at is not None
