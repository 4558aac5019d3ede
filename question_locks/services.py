"""Taking and letting go of a waiting question a moderator has open on their console.

Each write locks the question's row first (as every question change does), so two
moderators opening one question at once are told apart: the first has it, the second is
told whose it is. The event's moderators hear each change after commit (frames.py). Rights
are read from the database on every call (events.roles)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from chat.enums import QuestionState
from chat.models import Question
from chat.protocol import ErrorCode
from chat.services import ChatError
from events.models import Event
from events.roles import event_roles
from question_locks import frames
from question_locks.models import QuestionLock
from realtime.broadcast import send_frame_on_commit
from realtime.groups import moderation_group


@dataclass(frozen=True)
class Taken:
    question_id: int
    holder_id: int
    holder_name: str
    expires_at: datetime


def lock_seconds() -> int:
    return int(settings.QUESTION_LOCK_SECONDS)


def _moderator(*, event_id: int, actor_id: int) -> User:
    actor = User.objects.filter(pk=actor_id).first()
    event = Event.objects.filter(pk=event_id).first()
    if actor is None or event is None or not event_roles(user=actor, event=event).is_moderator:
        raise ChatError(ErrorCode.NOT_ALLOWED, "Only this webchat's moderators can do that.")
    return actor


def question_lock_take(
    *,
    event_id: int,
    question_id: int,
    actor_id: int,
    connection_id: uuid.UUID,
    now: datetime | None = None,
) -> Taken:
    """Mark a waiting question as open on this moderator's console until a minute from now
    (QUESTION_LOCK_SECONDS): taken anew, or kept longer when they already hold it (a second
    tab of theirs takes it over). Whatever else this connection had open is let go: one
    question open per console. Refused (`conflict`) while another moderator holds it, and
    (`not_found`) for a question not waiting at this event."""
    now = now or timezone.now()
    actor = _moderator(event_id=event_id, actor_id=actor_id)
    with transaction.atomic():
        question = (
            Question.objects.select_for_update()
            .filter(pk=question_id, event_id=event_id, state=QuestionState.PENDING)
            .first()
        )
        if question is None:
            raise ChatError(ErrorCode.NOT_FOUND, "That question is no longer waiting.")
        held = QuestionLock.objects.filter(question_id=question_id).select_related("holder").first()
        if held is not None and held.expires_at > now and held.holder_id != actor.pk:
            raise ChatError(
                ErrorCode.CONFLICT,
                f"{question.staff_ref} is open on {held.holder.get_full_name()}'s console.",
            )
        _release_where(
            QuestionLock.objects.filter(connection_id=connection_id).exclude(
                question_id=question_id
            )
        )
        expires_at = now + timedelta(seconds=lock_seconds())
        QuestionLock.objects.update_or_create(
            question_id=question_id,
            defaults={
                "event_id": event_id,
                "holder": actor,
                "connection_id": connection_id,
                "taken_at": now,
                "expires_at": expires_at,
            },
        )
        taken = Taken(question_id, actor.pk, actor.get_full_name(), expires_at)
        send_frame_on_commit(moderation_group(event_id), _taken_frame(taken, now=now))
    return taken


def _taken_frame(taken: Taken, *, now: datetime) -> dict[str, object]:
    return frames.taken(
        question_id=taken.question_id,
        holder_id=taken.holder_id,
        holder_name=taken.holder_name,
        seconds=max(0, round((taken.expires_at - now).total_seconds())),
    )


def question_lock_release(*, event_id: int, question_id: int, connection_id: uuid.UUID) -> bool:
    """This connection closes the question it had open. True if it held it."""
    with transaction.atomic():
        return bool(
            _release_where(
                QuestionLock.objects.filter(
                    event_id=event_id, question_id=question_id, connection_id=connection_id
                )
            )
        )


def question_locks_release_connection(*, connection_id: uuid.UUID) -> list[int]:
    """Whatever a connection that has ended had open: let go, and its event's moderators
    told. The questions' ids."""
    with transaction.atomic():
        return _release_where(QuestionLock.objects.filter(connection_id=connection_id))


def _release_where(locks: QuerySet[QuestionLock]) -> list[int]:
    released = list(locks.select_for_update().values_list("question_id", "event_id"))
    if released:
        QuestionLock.objects.filter(question_id__in=[q for q, _ in released]).delete()
    for question_id, event_id in released:
        send_frame_on_commit(moderation_group(event_id), frames.released(question_id=question_id))
    return [question_id for question_id, _ in released]


def question_lock_drop(*, question_id: int) -> None:
    """The question left the queue (chat.signals.question_left_queue): its lock goes with it.
    No frame: the moderators' `queue_remove` already takes the row away."""
    QuestionLock.objects.filter(question_id=question_id).delete()
