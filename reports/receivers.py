"""Reports' reactions to other apps' signals."""

from datetime import datetime
from typing import Any

from django.dispatch import receiver

from chat.signals import personal_data_purging
from reports.services import question_tallies_freeze


@receiver(personal_data_purging, dispatch_uid="reports.freeze_tallies_before_purge")
def freeze_tallies_before_purge(
    sender: Any, *, event_ids: list[int], now: datetime, **kwargs: Any
) -> None:
    """A report keeps telling the truth after the questions it counted are deleted."""
    question_tallies_freeze(event_ids=event_ids, now=now)
