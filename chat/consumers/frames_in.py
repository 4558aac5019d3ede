"""A client's frames in: counted against the public's budget, validated against the one
schema (chat.protocol), handed to their handler, and every refusal turned into an `error`
frame; the connection goes on."""

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings

from chat import frames
from chat.actions import ACTIONS
from chat.consumers import public, staff  # noqa: F401 (each registers its handlers)
from chat.consumers.failures import (
    UNAVAILABLE_ERRORS,
    ReplayLimited,
    SessionEnded,
    client_lines,
    logger,
    note_mistake,
    note_replay_limited,
)
from chat.consumers.handlers import FRAME_HANDLERS, check_every_frame_handled
from chat.protocol import ClientFrame, ErrorCode, FrameBudget, FrameError, parse_frame
from chat.services import ChatError
from realtime.codes import CloseCode

if TYPE_CHECKING:
    from chat.consumers.connection import EventChatConsumer

# Every frame type has its handler (public.py, staff.py, and other apps' registered from
# their AppConfig.ready), checked when the first connection starts reading frames.
_all_frames_handled = False


class FrameRouter:
    def __init__(self, connection: "EventChatConsumer") -> None:
        global _all_frames_handled
        if not _all_frames_handled:
            check_every_frame_handled()
            _all_frames_handled = True
        self.connection = connection
        self.budget = FrameBudget(
            rate=settings.CHAT_FRAME_RATE,
            burst=settings.CHAT_FRAME_BURST,
            strikes=settings.CHAT_FRAME_STRIKES,
        )
        # The close a ping flood asked for (take_ping), kept so it is not collected.
        self._closing: asyncio.Task[None] | None = None

    def take(self) -> bool:
        """Count one frame (or ping) against the public's budget; False if refused. Staff
        (a moderator or panellist here, checked again per frame) publish as fast as they
        work; the budget is for the public, who can reach the socket anonymously."""
        connection = self.connection
        if connection.is_staff or self.budget.take(time.monotonic()):
            return True
        if self.budget.exhausted:
            client_lines.log(
                "too_many_frames",
                logging.INFO,
                "connection to event %s closed: too many frames",
                connection.ctx.event_id,
            )
        return False

    def take_ping(self) -> None:
        """A ping the client sent (uvicorn answers it; realtime/internals/
        uvicorn_websockets.py): counted like a frame, and once the budget is spent the
        connection is closed as for frames."""
        connection = self.connection
        if connection.closing or self.take() or not self.budget.exhausted:
            return
        self._closing = asyncio.get_running_loop().create_task(
            connection.close_once(CloseCode.POLICY)
        )

    async def receive(self, text_data: str | None, bytes_data: bytes | None) -> None:
        connection = self.connection
        if connection.closing:
            return
        if not self.take():
            if self.budget.exhausted:
                await connection.close_once(CloseCode.POLICY)
                return
            await connection.send_frame(
                frames.error(ErrorCode.RATE_LIMITED, "Too many messages at once. Wait a moment.")
            )
            return
        try:
            frame = parse_frame(text_data, bytes_data)
        except FrameError as error:
            note_mistake(error, event_id=connection.ctx.event_id)
            await connection.send_frame(
                frames.error(error.code, error.message, client_id=error.client_id)
            )
            return
        in_hand = [frame]
        action = ACTIONS.get(frame.type)
        if action is not None and action.batch is not None:
            in_hand += self._waiting_of_type(frame.type)
        # A moderator's frames that arrive while this one is handled are read ahead.
        connection.reader.while_busy()
        try:
            if action is not None and len(in_hand) > 1:
                await staff.handle_staff_frames_together(connection, action, in_hand)
            else:
                await FRAME_HANDLERS[frame.type](connection, frame)
        except ReplayLimited:
            note_replay_limited(event_id=connection.ctx.event_id)
            await connection.close_once(CloseCode.REPLAY_LIMITED)
        except SessionEnded:
            await self.refuse(
                in_hand,
                ErrorCode.SIGNED_OUT,
                "You have been signed out. Sign in again to go on.",
            )
            await connection.close_once(CloseCode.SIGNED_OUT)
        except ChatError as error:
            await self.refuse(in_hand, error.code, error.message)
        except UNAVAILABLE_ERRORS as error:
            # The frame is refused, the connection goes on: the client keeps what it typed.
            logger.warning(
                "%s frame for event %s failed, dependency unavailable: %s",
                frame.type,
                connection.ctx.event_id,
                error,
            )
            await self.refuse(
                in_hand,
                ErrorCode.UNAVAILABLE,
                "The chat cannot take that right now. Nothing was lost: try again in a moment.",
            )
        except Exception as error:
            # A bug, which a client may be able to set off at will: its traceback once a
            # minute per kind is enough to find it.
            client_lines.log(
                f"internal:{frame.type}:{type(error).__name__}",
                logging.ERROR,
                "%s frame for event %s failed: %s: %s",
                frame.type,
                connection.ctx.event_id,
                type(error).__name__,
                error,
                exc_info=True,
            )
            await self.refuse(
                in_hand, ErrorCode.INTERNAL, "Something went wrong on our side. Please try again."
            )

    async def refuse(self, refused: list[ClientFrame], code: ErrorCode, message: str) -> None:
        """An error frame for each refused frame, with its `client_id` if it had one."""
        for frame in refused:
            await self.connection.send_frame(frames.error(code, message, client_id=frame.client_id))

    def _waiting_of_type(self, frame_type: str) -> list[ClientFrame]:
        """The frames of this type (announcements) that arrived right behind the one in hand
        (read ahead), to be committed with it; they stop at the first frame of another kind."""

        def same_kind(message: dict[str, Any]) -> ClientFrame | None:
            if message.get("type") != "websocket.receive":
                return None
            try:
                waiting = parse_frame(message.get("text"), message.get("bytes"))
            except FrameError:
                return None  # refused in its turn, with its error frame
            return waiting if waiting.type == frame_type else None

        return self.connection.reader.take_while(same_kind, most=settings.CHAT_ANNOUNCE_BATCH - 1)
