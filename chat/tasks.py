"""Celery tasks for the chat: thin, idempotent, safe to run twice or late."""

from celery import shared_task

from chat.retention import personal_data_purge


@shared_task(name="chat.purge_personal_data", ignore_result=True)
def purge_personal_data() -> int:
    """Daily: retention of personal data (chat/retention.py). Safe to run any number of times."""
    report = personal_data_purge()
    return report.questions_deleted + report.participants_deleted
