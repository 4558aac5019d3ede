"""Writes for the private lane: a person and the event's crisis workers.

Every change locks the conversation row, happens in one transaction, and reaches the person's
tabs (their participant's group) and the event's crisis workers (the support group) only
after commit. Rights are read from the database on every call (events.roles): a crisis worker
at one event has none at another.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from chat.enums import QuestionState
from chat.models import Question
from chat.protocol import ErrorCode
from chat.ratelimit import allow
from chat.services import ChatError, lock_question, participant_for, question_transition
from events.enums import EventStatus
from events.models import Event
from events.roles import EventRoles, event_roles
from realtime.broadcast import send_frame_on_commit, send_now
from realtime.groups import participant_group, support_group
from support import frames, selectors
from support.enums import (
    CONVERSATION_TRANSITIONS,
    ConversationState,
    EndedBy,
    Origin,
    Outcome,
    Sender,
)
from support.models import Conversation, Duty, Message, Reading

NO_WORKER_MESSAGE = gettext_noop(
    "No crisis worker is on duty at this webchat right now, so nobody can reply to you here. "
    "If you are in danger now, call 999. If you cannot speak, call 999 and press 55 when asked. "
    "You can call Samaritans free on 116 123, any time, or the National Domestic Abuse "
    "Helpline free on 0808 2000 247, any time."
)
# The same help, said when the lane is closed (one text, so a page can show it translated).
LANE_CLOSED_MESSAGE = gettext_noop(
    "You can ask to talk privately while the webchat is open. No crisis worker is on duty at "
    "this webchat right now, so nobody can reply to you here. If you are in danger now, call "
    "999. If you cannot speak, call 999 and press 55 when asked. You can call Samaritans free "
    "on 116 123, any time, or the National Domestic Abuse Helpline free on 0808 2000 247, any "
    "time."
)


@dataclass(frozen=True)
class Person:
    """Who is asking, as the live chat knows them: a signed-in user or a guest's token."""

    event_id: int
    user_id: int | None
    guest_token: uuid.UUID | None


def _roles(event: Event, user_id: int) -> EventRoles:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return event_roles(user=user, event=event)


def _not_allowed() -> ChatError:
    return ChatError(ErrorCode.NOT_ALLOWED, "You cannot do that in this webchat.")


def _worker(event: Event, actor_id: int) -> tuple[User, EventRoles]:
    roles = _roles(event, actor_id)
    if not roles.in_support_lane:
        raise _not_allowed()
    return User.objects.get(pk=actor_id), roles


def _lock(conversation_id: int, event_id: int) -> Conversation:
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("event", "worker")
        .filter(pk=conversation_id, event_id=event_id)
        .first()
    )
    if conversation is None:
        raise ChatError(ErrorCode.NOT_FOUND, "No such conversation at this webchat.")
    return conversation


def _lane_open(event: Event) -> bool:
    """A conversation can begin while the webchat takes questions or is live."""
    return event.status == EventStatus.LIVE or event.accepts_questions()


def _announce(conversation: Conversation) -> None:
    """After commit: the person's tabs get the conversation's state, the workers their queue."""
    if conversation.participant_id is not None:
        person_frame = frames.conversation_for_person(conversation)
        send_frame_on_commit(participant_group(conversation.participant_id), person_frame)
    send_frame_on_commit(support_group(conversation.event_id), frames.queue_changed(conversation))


def _add_message(
    conversation: Conversation,
    *,
    sender: Sender,
    body: str,
    author: User | None = None,
    client_id: uuid.UUID | None = None,
) -> Message:
    """The next message, numbered under the conversation's lock (no gaps), sent after
    commit to both sides."""
    conversation.last_seq += 1
    conversation.save(update_fields=["last_seq"])
    message = Message.objects.create(
        conversation=conversation,
        seq=conversation.last_seq,
        sender=sender,
        author=author,
        author_label=selectors.worker_label(author) if sender == Sender.WORKER and author else "",
        client_id=client_id,
        body=body,
        sent_at=timezone.now(),
    )
    if conversation.participant_id is not None:
        send_frame_on_commit(
            participant_group(conversation.participant_id),
            frames.message(message, for_person=True),
        )
    send_frame_on_commit(
        support_group(conversation.event_id), frames.message(message, for_person=False)
    )
    return message


