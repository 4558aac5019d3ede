"""Reads for the private lane: the risk-ordered queue, a conversation for either side, who
is on duty, and the report's counts (no words)."""

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from chat.models import Participant
from events.models import Event, Panellist
from events.roles import event_roles
from support.enums import ORIGIN_RANK, ConversationState, Origin, Outcome
from support.models import Conversation, Duty, Message

OPEN_STATES = (ConversationState.WAITING, ConversationState.HELD)
# A guess for the person while nobody at this event has replied to anyone yet.
DEFAULT_WAIT_MINUTES = 5


def worker_label(user: User | None) -> str:
    """How a crisis worker is named to the person: their name and role (a panellist's title
    when they sit on a panel, else "Crisis worker")."""
    if user is None:
        return "A crisis worker"
    try:
        panellist: Panellist | None = user.panellist
    except Panellist.DoesNotExist:
        panellist = None
    name = user.full_name or "A crisis worker"
    if panellist is not None:
        return f"{panellist.name or name}, {panellist.role_title}"
    return f"{name}, Crisis worker"


def workers_on_duty(*, event_id: int) -> list[str]:
    """The labels of the crisis workers on duty now (their console says so)."""
    duties = (
        Duty.objects.filter(event_id=event_id)
        .select_related("worker__panellist")
        .order_by("started_at")
    )
    return [worker_label(duty.worker) for duty in duties if duty.worker.is_active]


def participant_of(*, event_id: int, user_id: int | None, guest_token: Any) -> Participant | None:
    """The person's participant row at this event, if they have one (never made here)."""
    if user_id:
        return Participant.objects.filter(event_id=event_id, user_id=user_id).first()
    if guest_token is None:
        return None
    return Participant.objects.filter(
        event_id=event_id, guest_token=guest_token, user__isnull=True
    ).first()


def persons_conversation(*, person: Any, conversation_id: int) -> Conversation | None:
    """A conversation of the person's own (`support.services.Person`), or None."""
    participant = participant_of(
        event_id=person.event_id, user_id=person.user_id, guest_token=person.guest_token
    )
    if participant is None:
        return None
    return Conversation.objects.filter(
        pk=conversation_id, event_id=person.event_id, participant=participant
    ).first()


def workers_conversation(*, actor_id: int, conversation_id: int) -> Conversation | None:
    """A conversation at an event where this user is a crisis worker or the lead, or None."""
    conversation = (
        Conversation.objects.filter(pk=conversation_id).select_related("event", "worker").first()
    )
    if conversation is None:
        return None
    user = User.objects.filter(pk=actor_id, is_active=True).first()
    if not event_roles(user=user, event=conversation.event).in_support_lane:
        return None
    return conversation


def on_duty(*, event_id: int, user_id: int) -> bool:
    return Duty.objects.filter(event_id=event_id, worker_id=user_id).exists()


def open_conversation_of(*, participant_id: int) -> Conversation | None:
    return (
        Conversation.objects.filter(participant_id=participant_id, state__in=OPEN_STATES)
        .select_related("worker", "event")
        .first()
    )


def latest_conversation_of(*, participant_id: int) -> Conversation | None:
    """The person's open conversation, else their last one (to show how it ended)."""
    return (
        Conversation.objects.filter(participant_id=participant_id)
        .select_related("worker", "event")
        .order_by("-opened_at", "-id")
        .first()
    )


def urgency(conversation: Conversation) -> tuple[int, datetime]:
    """The queue's order: marked at risk, then flagged by triage, passed by a moderator,
    asked for; within each, the longest waiting first."""
    rank = 0 if conversation.at_risk else 1 + ORIGIN_RANK[Origin(conversation.origin)]
    return rank, conversation.opened_at


def queue(
    *, event_id: int, states: list[ConversationState] | tuple[ConversationState, ...] = OPEN_STATES
) -> list[Conversation]:
    conversations = Conversation.objects.filter(event_id=event_id, state__in=states).select_related(
        "worker"
    )
    return sorted(conversations, key=urgency)


def ended_needing_outcome(*, event_id: int) -> list[Conversation]:
    return list(
        Conversation.objects.filter(
            event_id=event_id, state=ConversationState.ENDED, outcome=""
        ).select_related("worker")
    )


def recent_ended(*, event_id: int, limit: int = 20) -> list[Conversation]:
    return list(
        Conversation.objects.filter(event_id=event_id, state=ConversationState.ENDED)
        .exclude(outcome="")
        .select_related("worker", "outcome_by")
        .order_by("-ended_at")[:limit]
    )


def messages_after(*, conversation_id: int, after: int) -> QuerySet[Message]:
    return Message.objects.filter(conversation_id=conversation_id, seq__gt=after).order_by("seq")


def typical_wait_minutes(*, event_id: int) -> int:
    """Roughly how long a person waits here: the median time to a first reply at this event
    so far, in whole minutes (at least 1), or a guess before anyone has been answered."""
    waits = [
        (first - opened).total_seconds()
        for opened, first in Conversation.objects.filter(
            event_id=event_id, first_reply_at__isnull=False
        ).values_list("opened_at", "first_reply_at")
        if first is not None
    ]
    if not waits:
        return DEFAULT_WAIT_MINUTES
    return max(1, round(statistics.median(waits) / 60))


def waiting_ahead(conversation: Conversation) -> int:
    """How many waiting conversations a crisis worker will take before this one."""
    waiting = queue(event_id=conversation.event_id, states=[ConversationState.WAITING])
    for position, other in enumerate(waiting):
        if other.pk == conversation.pk:
            return position
    return 0


@dataclass(frozen=True)
class LaneFigures:
    """The report's counts: nothing anyone said."""

    conversations: int
    by_origin: dict[str, int]
    by_outcome: dict[str, int]
    # Seconds from asking (or being passed) to a crisis worker's first reply, each answered one.
    first_reply_seconds: list[float]


def lane_figures(*, event: Event) -> LaneFigures:
    rows = list(
        Conversation.objects.filter(event=event).values_list(
            "origin", "outcome", "opened_at", "first_reply_at"
        )
    )
    by_origin = {origin.label: 0 for origin in Origin}
    by_outcome = {outcome.label: 0 for outcome in Outcome}
    by_outcome["Not recorded"] = 0
    waits = []
    for origin, outcome, opened_at, first_reply_at in rows:
        by_origin[Origin(origin).label] += 1
        by_outcome[Outcome(outcome).label if outcome else "Not recorded"] += 1
        if first_reply_at is not None:
            waits.append((first_reply_at - opened_at).total_seconds())
    return LaneFigures(
        conversations=len(rows),
        by_origin=by_origin,
        by_outcome=by_outcome,
        first_reply_seconds=sorted(waits),
    )


def minutes_left(conversation: Conversation) -> int:
    return max(0, int((conversation.closes_at - timezone.now()).total_seconds() // 60))
