"""Celery tasks for the chat: thin, idempotent, safe to run twice or late."""

from celery import shared_task

from chat import transcripts
from chat.services import questions_mark_unhandled
from events.models import Event


@shared_task(name="chat.archive_transcript", ignore_result=True)
def archive_transcript(*, event_id: int) -> None:
    if not Event.objects.filter(pk=event_id).exists():
        return
    # Normally done as the event closed (chat/receivers.py); again here in case that failed.
    questions_mark_unhandled(event_id=event_id)
    transcripts.transcript_archive(event_id=event_id)


@shared_task(name="chat.archive_closed_events", ignore_result=True)
def archive_closed_events() -> int:
    """Beat's catch-up: any closed event still without a transcript (a lost task, a worker
    that died mid-way) is archived here within seconds."""
    event_ids = transcripts.closed_event_ids_without_transcript()
    for event_id in event_ids:
        transcripts.transcript_archive(event_id=event_id)
    return len(event_ids)


@shared_task(name="chat.purge_personal_data", ignore_result=True)
def purge_personal_data() -> int:
    """Daily: retention of personal data (chat/retention.py). Safe to run any number of times."""
    from chat.retention import personal_data_purge

    report = personal_data_purge()
    return report.questions_deleted + report.participants_deleted


@shared_task(name="chat.sample_viewers", ignore_result=True)
def sample_viewers() -> int:
    """Every REPORT_VIEWER_SAMPLE_SECONDS: how many watch each live event (chat/reports/)."""
    from chat.reports.services import viewer_samples_take

    return viewer_samples_take()


@shared_task(name="chat.purge_viewer_samples", ignore_result=True)
def purge_viewer_samples() -> int:
    """Daily: viewer samples are kept REPORT_VIEWER_SAMPLE_KEEP_DAYS after their event."""
    from chat.reports.services import viewer_samples_purge

    return viewer_samples_purge()
