"""Sending to the channel layer from sync code, only after the transaction commits."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

# Channel-layer message types, handled by the hub (public) and the consumer (the rest).
PUBLIC_FRAME = "public.frame"
PRIVATE_FRAME = "private.frame"
# Public frames travel on the pub/sub layer to each process's hub; the rest on the default.
FANOUT_LAYER = "fanout"


def send_frame_on_commit(group: str, frame: dict[str, Any], *, public: bool = False) -> None:
    """Queue `frame` for every member of `group` once the current transaction commits.

    Persist first, broadcast after: a frame is never sent for a change that rolled back.
    """
    message = {"type": PUBLIC_FRAME if public else PRIVATE_FRAME, "frame": frame}
    transaction.on_commit(lambda: send_now(group, message, public=public))


def send_now(group: str, message: dict[str, Any], *, public: bool = False) -> None:
    layer = get_channel_layer(FANOUT_LAYER if public else "default")
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)
