"""The staff room's writes and reads: numbered per event, stored once, bounded, rate-limited,
for the event's staff only; references to questions linked; kept like the audit trail."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import Settings

from accounts.models import User
from chat import services as chat_services
from chat.protocol import ErrorCode
from chat.retention import personal_data_purge
from chat.services import ChatError
from events.models import Event
from staffroom import references, selectors
from staffroom.models import StaffMessage
from staffroom.services import staff_message_post
from tests.factories import (
    CrisisWorkerFactory,
    EventFactory,
    ModeratorFactory,
    ReviewerFactory,
    UserFactory,
)
from tests.live import LiveEvent, asked_question, make_live_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(db: None) -> LiveEvent:
    return make_live_event()


def post(event: Event, user: User, body: str, client_id: str | None = None) -> StaffMessage:
    return staff_message_post(
        event_id=event.pk, actor_id=user.pk, client_id=client_id or str(uuid.uuid4()), body=body
    )


def test_messages_are_numbered_per_event_with_their_authors_roles(live: LiveEvent) -> None:
    first = post(live.event, live.moderator, "  Lots on bail conditions tonight.  ")
    second = post(live.event, live.panellist_user, "I can take those.")
    other = make_live_event("other-chat")
    elsewhere = post(other.event, other.moderator, "Quiet here.")
    assert (first.seq, second.seq, elsewhere.seq) == (1, 2, 1)
    assert first.body == "Lots on bail conditions tonight."
    assert first.author_roles == "Moderator"
    assert second.author_roles == "Panellist (Mencap)"
    assert [m.seq for m in selectors.messages_after(event_id=live.event.pk, after=0)] == [1, 2]


def test_a_retried_message_is_stored_once(live: LiveEvent) -> None:
    client_id = str(uuid.uuid4())
    first = post(live.event, live.moderator, "Take #1 next", client_id)
    again = post(live.event, live.moderator, "Take #1 next", client_id)
    assert again.pk == first.pk
    assert StaffMessage.objects.filter(event=live.event).count() == 1


def test_reviewers_and_crisis_workers_of_the_event_are_staff(live: LiveEvent) -> None:
    reviewer = ReviewerFactory()
    live.event.reviewers.add(reviewer)
    worker = CrisisWorkerFactory(full_name="Priya Shah")
    live.event.crisis_workers.add(worker)
    assert post(live.event, reviewer, "Checking #2 with CPS").author_roles == "Reviewer"
    assert post(live.event, worker, "On duty").author_roles == "Crisis worker"


def test_the_public_and_staff_of_another_event_are_refused(live: LiveEvent) -> None:
    member_of_public = UserFactory()
    other_event = EventFactory(slug="another")
    their_moderator = ModeratorFactory()
    other_event.moderators.add(their_moderator)
    for outsider in (member_of_public, their_moderator):
        with pytest.raises(ChatError) as refused:
            post(live.event, outsider, "let me in")
        assert refused.value.code == ErrorCode.NOT_ALLOWED
    assert not StaffMessage.objects.exists()


def test_a_moderator_without_two_step_sign_in_is_refused(live: LiveEvent) -> None:
    live.moderator.authenticator_set.all().delete()
    with pytest.raises(ChatError) as refused:
        post(live.event, live.moderator, "hello")
    assert refused.value.code == ErrorCode.NOT_ALLOWED


@pytest.mark.parametrize(
    ("body", "code"),
    [("   ", ErrorCode.INVALID), ("x" * 2001, ErrorCode.TOO_LONG), ("a\x00b", ErrorCode.INVALID)],
)
def test_empty_long_or_unstorable_messages_are_refused(
    live: LiveEvent, body: str, code: ErrorCode
) -> None:
    with pytest.raises(ChatError) as refused:
        post(live.event, live.moderator, body)
    assert refused.value.code == code
    assert not StaffMessage.objects.exists()


def test_messages_are_rate_limited_per_person(live: LiveEvent, settings: Settings) -> None:
    settings.STAFFROOM_MESSAGES_PER_MINUTE = 3
    for number in range(3):
        post(live.event, live.moderator, f"message {number}")
    with pytest.raises(ChatError) as refused:
        post(live.event, live.moderator, "one too many")
    assert refused.value.code == ErrorCode.RATE_LIMITED
    assert "At most 3 staff room messages a minute" in refused.value.message
    # Someone else is not held back by it.
    assert post(live.event, live.panellist_user, "still here").seq == 4


def test_references_link_this_events_questions_only(live: LiveEvent) -> None:
    waiting = asked_question(live, "Can I report online?")
    published = asked_question(live, "What is a hate incident?")
    chat_services.question_approve(
        event_id=live.event.pk, question_id=published.pk, actor_id=live.moderator.pk
    )
    published.refresh_from_db()
    other = make_live_event("other-chat")
    theirs = asked_question(other, "Elsewhere")
    body = f"W-{waiting.pk} is like #{published.number}; not W-{theirs.pk}, #99 or abc#1"
    links = references.resolve(event_id=live.event.pk, slug="live-chat", bodies=[body])
    seq = published.feed_items.get().seq
    assert set(links) == {f"W-{waiting.pk}", f"#{published.number}"}
    assert links[f"W-{waiting.pk}"] == references.QuestionLink(
        question_id=waiting.pk,
        moderator=f"/events/live-chat/moderate/#queue-{waiting.pk}",
        panellist=None,
        public=None,
    )
    assert links[f"#{published.number}"] == references.QuestionLink(
        question_id=published.pk,
        moderator=f"/events/live-chat/moderate/#item-{seq}",
        panellist=f"/events/live-chat/panel/#question-{published.pk}",
        public=f"/events/live-chat/live/#item-{seq}",
    )
    parts = references.parts(body, links)
    assert "".join(str(part["text"]) for part in parts) == body
    assert [part["text"] for part in parts if "links" in part] == [
        f"W-{waiting.pk}",
        f"#{published.number}",
    ]


def test_messages_outlive_the_personal_data_purge_and_their_authors_account(
    live: LiveEvent,
) -> None:
    post(live.event, live.moderator, "Keep an eye on W-1")
    Event.objects.filter(pk=live.event.pk).update(
        starts_at=timezone.now() - timedelta(days=400), ends_at=timezone.now() - timedelta(days=399)
    )
    personal_data_purge()
    live.moderator.delete()
    kept = StaffMessage.objects.get(event=live.event)
    assert kept.body == "Keep an eye on W-1"
    assert kept.author is None
    assert kept.author_email == live.moderator.email
    assert kept.author_name
