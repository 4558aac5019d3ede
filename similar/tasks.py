from celery import shared_task

from similar import services


@shared_task(name="similar.group_question")
def group_question(*, question_id: int) -> None:
    """Group a new waiting question with an earlier one that asks the same (idempotent:
    a question already grouped, or no longer waiting, is left as it is)."""
    services.question_group(question_id=question_id)
