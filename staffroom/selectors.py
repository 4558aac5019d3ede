"""Reads for the staff room: who may use it, and its messages by seq."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from chat.models import ChatRoom
from events.models import Event
from events.roles import STAFF_ROLE_NAMES, EventRoles, event_roles
from staffroom import references
from staffroom.models import StaffMessage

# The most a resume or a page is sent at once; a longer history comes in pages.
PAGE_SIZE = 200


def staff_roles(*, user_id: int | None, event: Event) -> EventRoles | None:
    """The user's roles at this event if they are its staff (read from the database), else
    None: the public, another event's staff, anyone without two-step sign-in."""
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    roles = event_roles(user=user, event=event)
    return roles if roles.is_staff else None


def is_staff_connection(*, roles: list[str], reviews_answers: bool) -> bool:
    """The same rule for a live connection's context (chat.selectors.ConnectionContext)."""
    return reviews_answers or not STAFF_ROLE_NAMES.isdisjoint(roles)


def feed_last_seq(*, event_id: int) -> int:
    """The live feed's last seq (chat.models.ChatRoom)."""
    seq = ChatRoom.objects.filter(event_id=event_id).values_list("last_seq", flat=True).first()
    return seq or 0


def messages_after(*, event_id: int, after: int, limit: int = PAGE_SIZE) -> list[StaffMessage]:
    return list(
        StaffMessage.objects.filter(event_id=event_id, seq__gt=after).order_by("seq")[:limit]
    )


def latest_messages(*, event_id: int, limit: int = 50) -> list[StaffMessage]:
    """The last `limit` messages, oldest first (the pane and the page)."""
    newest: QuerySet[StaffMessage] = StaffMessage.objects.filter(event_id=event_id).order_by(
        "-seq"
    )[:limit]
    return sorted(newest, key=lambda message: message.seq)


@dataclass(frozen=True)
class ShownMessage:
    """A message as a page shows it: the author and the body's parts (text and links)."""

    seq: int
    author_name: str
    author_roles: str
    sent_at: Any
    parts: list[dict[str, Any]]


def shown(*, event: Event, messages: list[StaffMessage], link_kind: str) -> list[ShownMessage]:
    """Each message with its references linked for this kind of page ("moderator",
    "panellist" or "public"): one resolution for all of them."""
    links = references.resolve(
        event_id=event.pk, slug=event.slug, bodies=[message.body for message in messages]
    )
    result = []
    for message in messages:
        cut = references.parts(message.body, links)
        for part in cut:
            if "links" in part:
                part["href"] = part["links"][link_kind]  # type: ignore[index]
        result.append(
            ShownMessage(
                seq=message.seq,
                author_name=message.author_name,
                author_roles=message.author_roles,
                sent_at=message.sent_at,
                parts=cut,
            )
        )
    return result


def link_kind(roles: EventRoles) -> str:
    """Which console a staff member's links open: a moderator's shows every question, a
    panellist's the published ones; anyone else follows them on the live page."""
    if roles.is_moderator:
        return "moderator"
    if roles.is_panellist:
        return "panellist"
    return "public"
