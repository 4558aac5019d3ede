from datetime import datetime
from typing import Any

from django.utils import timezone

from question_locks import frames
from question_locks.models import QuestionLock


def locks_held(*, event_id: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """The event's questions open on a moderator's console now, as `queue_taken` frames (a
    lock past its minute is over, whether or not anyone has cleared it yet). One query."""
    now = now or timezone.now()
    locks = (
        QuestionLock.objects.filter(event_id=event_id, expires_at__gt=now)
        .select_related("holder")
        .order_by("question_id")
    )
    return [
        frames.taken(
            question_id=lock.question_id,
            holder_id=lock.holder_id,
            holder_name=lock.holder.get_full_name(),
            seconds=max(0, round((lock.expires_at - now).total_seconds())),
        )
        for lock in locks
    ]
