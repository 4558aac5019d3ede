"""Each client frame type's handler, registered beside its schema's name (chat.protocol.SCHEMA):
the public frames in chat/consumers/public.py, the staff actions in chat/consumers/staff.py.
chat/consumers/frames_in.py refuses to load if a schema has no handler."""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from chat.protocol import SCHEMA, ClientFrame

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer

FrameHandler = Callable[["EventChatConsumer", ClientFrame], Awaitable[None]]
FRAME_HANDLERS: dict[str, FrameHandler] = {}


def handles(frame_type: str) -> Callable[[FrameHandler], FrameHandler]:
    if frame_type not in SCHEMA:
        raise ImproperlyConfigured(f"{frame_type!r} has a handler but no schema")

    def register(handler: FrameHandler) -> FrameHandler:
        FRAME_HANDLERS[frame_type] = handler
        return handler

    return register


def check_every_frame_handled() -> None:
    unhandled = SCHEMA.keys() - FRAME_HANDLERS.keys()
    if unhandled:
        raise ImproperlyConfigured(f"client frames without a handler: {sorted(unhandled)}")
