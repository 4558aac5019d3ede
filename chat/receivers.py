"""Chat's reactions to other apps' signals."""

import logging
from typing import Any

from django.dispatch import receiver

from chat.broadcast import PUBLIC_FRAME, send_now
from chat.groups import public_group
from chat.selectors import event_status_frame
from chat.tasks import archive_transcript
from events.enums import EventStatus
from events.signals import event_status_changed

logger = logging.getLogger(__name__)


@receiver(event_status_changed, dispatch_uid="chat.broadcast_event_status")
def broadcast_event_status(sender: Any, *, event_id: int, **kwargs: Any) -> None:
    # Sent after commit, so the status read here is the one that was saved.
    frame = event_status_frame(event_id=event_id)
    send_now(public_group(event_id), {"type": PUBLIC_FRAME, "frame": frame}, public=True)


@receiver(event_status_changed, dispatch_uid="chat.archive_on_close")
def archive_on_close(sender: Any, *, event_id: int, to_status: str, **kwargs: Any) -> None:
    if to_status != EventStatus.CLOSED:
        return
    try:
        archive_transcript.delay(event_id=event_id)
    except Exception:
        # The broker is down: beat's archive_closed_events catches up once it is back.
        logger.warning("could not queue the archive of event %s; the catch-up will", event_id)
