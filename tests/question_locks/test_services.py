"""A question open on a moderator's console: taken by one moderator at a time, and let go on
action, on closing it, when the connection ends, or after a minute."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from chat import services as chat_services
from chat.protocol import ErrorCode
from chat.services import ChatError
from question_locks import selectors, services
from question_locks.models import QuestionLock
from tests.factories import ModeratorFactory
from tests.live import LiveEvent, asked_question, make_live_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(transactional_db: None) -> LiveEvent:
    live = make_live_event()
    live.moderator.full_name = "Ann Moderator"
    live.moderator.save()
    return live


@pytest.fixture
def colleague(live: LiveEvent):
    other = ModeratorFactory(email="bea@example.org", full_name="Bea Colleague")
    live.event.moderators.add(other)
    return other


def _take(live: LiveEvent, question_id: int, user_id: int, connection: uuid.UUID, **kw):
    return services.question_lock_take(
        event_id=live.event.pk,
        question_id=question_id,
        actor_id=user_id,
        connection_id=connection,
        **kw,
    )


def test_take_marks_the_question_open_for_a_minute(live: LiveEvent) -> None:
    question = asked_question(live, "How do I report it?")
    now = timezone.now()

    taken = _take(live, question.pk, live.moderator.pk, uuid.uuid4(), now=now)

    assert (taken.holder_name, taken.expires_at) == ("Ann Moderator", now + timedelta(seconds=60))
    assert selectors.locks_held(event_id=live.event.pk, now=now) == [
        {
            "type": "queue_taken",
            "question_id": question.pk,
            "by_user_id": live.moderator.pk,
            "by": "Ann Moderator",
            "seconds": 60,
        }
    ]


def test_take_of_a_question_open_on_a_colleagues_console_is_refused(
    live: LiveEvent, colleague
) -> None:
    question = asked_question(live)
    _take(live, question.pk, live.moderator.pk, uuid.uuid4())

    with pytest.raises(ChatError) as refused:
        _take(live, question.pk, colleague.pk, uuid.uuid4())

    assert refused.value.code == ErrorCode.CONFLICT
    assert refused.value.message == f"W-{question.pk} is open on Ann Moderator's console."
    assert QuestionLock.objects.get().holder_id == live.moderator.pk


def test_lock_is_over_after_a_minute_and_a_colleague_may_take_it(
    live: LiveEvent, colleague
) -> None:
    question = asked_question(live)
    start = timezone.now()
    _take(live, question.pk, live.moderator.pk, uuid.uuid4(), now=start)
    a_minute_later = start + timedelta(seconds=61)

    assert selectors.locks_held(event_id=live.event.pk, now=a_minute_later) == []
    taken = _take(live, question.pk, colleague.pk, uuid.uuid4(), now=a_minute_later)
    assert taken.holder_id == colleague.pk


def test_taking_again_keeps_it_a_minute_longer(live: LiveEvent, colleague) -> None:
    question = asked_question(live)
    connection = uuid.uuid4()
    start = timezone.now()
    _take(live, question.pk, live.moderator.pk, connection, now=start)

    _take(live, question.pk, live.moderator.pk, connection, now=start + timedelta(seconds=50))

    with pytest.raises(ChatError):
        _take(live, question.pk, colleague.pk, uuid.uuid4(), now=start + timedelta(seconds=70))


def test_closing_it_lets_go_only_for_the_connection_that_holds_it(live: LiveEvent) -> None:
    question = asked_question(live)
    connection = uuid.uuid4()
    _take(live, question.pk, live.moderator.pk, connection)

    assert (
        services.question_lock_release(
            event_id=live.event.pk, question_id=question.pk, connection_id=uuid.uuid4()
        )
        is False
    )
    assert (
        services.question_lock_release(
            event_id=live.event.pk, question_id=question.pk, connection_id=connection
        )
        is True
    )
    assert QuestionLock.objects.count() == 0


def test_opening_another_question_lets_go_of_the_first(live: LiveEvent) -> None:
    first, second = asked_question(live, "First?"), asked_question(live, "Second?")
    connection = uuid.uuid4()
    _take(live, first.pk, live.moderator.pk, connection)

    _take(live, second.pk, live.moderator.pk, connection)

    assert list(QuestionLock.objects.values_list("question_id", flat=True)) == [second.pk]


def test_acting_on_the_question_lets_go(live: LiveEvent, colleague) -> None:
    question = asked_question(live)
    _take(live, question.pk, live.moderator.pk, uuid.uuid4())

    # A colleague may still decide (the lock warns, it does not forbid).
    chat_services.question_reject(question_id=question.pk, actor_id=colleague.pk, reason="No.")

    assert QuestionLock.objects.count() == 0


def test_connection_ending_lets_go_of_what_it_held(live: LiveEvent) -> None:
    first, second = asked_question(live, "First?"), asked_question(live, "Second?")
    mine, other_tab = uuid.uuid4(), uuid.uuid4()
    _take(live, first.pk, live.moderator.pk, mine)
    _take(live, second.pk, live.moderator.pk, other_tab)

    released = services.question_locks_release_connection(connection_id=mine)

    assert released == [first.pk]
    assert list(QuestionLock.objects.values_list("question_id", flat=True)) == [second.pk]


def test_take_by_a_panellist_or_of_a_decided_question_is_refused(live: LiveEvent) -> None:
    question = asked_question(live)
    with pytest.raises(ChatError) as refused:
        _take(live, question.pk, live.panellist_user.pk, uuid.uuid4())
    assert refused.value.code == ErrorCode.NOT_ALLOWED

    chat_services.question_approve(question_id=question.pk, actor_id=live.moderator.pk)
    with pytest.raises(ChatError) as gone:
        _take(live, question.pk, live.moderator.pk, uuid.uuid4())
    assert gone.value.code == ErrorCode.NOT_FOUND
    assert QuestionLock.objects.count() == 0