def _transition(
    conversation: Conversation, to_state: ConversationState, *, fields: dict[str, object]
) -> None:
    """The one place a conversation's state changes (refused unless the table allows it)."""
    if to_state not in CONVERSATION_TRANSITIONS[conversation.state]:
        raise ChatError(ErrorCode.CONFLICT, "This conversation has already ended.")
    conversation.state = to_state
    for name, value in fields.items():
        setattr(conversation, name, value)
    conversation.save(update_fields=["state", *fields])


def _closes_at(event: Event) -> datetime:
    return event.ends_at + timedelta(minutes=settings.SUPPORT_AFTER_CLOSE_MINUTES)


# --- duty -------------------------------------------------------------------------------


def duty_start(*, event_id: int, actor_id: int) -> bool:
    event = Event.objects.get(pk=event_id)
    worker, _ = _worker(event, actor_id)
    _, created = Duty.objects.get_or_create(event=event, worker=worker)
    if created:
        transaction.on_commit(lambda: _lane_changed(event_id))
    return created


def duty_end(*, event_id: int, actor_id: int) -> bool:
    deleted, _ = Duty.objects.filter(event_id=event_id, worker_id=actor_id).delete()
    if deleted:
        transaction.on_commit(lambda: _lane_changed(event_id))
    return bool(deleted)


def _lane_changed(event_id: int) -> None:
    """Who is on duty changed: crisis workers' consoles refresh (the person's pane asks)."""
    send_now(support_group(event_id), {"type": "private.frame", "frame": frames.duty_changed()})


# --- the person ---------------------------------------------------------------------------


def conversation_open(
    *,
    person: Person,
    client_id: str,
    question_id: int | None = None,
    network: str = "",
) -> Conversation:
    """The person asks to talk privately (from the live page, or from the help they were
    offered after triage flagged their question). Their open conversation, if they have
    one, is returned as it is: one per person and event."""
    client_uuid = uuid.UUID(client_id)
    with transaction.atomic():
        # No lock on the event: one open conversation per person is a database constraint.
        event = Event.objects.get(pk=person.event_id)
        participant = participant_for(
            event_id=person.event_id, user_id=person.user_id, guest_token=person.guest_token
        )
        existing = selectors.open_conversation_of(participant_id=participant.pk)
        if existing is not None:
            return existing
        if not _lane_open(event):
            raise ChatError(
                ErrorCode.EVENT_NOT_OPEN,
                LANE_CLOSED_MESSAGE,
            )
        if not selectors.workers_on_duty(event_id=event.pk):
            raise ChatError(ErrorCode.NO_CRISIS_WORKER, NO_WORKER_MESSAGE)
        if network and not allow(
            f"support-open:{event.pk}:{network}",
            limit=settings.SUPPORT_OPENS_PER_NETWORK,
            window_seconds=3600,
        ):
            raise ChatError(
                ErrorCode.RATE_LIMITED,
                gettext_noop(
                    "Too many requests to talk privately from this network. If you are in "
                    "danger now, call 999."
                ),
            )
        question = None
        origin = Origin.SELF
        if question_id is not None:
            question = Question.objects.filter(
                pk=question_id, event_id=event.pk, participant_id=participant.pk
            ).first()
            if question is None:
                raise ChatError(ErrorCode.NOT_FOUND, "No such question of yours at this webchat.")
            origin = Origin.TRIAGE if question.is_urgent else Origin.SELF
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    event=event,
                    participant=participant,
                    client_id=client_uuid,
                    origin=origin,
                    question=question,
                    opened_at=timezone.now(),
                    closes_at=_closes_at(event),
                )
        except IntegrityError:
            # The same request again (its client_id), or another tab's at the same moment.
            conversation = Conversation.objects.get(
                event=event, participant=participant, state__in=selectors.OPEN_STATES
            )
            return conversation
        if question is not None:
            _add_message(conversation, sender=Sender.PERSON, body=question.body)
        _announce(conversation)
        return conversation


