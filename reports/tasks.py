"""Celery tasks for reports: thin, idempotent, safe to run twice or late."""

from celery import shared_task

from reports.services import viewer_samples_purge, viewer_samples_take


@shared_task(name="reports.sample_viewers", ignore_result=True)
def sample_viewers() -> int:
    """Every REPORT_VIEWER_SAMPLE_SECONDS: how many watch each live event."""
    return viewer_samples_take()


@shared_task(name="reports.purge_viewer_samples", ignore_result=True)
def purge_viewer_samples() -> int:
    """Daily: viewer samples are kept REPORT_VIEWER_SAMPLE_KEEP_DAYS after their event."""
    return viewer_samples_purge()
