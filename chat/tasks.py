"""Celery tasks for the chat: thin, idempotent, safe to run twice or late."""

from celery import shared_task

from chat.retention import personal_data_purge
from chat.services import question_read_again


@shared_task(name="chat.purge_personal_data", ignore_result=True)
def purge_personal_data() -> int:
    """Daily: retention of personal data (chat/retention.py). Safe to run any number of times."""
    report = personal_data_purge()
    return report.questions_deleted + report.participants_deleted


@shared_task(name="chat.read_question_again", ignore_result=True)
def read_question_again(question_id: int) -> bool:
    """A question the ask path did not flag, read again whole (chat.services.question_read_
    again). Safe to run twice: a question already urgent is left alone."""
    return question_read_again(question_id=question_id)