def _persons_conversation(person: Person, conversation_id: int) -> Conversation:
    participant = selectors.participant_of(
        event_id=person.event_id, user_id=person.user_id, guest_token=person.guest_token
    )
    conversation = _lock(conversation_id, person.event_id)
    if participant is None or conversation.participant_id != participant.pk:
        raise ChatError(ErrorCode.NOT_FOUND, "No such conversation at this webchat.")
    return conversation


def person_says(*, person: Person, conversation_id: int, client_id: str, body: str) -> Message:
    """A message from the person: stored once (its client_id), then sent to both sides."""
    body = body.strip()
    if not body:
        raise ChatError(ErrorCode.INVALID, gettext_noop("Write a message first."))
    with transaction.atomic():
        conversation = _persons_conversation(person, conversation_id)
        client_uuid = uuid.UUID(client_id)
        already = conversation.messages.filter(client_id=client_uuid).first()
        if already is not None:
            return already
        if conversation.state == ConversationState.ENDED:
            raise ChatError(
                ErrorCode.CONFLICT,
                gettext_noop(
                    "This conversation has ended, so nobody will read that. You can ask to talk "
                    "privately again. If you are in danger now, call 999."
                ),
            )
        return _add_message(conversation, sender=Sender.PERSON, body=body, client_id=client_uuid)


def person_leaves(
    *, person: Person, conversation_id: int | None = None, ended_by: EndedBy = EndedBy.PERSON
) -> Conversation | None:
    """The person ends their conversation (or their open one, when none is named): "End
    this conversation", "Exit this page" or "Forget my questions on this device". The crisis
    workers see that they left; the outcome is theirs to record."""
    with transaction.atomic():
        if conversation_id is None:
            participant = selectors.participant_of(
                event_id=person.event_id, user_id=person.user_id, guest_token=person.guest_token
            )
            if participant is None:
                return None
            found = selectors.open_conversation_of(participant_id=participant.pk)
            if found is None:
                return None
            conversation_id = found.pk
        conversation = _persons_conversation(person, conversation_id)
        if conversation.state == ConversationState.ENDED:
            return conversation
        _transition(
            conversation,
            ConversationState.ENDED,
            fields={"ended_at": timezone.now(), "ended_by": ended_by},
        )
        _add_message(conversation, sender=Sender.NOTICE, body=frames.PERSON_LEFT_NOTICE)
        _announce(conversation)
        return conversation


# --- the moderator ------------------------------------------------------------------------


def question_pass_to_crisis_worker(*, event_id: int, question_id: int, actor_id: int) -> int:
    """A waiting question leaves the public queue unpublished and begins (or joins) its
    asker's private conversation; the asker is told privately what happened."""
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        roles = _roles(event, actor_id)
        if not roles.is_moderator:
            raise _not_allowed()
        on_duty = selectors.workers_on_duty(event_id=event_id)
        if not on_duty:
            raise ChatError(
                ErrorCode.NO_CRISIS_WORKER,
                "No crisis worker is on duty at this webchat: the question stays in the queue.",
            )
        question = lock_question(question_id, event_id)
        if question.participant_id is None:
            raise ChatError(ErrorCode.CONFLICT, "This question's asker has gone.")
        question_transition(question, QuestionState.PASSED, actor=User.objects.get(pk=actor_id))
        conversation = selectors.open_conversation_of(participant_id=question.participant_id)
        if conversation is None:
            conversation = Conversation.objects.create(
                event=event,
                participant_id=question.participant_id,
                origin=Origin.TRIAGE if question.is_urgent else Origin.MODERATOR,
                question=question,
                opened_at=timezone.now(),
                closes_at=_closes_at(event),
            )
        else:
            conversation = _lock(conversation.pk, event_id)
        _add_message(conversation, sender=Sender.PERSON, body=question.body)
        _add_message(conversation, sender=Sender.NOTICE, body=frames.passed_notice(on_duty))
        _announce(conversation)
        return conversation.pk


# --- crisis workers -----------------------------------------------------------------------


