"""Similar questions follow the questions' lives: a new waiting question is grouped off the
request path (a Celery task, after the commit); a lead answered tells the askers attached
to it; a lead that leaves the queue unpublished lets its group go."""

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from chat.enums import QuestionState
from chat.models import Question
from similar import services, tasks

logger = logging.getLogger(__name__)

# A lead in one of these states was never published: its group waits on its own again.
UNPUBLISHED_ENDS = frozenset(
    {
        QuestionState.REJECTED,
        QuestionState.REMOVED,
        QuestionState.PASSED,
        QuestionState.UNHANDLED,
        QuestionState.MERGED,
    }
)


def _group_later(question_id: int) -> None:
    try:
        tasks.group_question.delay(question_id=question_id)
    except Exception as error:
        # The question waits ungrouped; moderators see it as any other.
        logger.warning("similar: question %s not grouped (%s)", question_id, error)


@receiver(post_save, sender=Question, dispatch_uid="similar.question_saved")
def question_saved(
    sender: Any, *, instance: Question, created: bool, update_fields: Any, **kwargs: Any
) -> None:
    if created:
        if instance.state == QuestionState.PENDING:
            question_id = instance.pk
            transaction.on_commit(lambda: _group_later(question_id))
        return
    if not update_fields or "state" not in update_fields:
        return
    if instance.state == QuestionState.ANSWERED and instance.askers_count > 1:
        services.attached_askers_tell(lead=instance)
    elif instance.state in UNPUBLISHED_ENDS:
        services.groups_dissolve(lead=instance)
