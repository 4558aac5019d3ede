"""Chat's reactions to other apps' signals."""

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import User
from accounts.signals import user_deleting
from chat.middleware import FORGET_GUEST_ATTRIBUTE
from chat.read_again import read_again_soon
from chat.selectors import event_status_frame
from chat.services import participant_questions_forget, questions_mark_unhandled
from chat.signals import question_waiting_unflagged
from events.enums import EventStatus
from events.models import Event, Panellist, PanelSeat
from events.signals import event_status_changed
from realtime.broadcast import publish_now, send_now
from realtime.groups import user_group
from realtime.messages import ACCESS_CHANGED, ACCESS_ENDED
from safeguarding import selectors as safeguarding_selectors

logger = logging.getLogger(__name__)


@receiver(event_status_changed, dispatch_uid="chat.broadcast_event_status")
def broadcast_event_status(sender: Any, *, event_id: int, **kwargs: Any) -> None:
    # Sent after commit, so the status read here is the one that was saved.
    frame = event_status_frame(event_id=event_id)
    publish_now(event_id, frame)


@receiver(event_status_changed, dispatch_uid="chat.unhandled_on_close")
def unhandled_on_close(sender: Any, *, event_id: int, to_status: str, **kwargs: Any) -> None:
    """No question is left silently "Waiting for a moderator" once the webchat ends."""
    if to_status not in (EventStatus.CLOSED, EventStatus.CANCELLED):
        return
    try:
        count = questions_mark_unhandled(event_id=event_id)
    except Exception:
        # The close itself stands; the transcript archive task runs the same step again.
        logger.exception("could not mark event %s's waiting questions as not reached", event_id)
        return
    if count:
        logger.info("event %s closed with %s questions not reached", event_id, count)


@receiver(user_deleting, dispatch_uid="chat.forget_questions_of_deleted_user")
def forget_questions_of_deleted_user(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    participant_questions_forget(user_id=user_id)


# --- sign-in, sign-out and rights: open connections follow at once ------------------------
# A connection's rights are read when it opens and re-read on every action; these tell the
# open connections of a user to look again now (chat/consumers.py: access_*).


def _tell_connections(user_id: int, message: dict[str, Any]) -> None:
    try:
        send_now(user_group(user_id), message)
    except Exception:
        # Redis is away: the connections' own periodic re-check catches up.
        logger.warning("could not tell user %s's connections about an access change", user_id)


def _access_changed(user_ids: Iterable[int | None]) -> None:
    for user_id in {user_id for user_id in user_ids if user_id is not None}:
        transaction.on_commit(partial(_tell_connections, user_id, {"type": ACCESS_CHANGED}))


@receiver(user_logged_out, dispatch_uid="chat.forget_guest_on_logout")
def forget_guest_on_logout(sender: Any, *, request: HttpRequest, **kwargs: Any) -> None:
    setattr(request, FORGET_GUEST_ATTRIBUTE, True)  # chat/middleware.py deletes the cookie


@receiver(user_logged_out, dispatch_uid="chat.close_sockets_on_logout")
def close_sockets_on_logout(
    sender: Any, *, request: HttpRequest, user: User | None, **kwargs: Any
) -> None:
    if user is None or user.pk is None:
        return
    # Sent before the session is flushed: its key picks out this browser's connections.
    _tell_connections(user.pk, {"type": ACCESS_ENDED, "session_key": request.session.session_key})


@receiver(m2m_changed, sender=Event.moderators.through, dispatch_uid="chat.moderators_changed")
@receiver(
    m2m_changed, sender=Event.crisis_workers.through, dispatch_uid="chat.crisis_workers_changed"
)
@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="chat.groups_changed")
def role_membership_changed(
    sender: Any,
    *,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """Moderators of an event, or the members of a role group, changed."""
    if isinstance(instance, User):
        _access_changed([instance.pk])
    elif action == "pre_clear":  # afterwards nobody knows who was there
        if isinstance(instance, Event):
            related = (
                instance.moderators
                if sender is Event.moderators.through
                else instance.crisis_workers
            )
        else:
            related = instance.user_set
        _access_changed(related.values_list("pk", flat=True))
    elif action in {"post_add", "post_remove"}:
        _access_changed(pk_set or [])


@receiver(m2m_changed, sender=Event.reviewers.through, dispatch_uid="chat.reviewers_changed")
def reviewers_changed(
    sender: Any, *, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """An event's reviewers changed: those added or removed, and its moderators too (they
    review only while it names nobody), re-check their rights."""
    if not isinstance(instance, Event):
        _access_changed(
            Event.moderators.through.objects.filter(event_id__in=pk_set or []).values_list(
                "user_id", flat=True
            )
        )
        _access_changed([instance.pk])
        return
    if action == "pre_clear":
        _access_changed(instance.reviewers.values_list("pk", flat=True))
    elif action in {"post_add", "post_remove"}:
        _access_changed(pk_set or [])
    if action in {"post_add", "post_remove", "post_clear"}:
        _access_changed(instance.moderators.values_list("pk", flat=True))


@receiver(pre_save, sender=Event, dispatch_uid="chat.safeguarding_lead_changing")
def safeguarding_lead_changing(sender: Any, *, instance: Event, **kwargs: Any) -> None:
    if instance.pk:
        previous = (
            Event.objects.filter(pk=instance.pk)
            .values_list("safeguarding_lead_id", flat=True)
            .first()
        )
        if previous != instance.safeguarding_lead_id:
            _access_changed([previous, instance.safeguarding_lead_id])


@receiver([post_save, post_delete], sender=PanelSeat, dispatch_uid="chat.panel_seat_changed")
def panel_seat_changed(sender: Any, *, instance: PanelSeat, **kwargs: Any) -> None:
    panellist = Panellist.objects.filter(pk=instance.panellist_id)
    _access_changed([panellist.values_list("user_id", flat=True).first()])


@receiver(pre_save, sender=Panellist, dispatch_uid="chat.panellist_user_changing")
def panellist_user_changing(sender: Any, *, instance: Panellist, **kwargs: Any) -> None:
    if instance.pk:
        previous = (
            Panellist.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
        )
        if previous != instance.user_id:
            _access_changed([previous, instance.user_id])


@receiver([post_save, post_delete], sender=User, dispatch_uid="chat.user_changed")
def user_changed(sender: Any, *, instance: User, **kwargs: Any) -> None:
    # Deactivated, staff status or password changed (which ends its other sessions), ...
    _access_changed([instance.pk])


@receiver([post_save, post_delete], sender=Authenticator, dispatch_uid="chat.mfa_changed")
def mfa_changed(sender: Any, *, instance: Authenticator, **kwargs: Any) -> None:
    _access_changed([instance.user_id])


@receiver(question_waiting_unflagged, dispatch_uid="chat.read_again_later")
def read_again_later(sender: Any, *, question_id: int, **kwargs: Any) -> None:
    """The second reading, queued for a worker: never on the asker's request."""
    if safeguarding_selectors.second_reading_on():
        read_again_soon(question_id)
