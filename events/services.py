"""Writes for agencies and events. The event state machine lives here and nowhere else."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from events.enums import EVENT_TRANSITIONS, EventStatus
from events.models import Event, EventFollow, EventStatusChange
from events.signals import event_status_changed

logger = logging.getLogger(__name__)

# A scheduled change this far past its time is logged as late (the reconcile task runs every
# few seconds, so anything more means a worker, beat or broker was down).
LATE_AFTER = timedelta(seconds=30)


class EventTransitionError(Exception):
    """A status change the state machine does not allow."""

    def __init__(self, event: Event, to_status: str) -> None:
        self.event = event
        self.to_status = to_status
        current = EventStatus(event.status).label.lower()
        target = EventStatus(to_status).label.lower()
        allowed = sorted(EventStatus(s).label.lower() for s in EVENT_TRANSITIONS[event.status])
        hint = f"it can only become {', '.join(allowed)}" if allowed else "it is final"
        super().__init__(
            f'"{event.title}" cannot be made {target} because it is {current}; {hint}.'
        )


@dataclass(frozen=True)
class TransitionResult:
    event: Event
    changed: bool


def event_transition(
    *,
    event_id: int,
    to_status: EventStatus,
    actor: User | None = None,
    reason: str = "",
    due_at: datetime | None = None,
) -> TransitionResult:
    """Move an event to `to_status`, or do nothing if it is already there.

    Locks the row so that two callers (an admin click and a scheduled task, say) make one
    change between them. Side effects run only after the transaction commits.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event_id)
        if event.status == to_status:
            return TransitionResult(event=event, changed=False)
        if to_status not in EVENT_TRANSITIONS[event.status]:
            raise EventTransitionError(event, to_status)

        from_status = event.status
        now = timezone.now()
        event.status = to_status
        event.status_changed_at = now
        event.save(update_fields=["status", "status_changed_at", "updated_at"])
        EventStatusChange.objects.create(
            event=event,
            from_status=from_status,
            to_status=to_status,
            changed_at=now,
            changed_by=actor,
            reason=reason,
            due_at=due_at,
        )
        if due_at is not None:
            _log_lateness(event, to_status, now - due_at)
        transaction.on_commit(lambda: _announce_status_change(event.pk, from_status, to_status))
    return TransitionResult(event=event, changed=True)


def _log_lateness(event: Event, to_status: str, lateness: timedelta) -> None:
    seconds = lateness.total_seconds()
    if seconds > LATE_AFTER.total_seconds():
        logger.warning(
            "event %s became %s LATE by %.1f s (due %s)",
            event.pk,
            to_status,
            seconds,
            (timezone.now() - lateness).isoformat(),
        )
    else:
        logger.info("event %s became %s on time (%.1f s after due)", event.pk, to_status, seconds)


def _announce_status_change(event_id: int, from_status: str, to_status: str) -> None:
    logger.info("event %s moved from %s to %s", event_id, from_status, to_status)
    event_status_changed.send(
        sender=Event, event_id=event_id, from_status=from_status, to_status=to_status
    )


def event_schedule(*, event_id: int, actor: User | None = None) -> TransitionResult:
    return event_transition(event_id=event_id, to_status=EventStatus.SCHEDULED, actor=actor)


def event_open(*, event_id: int, actor: User | None = None, reason: str = "") -> TransitionResult:
    return event_transition(
        event_id=event_id, to_status=EventStatus.LIVE, actor=actor, reason=reason
    )


def event_close(*, event_id: int, actor: User | None = None, reason: str = "") -> TransitionResult:
    return event_transition(
        event_id=event_id, to_status=EventStatus.CLOSED, actor=actor, reason=reason
    )


def event_cancel(*, event_id: int, actor: User | None = None, reason: str = "") -> TransitionResult:
    return event_transition(
        event_id=event_id, to_status=EventStatus.CANCELLED, actor=actor, reason=reason
    )


