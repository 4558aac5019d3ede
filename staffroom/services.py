"""Writes for the staff room: a member of an event's staff posts a message.

The sender's roles are read from the database on every call (events.roles): staff of one
event have none at another, and the public none anywhere. Each message is numbered under the
room's lock (no gaps), stored once per client id, and reaches the event's staff group only
after commit.
"""

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from chat.protocol import ErrorCode
from chat.ratelimit import allow
from chat.services import ChatError
from events.models import Event, Panellist
from events.roles import EventRoles
from realtime.broadcast import send_frame_on_commit
from realtime.groups import staffroom_group
from staffroom import frames, references, selectors
from staffroom.models import StaffMessage, StaffRoom

MAX_MESSAGE_CHARS = 2000


def roles_label(user: User, roles: EventRoles) -> str:
    """How the room names someone's roles at the event: "Moderator", "Panellist (Mencap)"."""
    labels = []
    if roles.is_moderator:
        labels.append("Moderator")
    if roles.is_panellist:
        try:
            agency = user.panellist.agency.short_name
        except Panellist.DoesNotExist:
            agency = ""
        labels.append(f"Panellist ({agency})" if agency else "Panellist")
    if roles.is_reviewer or (roles.reviews_answers and not roles.is_moderator):
        labels.append("Reviewer")
    if roles.is_safeguarding_lead:
        labels.append("Safeguarding lead")
    elif roles.is_crisis_worker:
        labels.append("Crisis worker")
    return ", ".join(labels)


def _clean(body: str) -> str:
    text = body.strip()
    if not text:
        raise ChatError(ErrorCode.INVALID, "Write a message first.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ChatError(ErrorCode.TOO_LONG, f"A message is at most {MAX_MESSAGE_CHARS} characters.")
    if "\x00" in text:
        raise ChatError(ErrorCode.INVALID, "The message contains a null character.")
    return text


def staff_message_post(*, event_id: int, actor_id: int, client_id: str, body: str) -> StaffMessage:
    """Post to the event's staff room. A retried send (the same client id) returns the
    message stored the first time."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        raise ChatError(ErrorCode.NOT_FOUND, "No such webchat.")
    roles = selectors.staff_roles(user_id=actor_id, event=event)
    if roles is None:
        raise ChatError(ErrorCode.NOT_ALLOWED, "Only this webchat's staff use its staff room.")
    client_uuid = uuid.UUID(client_id)
    stored = StaffMessage.objects.filter(event_id=event_id, client_id=client_uuid).first()
    if stored is not None:
        return stored
    text = _clean(body)
    limit = settings.STAFFROOM_MESSAGES_PER_MINUTE
    if not allow(f"staffroom:{event_id}:{actor_id}", limit=limit, window_seconds=60):
        raise ChatError(
            ErrorCode.RATE_LIMITED,
            f"At most {limit} staff room messages a minute. Wait a moment, then send it again.",
        )
    user = User.objects.select_related("panellist__agency").get(pk=actor_id)
    StaffRoom.objects.get_or_create(event_id=event_id)
    try:
        with transaction.atomic():
            room = StaffRoom.objects.select_for_update().get(event_id=event_id)
            room.last_seq += 1
            room.save(update_fields=["last_seq"])
            message = StaffMessage.objects.create(
                event_id=event_id,
                seq=room.last_seq,
                author=user,
                author_name=user.full_name or user.email,
                author_email=user.email,
                author_roles=roles_label(user, roles),
                client_id=client_uuid,
                body=text,
                sent_at=timezone.now(),
            )
            links = references.resolve(event_id=event_id, slug=event.slug, bodies=[text])
            send_frame_on_commit(staffroom_group(event_id), frames.message(message, links))
    except IntegrityError:
        # The same client id, sent twice at once: the other one was stored.
        return StaffMessage.objects.get(event_id=event_id, client_id=client_uuid)
    return message
