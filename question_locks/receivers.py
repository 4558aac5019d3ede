"""A question that leaves the moderators' queue is no longer open on anyone's console."""

from typing import Any

from django.dispatch import receiver

from chat.signals import question_left_queue
from question_locks.services import question_lock_drop


@receiver(question_left_queue, dispatch_uid="question_locks.question_left_queue")
def drop_lock_of_decided_question(sender: Any, *, question_id: int, **kwargs: Any) -> None:
    question_lock_drop(question_id=question_id)
