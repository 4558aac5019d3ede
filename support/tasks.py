"""Celery tasks for the private lane: thin, idempotent, safe to run twice or late."""

from celery import shared_task

from support.services import conversations_content_purge, conversations_end_due


@shared_task(name="support.end_due_conversations", ignore_result=True)
def end_due_conversations() -> int:
    """Every minute: conversations past their time after the webchat's close end (never one
    marked at risk)."""
    return conversations_end_due()


@shared_task(name="support.purge_content", ignore_result=True)
def purge_content() -> int:
    """Hourly: the words of conversations ended SUPPORT_RETENTION_DAYS ago are deleted."""
    return conversations_content_purge()