def conversation_claim(
    *, event_id: int, actor_id: int, conversation_id: int | None = None
) -> Conversation:
    """Take a waiting conversation (or, with none named, the most urgent one waiting).
    Two workers racing: the row lock lets one win; the other is told who has it."""
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        worker, _ = _worker(event, actor_id)
        if conversation_id is None:
            waiting = selectors.queue(event_id=event_id, states=[ConversationState.WAITING])
            if not waiting:
                raise ChatError(ErrorCode.NOT_FOUND, "Nobody is waiting.")
            conversation_id = waiting[0].pk
        conversation = _lock(conversation_id, event_id)
        if conversation.state != ConversationState.WAITING:
            holder = selectors.worker_label(conversation.worker) if conversation.worker else None
            raise ChatError(
                ErrorCode.CONFLICT,
                f"{holder} has already taken this conversation."
                if holder and conversation.state == ConversationState.HELD
                else "This conversation is no longer waiting.",
            )
        _transition(conversation, ConversationState.HELD, fields={"worker": worker})
        _add_message(
            conversation,
            sender=Sender.NOTICE,
            body=frames.joined_notice(selectors.worker_label(worker)),
        )
        _announce(conversation)
        return conversation


def _held_or_lead(conversation: Conversation, actor_id: int, roles: EventRoles) -> None:
    if conversation.worker_id != actor_id and not roles.is_safeguarding_lead:
        raise ChatError(
            ErrorCode.NOT_ALLOWED,
            "Only the crisis worker who has this conversation (or the safeguarding lead) "
            "can do that.",
        )


def worker_says(
    *, event_id: int, actor_id: int, conversation_id: int, client_id: str, body: str
) -> Message:
    body = body.strip()
    if not body:
        raise ChatError(ErrorCode.INVALID, "Write a message first.")
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        worker, roles = _worker(event, actor_id)
        conversation = _lock(conversation_id, event_id)
        client_uuid = uuid.UUID(client_id)
        already = conversation.messages.filter(client_id=client_uuid).first()
        if already is not None:
            return already
        if conversation.state == ConversationState.ENDED:
            raise ChatError(ErrorCode.CONFLICT, "This conversation has ended.")
        if conversation.state == ConversationState.WAITING:
            raise ChatError(ErrorCode.CONFLICT, "Take this conversation before replying.")
        _held_or_lead(conversation, actor_id, roles)
        message = _add_message(
            conversation, sender=Sender.WORKER, body=body, author=worker, client_id=client_uuid
        )
        if conversation.first_reply_at is None:
            conversation.first_reply_at = message.sent_at
            conversation.save(update_fields=["first_reply_at"])
            _announce(conversation)
        return message


def conversation_hand_over(
    *, event_id: int, actor_id: int, conversation_id: int, to_user_id: int
) -> Conversation:
    """Give a held conversation to another crisis worker (or the lead); the lead may also
    take one over (`to_user_id` their own)."""
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        _, roles = _worker(event, actor_id)
        conversation = _lock(conversation_id, event_id)
        if conversation.state == ConversationState.ENDED:
            raise ChatError(ErrorCode.CONFLICT, "This conversation has ended.")
        taking_over = to_user_id == actor_id and roles.is_safeguarding_lead
        if not taking_over:
            _held_or_lead(conversation, actor_id, roles)
        receiver = User.objects.filter(pk=to_user_id, is_active=True).first()
        if receiver is None or not event_roles(user=receiver, event=event).in_support_lane:
            raise ChatError(ErrorCode.INVALID, "Hand it to a crisis worker of this webchat.")
        if conversation.worker_id == receiver.pk:
            return conversation
        _transition(conversation, ConversationState.HELD, fields={"worker": receiver})
        _add_message(
            conversation,
            sender=Sender.NOTICE,
            body=frames.joined_notice(selectors.worker_label(receiver)),
        )
        _announce(conversation)
        return conversation


