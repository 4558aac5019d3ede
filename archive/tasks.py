"""Celery tasks for the archive: thin, idempotent, safe to run twice or late."""

import logging

from celery import shared_task

from archive import services as transcripts
from chat.services import questions_mark_unhandled
from events.models import Event

logger = logging.getLogger(__name__)


@shared_task(name="archive.archive_transcript", ignore_result=True)
def archive_transcript(*, event_id: int) -> None:
    if not Event.objects.filter(pk=event_id).exists():
        return
    # Normally done as the event closed (chat/receivers.py); again here in case that failed.
    questions_mark_unhandled(event_id=event_id)
    transcripts.transcript_archive(event_id=event_id)


@shared_task(name="archive.archive_closed_events", ignore_result=True)
def archive_closed_events() -> int:
    """Beat's catch-up: any closed event still without a transcript (a lost task, a worker
    that died mid-way) is archived here within seconds. One event that cannot be archived is
    logged and skipped, so it never holds up the others."""
    archived = 0
    for event_id in transcripts.closed_event_ids_without_transcript():
        try:
            transcripts.transcript_archive(event_id=event_id)
        except Exception:
            logger.exception("could not archive event %s; the next catch-up tries again", event_id)
            continue
        archived += 1
    return archived
