"""The staff actions' frames (chat.actions: approve, reject, answer, mark_answered, announce,
pin, mute): each registered action is a frame handler, and each goes through the sender's
session check (AccessWatch.as_signed_in) to its service."""

from typing import TYPE_CHECKING

from chat.actions import ACTIONS, SessionCheck, StaffAction
from chat.consumers.handlers import handles
from chat.protocol import ClientFrame
from chat.services import ChatError

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer


async def handle_staff_frame(connection: "EventChatConsumer", frame: ClientFrame) -> None:
    action = ACTIONS[frame.type]
    if action.batch is not None:
        await handle_staff_frames_together(connection, action, [frame])
        return
    event_id = connection.ctx.event_id

    def perform(signed_in: SessionCheck) -> object:
        return action.perform(event_id=event_id, signed_in=signed_in, fields=frame.fields)

    await connection.access.as_signed_in(perform)


async def handle_staff_frames_together(
    connection: "EventChatConsumer", action: StaffAction, batch: list[ClientFrame]
) -> None:
    """Frames of one action that arrived together (read ahead), committed together; each
    refused on its own."""
    event_id = connection.ctx.event_id

    def perform(signed_in: SessionCheck) -> list[object | ChatError]:
        return action.perform_all(
            event_id=event_id, signed_in=signed_in, batch=[frame.fields for frame in batch]
        )

    outcomes = await connection.access.as_signed_in(perform)
    for frame, outcome in zip(batch, outcomes, strict=True):
        if isinstance(outcome, ChatError):
            await connection.frames_in.refuse([frame], outcome.code, outcome.message)


for _name in ACTIONS:
    handles(_name)(handle_staff_frame)
