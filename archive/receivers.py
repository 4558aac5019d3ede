"""The archive's reactions to other apps' signals: a closed event is archived."""

import logging
from typing import Any

from django.dispatch import receiver

from archive.tasks import archive_transcript
from events.enums import EventStatus
from events.signals import event_status_changed

logger = logging.getLogger(__name__)


@receiver(event_status_changed, dispatch_uid="archive.archive_on_close")
def archive_on_close(sender: Any, *, event_id: int, to_status: str, **kwargs: Any) -> None:
    if to_status != EventStatus.CLOSED:
        return
    try:
        archive_transcript.delay(event_id=event_id)
    except Exception:
        # The broker is down: beat's archive_closed_events catches up once it is back.
        logger.warning("could not queue the archive of event %s; the catch-up will", event_id)