def conversation_mark_risk(
    *, event_id: int, actor_id: int, conversation_id: int, at_risk: bool
) -> Conversation:
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        _, roles = _worker(event, actor_id)
        conversation = _lock(conversation_id, event_id)
        # Any crisis worker may raise a waiting one to the top of the queue.
        if conversation.state != ConversationState.WAITING:
            _held_or_lead(conversation, actor_id, roles)
        if conversation.at_risk != at_risk:
            conversation.at_risk = at_risk
            conversation.save(update_fields=["at_risk"])
            send_frame_on_commit(support_group(event_id), frames.queue_changed(conversation))
        return conversation


def conversation_end(
    *, event_id: int, actor_id: int, conversation_id: int, outcome: str
) -> Conversation:
    """A crisis worker ends a conversation, recording its outcome (or records the outcome of
    one the person ended). One marked at risk is ended only by the safeguarding lead when
    the event has one (otherwise by its worker), never without an outcome."""
    if outcome not in Outcome.values:
        raise ChatError(ErrorCode.INVALID, "Choose an outcome to record.")
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        worker, roles = _worker(event, actor_id)
        conversation = _lock(conversation_id, event_id)
        if conversation.at_risk and event.safeguarding_lead_id and not roles.is_safeguarding_lead:
            raise ChatError(
                ErrorCode.NOT_ALLOWED,
                "This conversation is marked at risk: only the safeguarding lead can end it.",
            )
        if conversation.state == ConversationState.ENDED:
            if conversation.outcome:
                raise ChatError(ErrorCode.CONFLICT, "This conversation's outcome is recorded.")
            conversation.outcome, conversation.outcome_by = outcome, worker
            conversation.save(update_fields=["outcome", "outcome_by"])
            send_frame_on_commit(support_group(event_id), frames.queue_changed(conversation))
            return conversation
        if conversation.state == ConversationState.HELD:
            _held_or_lead(conversation, actor_id, roles)
        _transition(
            conversation,
            ConversationState.ENDED,
            fields={
                "ended_at": timezone.now(),
                "ended_by": EndedBy.WORKER,
                "outcome": outcome,
                "outcome_by": worker,
            },
        )
        _add_message(conversation, sender=Sender.NOTICE, body=frames.WORKER_ENDED_NOTICE)
        _announce(conversation)
        return conversation


def reading_record(*, conversation_id: int, reader_id: int, place: str) -> None:
    """Every reading of a conversation's content is recorded: who, when, where."""
    reader = User.objects.get(pk=reader_id)
    Reading.objects.create(
        conversation_id=conversation_id, reader=reader, reader_email=reader.email, place=place
    )


# --- on schedule --------------------------------------------------------------------------


def conversations_end_due(*, now: datetime | None = None) -> int:
    """End conversations whose time after the webchat's close has run out. One marked at risk
    is never ended by the clock (a person may be in danger): it waits for a person."""
    now = now or timezone.now()
    ended = 0
    due = Conversation.objects.filter(
        state__in=selectors.OPEN_STATES, closes_at__lte=now, at_risk=False
    ).values_list("pk", "event_id")
    for conversation_id, event_id in due:
        with transaction.atomic():
            conversation = _lock(conversation_id, event_id)
            if conversation.state == ConversationState.ENDED or conversation.at_risk:
                continue
            _transition(
                conversation,
                ConversationState.ENDED,
                fields={"ended_at": now, "ended_by": EndedBy.TIME},
            )
            _add_message(conversation, sender=Sender.NOTICE, body=frames.TIME_ENDED_NOTICE)
            _announce(conversation)
            ended += 1
    return ended


def conversations_content_purge(*, now: datetime | None = None) -> int:
    """Delete the words of conversations ended more than SUPPORT_RETENTION_DAYS ago (their
    messages, and the question that began one); the rows stay, empty, for the counts."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SUPPORT_RETENTION_DAYS)
    purged = 0
    for conversation in Conversation.objects.filter(
        state=ConversationState.ENDED, ended_at__lte=cutoff, content_deleted_at__isnull=True
    ):
        with transaction.atomic():
            conversation.messages.all().delete()
            if conversation.question_id:
                Question.objects.filter(
                    pk=conversation.question_id, state__in=[QuestionState.PASSED]
                ).delete()
            conversation.content_deleted_at = now
            conversation.save(update_fields=["content_deleted_at"])
        purged += 1
    return purged
