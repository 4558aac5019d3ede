"""Chat's reactions to other apps' signals."""

from typing import Any

from django.dispatch import receiver

from chat.broadcast import PUBLIC_FRAME, send_now
from chat.groups import public_group
from chat.selectors import event_status_frame
from events.signals import event_status_changed


@receiver(event_status_changed, dispatch_uid="chat.broadcast_event_status")
def broadcast_event_status(sender: Any, *, event_id: int, **kwargs: Any) -> None:
    # Sent after commit, so the status read here is the one that was saved.
    send_now(
        public_group(event_id),
        {"type": PUBLIC_FRAME, "frame": event_status_frame(event_id=event_id)},
    )
