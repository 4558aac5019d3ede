"""The person's device forgets them: their private conversation there ends too."""

from typing import Any

from django.dispatch import receiver

from chat.signals import device_forgotten
from support.enums import EndedBy
from support.services import Person, person_leaves


@receiver(device_forgotten, dispatch_uid="support.device_forgotten")
def end_conversation_on_device(
    sender: Any, *, event_id: int, user_id: int | None, guest_token: Any, **kwargs: Any
) -> None:
    person_leaves(
        person=Person(event_id=event_id, user_id=user_id, guest_token=guest_token),
        ended_by=EndedBy.DEVICE,
    )