def event_archive(*, event_id: int, actor: User | None = None) -> TransitionResult:
    return event_transition(event_id=event_id, to_status=EventStatus.ARCHIVED, actor=actor)


@dataclass(frozen=True)
class ScheduledChange:
    event_id: int
    to_status: str
    lateness: timedelta


def event_schedule_reconcile(*, now: datetime | None = None) -> list[ScheduledChange]:
    """Open every scheduled event whose start has come and close every live one whose end
    has; the schedule is the database, so this is right however late or often it runs.

    Each change goes through event_transition (row lock, no-op when already done), so two
    workers running this at once make each change once between them. An event whose whole
    slot passed while nothing ran is opened and then closed, both on record as late.
    """
    now = now or timezone.now()
    changes: list[ScheduledChange] = []
    steps = (
        (EventStatus.SCHEDULED, "starts_at", EventStatus.LIVE),
        (EventStatus.LIVE, "ends_at", EventStatus.CLOSED),
    )
    for from_status, due_field, to_status in steps:
        due = Event.objects.filter(status=from_status, **{f"{due_field}__lte": now}).order_by(
            due_field
        )
        for event_id, due_at in due.values_list("pk", due_field):
            try:
                result = event_transition(
                    event_id=event_id, to_status=to_status, reason="on schedule", due_at=due_at
                )
            except EventTransitionError:
                # Moved by someone else (cancelled, say) since the query: nothing to do.
                continue
            if result.changed:
                changed_at = result.event.status_changed_at or now
                changes.append(ScheduledChange(event_id, to_status, changed_at - due_at))
    return changes


# --- following an event ---------------------------------------------------------------


def event_follow(*, event_id: int, user_id: int, language: str = "en") -> bool:
    """Remind this user by email before the event starts, in `language` (the page's, as they
    read it). True if newly following."""
    follow, created = EventFollow.objects.get_or_create(
        event_id=event_id, user_id=user_id, defaults={"language": language}
    )
    if not created and follow.language != language:
        follow.language = language
        follow.save(update_fields=["language"])
    return created


def event_unfollow(*, event_id: int, user_id: int) -> bool:
    deleted, _ = EventFollow.objects.filter(event_id=event_id, user_id=user_id).delete()
    return bool(deleted)


def event_reminders_send(*, now: datetime | None = None) -> int:
    """Email every follower of a scheduled event starting within EVENT_REMINDER_MINUTES.

    Each follow is claimed (reminder_sent_at set) before its email goes, so two workers or
    a task run twice send it once; a reminder whose sending fails is not retried (better
    no reminder than several). Returns how many were sent.
    """
    now = now or timezone.now()
    soon = now + timedelta(minutes=settings.EVENT_REMINDER_MINUTES)
    due = (
        EventFollow.objects.filter(
            reminder_sent_at__isnull=True,
            event__status=EventStatus.SCHEDULED,
            event__starts_at__gt=now,
            event__starts_at__lte=soon,
            user__is_active=True,
        )
        .select_related("event", "user")
        .order_by("pk")
    )
    languages = {code for code, _name in settings.LANGUAGES}
    sent = 0
    for follow in due:
        claimed = EventFollow.objects.filter(pk=follow.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        if not claimed:
            continue
        context = {
            "event": follow.event,
            "live_url": settings.SITE_URL
            + reverse("chat:live", kwargs={"slug": follow.event.slug}),
            "event_url": settings.SITE_URL
            + reverse("events:event_detail", kwargs={"slug": follow.event.slug}),
            "site_name": settings.SITE_NAME,
        }
        try:
            # In the language they read the page in (a language since removed: the site's).
            with translation.override(follow.language if follow.language in languages else None):
                subject = render_to_string("events/email/reminder_subject.txt", context)
                body = render_to_string("events/email/reminder_body.txt", context)
            send_mail(subject.strip(), body, None, [follow.user.email])
        except Exception:
            logger.exception("reminder for follow %s could not be sent", follow.pk)
            continue
        sent += 1
    return sent
