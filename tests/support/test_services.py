"""The private lane's rules: ways in, claiming, hand-over, outcomes, the at-risk rule, the
time after the close, retention and the record of readings."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection

from accounts.models import User
from chat.enums import QuestionState
from chat.models import Question
from chat.protocol import ErrorCode
from chat.services import ChatError
from events import services as event_services
from support import selectors, services
from support.enums import ConversationState, EndedBy, Origin, Outcome, Sender
from support.models import Conversation, Message, Reading
from tests.factories import CrisisWorkerFactory
from tests.live import LiveEvent, asked_question, guest_asks, make_live_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lane() -> tuple[LiveEvent, User, User]:
    """A live webchat with two crisis workers, the first on duty."""
    live = make_live_event()
    first = CrisisWorkerFactory(email="worker@example.org", full_name="Priya Shah")
    second = CrisisWorkerFactory(email="second@example.org", full_name="Tom Reid")
    live.event.crisis_workers.add(first, second)
    services.duty_start(event_id=live.event.pk, actor_id=first.pk)
    return live, first, second


def person(live: LiveEvent) -> services.Person:
    return services.Person(event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4())


def test_person_asks_to_talk_and_is_in_the_queue(lane: tuple[LiveEvent, User, User]) -> None:
    live, _, _ = lane
    conversation = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    assert conversation.origin == Origin.SELF
    assert conversation.state == ConversationState.WAITING
    assert selectors.queue(event_id=live.event.pk) == [conversation]
    # It may go on for an hour after the webchat's end, by default.
    assert conversation.closes_at == live.event.ends_at + timedelta(minutes=60)


def test_asking_again_finds_the_same_conversation(lane: tuple[LiveEvent, User, User]) -> None:
    live, _, _ = lane
    someone = person(live)
    first = services.conversation_open(person=someone, client_id=str(uuid.uuid4()))
    again = services.conversation_open(person=someone, client_id=str(uuid.uuid4()))
    assert again.pk == first.pk
    assert Conversation.objects.count() == 1


def test_nobody_on_duty_is_said_at_once_with_the_help_numbers(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, worker, _ = lane
    services.duty_end(event_id=live.event.pk, actor_id=worker.pk)
    with pytest.raises(ChatError) as refused:
        services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    assert refused.value.code == ErrorCode.NO_CRISIS_WORKER
    assert "999" in refused.value.message and "116 123" in refused.value.message
    assert Conversation.objects.count() == 0


def test_offered_after_triage_ranks_above_asked_for(
    lane: tuple[LiveEvent, User, User], default_phrases: None
) -> None:
    live, _, _ = lane
    asked_for = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    outcome = guest_asks(live, "hes outside the door now and says hes going to kill me")
    assert outcome.help_now
    question = Question.objects.get(pk=outcome.question["question_id"])
    assert question.participant is not None
    asker = services.Person(
        event_id=live.event.pk, user_id=None, guest_token=question.participant.guest_token
    )
    flagged = services.conversation_open(
        person=asker, client_id=str(uuid.uuid4()), question_id=question.pk
    )
    assert flagged.origin == Origin.TRIAGE
    assert [c.pk for c in selectors.queue(event_id=live.event.pk)] == [flagged.pk, asked_for.pk]
    # Its first message is the question, which the worker reads.
    assert list(flagged.messages.values_list("sender", "body")) == [(Sender.PERSON, question.body)]


def test_a_person_cannot_open_with_someone_elses_question(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, _, _ = lane
    question = asked_question(live, "Someone else's question")
    with pytest.raises(ChatError) as refused:
        services.conversation_open(
            person=person(live), client_id=str(uuid.uuid4()), question_id=question.pk
        )
    assert refused.value.code == ErrorCode.NOT_FOUND


def test_moderator_passes_a_question_out_of_the_public_queue(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, _, _ = lane
    question = asked_question(live, "Can someone talk to me about my neighbour, not in public")
    conversation_id = services.question_pass_to_crisis_worker(
        event_id=live.event.pk, question_id=question.pk, actor_id=live.moderator.pk
    )
    question.refresh_from_db()
    assert question.state == QuestionState.PASSED
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.origin == Origin.MODERATOR
    assert conversation.participant_id == question.participant_id
    assert [m.sender for m in conversation.messages.all()] == [Sender.PERSON, Sender.NOTICE]
    # It can never be published afterwards.
    with pytest.raises(ChatError):
        from chat.services import question_approve

        question_approve(question_id=question.pk, actor_id=live.moderator.pk)


def test_only_a_moderator_may_pass(lane: tuple[LiveEvent, User, User]) -> None:
    live, worker, _ = lane
    question = asked_question(live)
    for actor in (worker, live.panellist_user):
        with pytest.raises(ChatError) as refused:
            services.question_pass_to_crisis_worker(
                event_id=live.event.pk, question_id=question.pk, actor_id=actor.pk
            )
        assert refused.value.code == ErrorCode.NOT_ALLOWED
    question.refresh_from_db()
    assert question.state == QuestionState.PENDING


def test_take_the_next_most_urgent_then_the_other_worker_is_told(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, first, second = lane
    older = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    newer = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    services.conversation_mark_risk(
        event_id=live.event.pk, actor_id=first.pk, conversation_id=newer.pk, at_risk=True
    )
    taken = services.conversation_claim(event_id=live.event.pk, actor_id=first.pk)
    assert taken.pk == newer.pk  # at risk comes first
    with pytest.raises(ChatError) as refused:
        services.conversation_claim(
            event_id=live.event.pk, actor_id=second.pk, conversation_id=newer.pk
        )
    assert refused.value.code == ErrorCode.CONFLICT
    assert "Priya Shah" in refused.value.message
    assert services.conversation_claim(event_id=live.event.pk, actor_id=second.pk).pk == older.pk


def test_two_workers_racing_for_one_conversation_one_wins(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, first, second = lane
    conversation = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(worker: User) -> None:
        barrier.wait()
        try:
            services.conversation_claim(
                event_id=live.event.pk, actor_id=worker.pk, conversation_id=conversation.pk
            )
            outcomes.append("won")
        except ChatError as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(w,)) for w in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [ErrorCode.CONFLICT, "won"]


def test_messages_are_numbered_and_stored_once(lane: tuple[LiveEvent, User, User]) -> None:
    live, worker, _ = lane
    someone = person(live)
    conversation = services.conversation_open(person=someone, client_id=str(uuid.uuid4()))
    services.conversation_claim(event_id=live.event.pk, actor_id=worker.pk)
    client_id = str(uuid.uuid4())
    first = services.person_says(
        person=someone, conversation_id=conversation.pk, client_id=client_id, body="help"
    )
    retried = services.person_says(
        person=someone, conversation_id=conversation.pk, client_id=client_id, body="help"
    )
    assert retried.pk == first.pk
    reply = services.worker_says(
        event_id=live.event.pk,
        actor_id=worker.pk,
        conversation_id=conversation.pk,
        client_id=str(uuid.uuid4()),
        body="I am here. Are you safe to talk?",
    )
    assert [m.seq for m in Message.objects.filter(conversation=conversation)] == [1, 2, 3]
    conversation.refresh_from_db()
    assert conversation.first_reply_at == reply.sent_at
    assert reply.author_label == "Priya Shah, Crisis worker"


def test_a_worker_who_does_not_hold_it_cannot_reply(lane: tuple[LiveEvent, User, User]) -> None:
    live, first, second = lane
    conversation = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    services.conversation_claim(event_id=live.event.pk, actor_id=first.pk)
    with pytest.raises(ChatError) as refused:
        services.worker_says(
            event_id=live.event.pk,
            actor_id=second.pk,
            conversation_id=conversation.pk,
            client_id=str(uuid.uuid4()),
            body="hello",
        )
    assert refused.value.code == ErrorCode.NOT_ALLOWED


def test_hand_over_gives_it_to_another_worker(lane: tuple[LiveEvent, User, User]) -> None:
    live, first, second = lane
    conversation = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    services.conversation_claim(event_id=live.event.pk, actor_id=first.pk)
    services.conversation_hand_over(
        event_id=live.event.pk,
        actor_id=first.pk,
        conversation_id=conversation.pk,
        to_user_id=second.pk,
    )
    conversation.refresh_from_db()
    assert conversation.worker_id == second.pk
    assert conversation.messages.last().body == "Tom Reid, Crisis worker is now talking with you."
    # And not to someone who is no crisis worker here.
    with pytest.raises(ChatError):
        services.conversation_hand_over(
            event_id=live.event.pk,
            actor_id=second.pk,
            conversation_id=conversation.pk,
            to_user_id=live.moderator.pk,
        )


def test_the_lead_takes_over_and_alone_ends_one_at_risk(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, first, _ = lane
    lead = CrisisWorkerFactory(email="lead@example.org", full_name="Ade Lead")
    live.event.safeguarding_lead = lead
    live.event.save()
    conversation = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    services.conversation_claim(event_id=live.event.pk, actor_id=first.pk)
    services.conversation_mark_risk(
        event_id=live.event.pk, actor_id=first.pk, conversation_id=conversation.pk, at_risk=True
    )
    with pytest.raises(ChatError) as refused:
        services.conversation_end(
            event_id=live.event.pk,
            actor_id=first.pk,
            conversation_id=conversation.pk,
            outcome=Outcome.ADVICE_GIVEN,
        )
    assert "safeguarding lead" in refused.value.message
    services.conversation_hand_over(
        event_id=live.event.pk,
        actor_id=lead.pk,
        conversation_id=conversation.pk,
        to_user_id=lead.pk,
    )
    with pytest.raises(ChatError):
        services.conversation_end(
            event_id=live.event.pk,
            actor_id=lead.pk,
            conversation_id=conversation.pk,
            outcome="",
        )
    ended = services.conversation_end(
        event_id=live.event.pk,
        actor_id=lead.pk,
        conversation_id=conversation.pk,
        outcome=Outcome.TOLD_TO_CALL_999,
    )
    assert (ended.state, ended.outcome, ended.ended_by) == (
        ConversationState.ENDED,
        Outcome.TOLD_TO_CALL_999,
        EndedBy.WORKER,
    )


def test_the_person_leaves_and_the_worker_records_the_outcome(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, worker, _ = lane
    someone = person(live)
    conversation = services.conversation_open(person=someone, client_id=str(uuid.uuid4()))
    services.conversation_claim(event_id=live.event.pk, actor_id=worker.pk)
    services.person_leaves(person=someone, conversation_id=conversation.pk)
    assert selectors.ended_needing_outcome(event_id=live.event.pk) == [conversation]
    services.conversation_end(
        event_id=live.event.pk,
        actor_id=worker.pk,
        conversation_id=conversation.pk,
        outcome=Outcome.PERSON_LEFT,
    )
    assert selectors.ended_needing_outcome(event_id=live.event.pk) == []
    with pytest.raises(ChatError) as refused:
        services.person_says(
            person=someone,
            conversation_id=conversation.pk,
            client_id=str(uuid.uuid4()),
            body="are you there",
        )
    assert refused.value.code == ErrorCode.CONFLICT


def test_the_conversation_outlives_the_webchat_until_its_end_time(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, worker, _ = lane
    someone = person(live)
    conversation = services.conversation_open(person=someone, client_id=str(uuid.uuid4()))
    services.conversation_claim(event_id=live.event.pk, actor_id=worker.pk)
    event_services.event_close(event_id=live.event.pk)
    assert services.conversations_end_due() == 0
    services.person_says(
        person=someone,
        conversation_id=conversation.pk,
        client_id=str(uuid.uuid4()),
        body="still here after the webchat closed",
    )
    assert services.conversations_end_due(now=conversation.closes_at + timedelta(seconds=1)) == 1
    conversation.refresh_from_db()
    assert (conversation.state, conversation.ended_by) == (ConversationState.ENDED, EndedBy.TIME)


def test_one_at_risk_is_never_ended_by_the_clock(lane: tuple[LiveEvent, User, User]) -> None:
    live, worker, _ = lane
    conversation = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    services.conversation_claim(event_id=live.event.pk, actor_id=worker.pk)
    services.conversation_mark_risk(
        event_id=live.event.pk, actor_id=worker.pk, conversation_id=conversation.pk, at_risk=True
    )
    assert services.conversations_end_due(now=conversation.closes_at + timedelta(hours=5)) == 0
    conversation.refresh_from_db()
    assert conversation.state == ConversationState.HELD


def test_retention_deletes_the_words_and_keeps_the_counts(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, worker, _ = lane
    question = asked_question(live, "please someone help me privately")
    conversation_id = services.question_pass_to_crisis_worker(
        event_id=live.event.pk, question_id=question.pk, actor_id=live.moderator.pk
    )
    services.conversation_claim(event_id=live.event.pk, actor_id=worker.pk)
    ended = services.conversation_end(
        event_id=live.event.pk,
        actor_id=worker.pk,
        conversation_id=conversation_id,
        outcome=Outcome.REFERRED,
    )
    services.reading_record(conversation_id=ended.pk, reader_id=worker.pk, place="console")
    assert services.conversations_content_purge(now=ended.ended_at + timedelta(days=29)) == 0
    assert services.conversations_content_purge(now=ended.ended_at + timedelta(days=30)) == 1
    assert Message.objects.filter(conversation_id=conversation_id).count() == 0
    assert not Question.objects.filter(pk=question.pk).exists()
    figures = selectors.lane_figures(event=live.event)
    assert figures.conversations == 1
    assert figures.by_outcome["Referred to a service"] == 1
    # Who read it stays on record.
    assert list(Reading.objects.values_list("reader_email", "place")) == [
        ("worker@example.org", "console")
    ]


def test_rights_are_per_event(lane: tuple[LiveEvent, User, User]) -> None:
    live, worker, _ = lane
    other = make_live_event("other-chat")
    stranger = CrisisWorkerFactory(email="elsewhere@example.org")
    other.event.crisis_workers.add(stranger)
    conversation = services.conversation_open(person=person(live), client_id=str(uuid.uuid4()))
    with pytest.raises(ChatError) as refused:
        services.conversation_claim(
            event_id=live.event.pk, actor_id=stranger.pk, conversation_id=conversation.pk
        )
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    assert (
        selectors.workers_conversation(actor_id=stranger.pk, conversation_id=conversation.pk)
        is None
    )
    assert (
        selectors.workers_conversation(actor_id=live.moderator.pk, conversation_id=conversation.pk)
        is None
    )
    assert (
        selectors.workers_conversation(actor_id=worker.pk, conversation_id=conversation.pk)
        == conversation
    )


def test_the_asker_of_a_passed_question_is_told_who_will_reply(
    lane: tuple[LiveEvent, User, User],
) -> None:
    live, _, _ = lane
    question = asked_question(live, "Can I speak to someone on my own?")
    conversation_id = services.question_pass_to_crisis_worker(
        event_id=live.event.pk, question_id=question.pk, actor_id=live.moderator.pk
    )
    notice = Message.objects.filter(conversation_id=conversation_id, sender=Sender.NOTICE).get()
    assert "Priya Shah, Crisis worker will reply to you here, privately" in notice.body
    assert "999" in notice.body
