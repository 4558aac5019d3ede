"""One viewer's way out: public frames from the hub, in order, exactly once, never blocking.

Once the connection's snapshot is out (`go_live`) and nothing is waiting, a frame is written
from the hub's loop straight to the socket (realtime/internals/uvicorn_websockets.py: the
bytes the hub built once), with no queue and no task switch per viewer: the bulk of a
broadcast's cost. Without a direct socket (another server, permessage-deflate, the path
switched off) it goes through ASGI, stepped in the hub's loop while the send need not wait
(realtime/internals/cpython_asyncio.py). Otherwise (snapshot still going out, socket backed
up, a send that had to wait) it waits, in order, in a bounded backlog that a writer task
drains through ASGI, which waits for the buffer. The backlog and the writer exist
only while needed (most viewers never need them, and every byte per connection counts at
10,000 viewers). A viewer whose backlog overflows is closed (4408) and resumes by seq.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass

from django.conf import settings

from realtime.codes import CloseCode
from realtime.internals.cpython_asyncio import eager_send_enabled, send_eagerly
from realtime.internals.uvicorn_websockets import DirectSocket, text_frame_bytes

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OutboundFrame:
    seq: int | None
    text: str
    # The WebSocket frame as it goes on the wire, built once for every viewer.
    wire: bytes


def encode_text(text: str, seq: int | None) -> OutboundFrame:
    return OutboundFrame(seq=seq, text=text, wire=text_frame_bytes(text))


class ViewerOutbox:
    """What the hub delivers to: one per connection."""

    __slots__ = (
        "_close",
        "_send_text",
        "backlog",
        "closing",
        "counts_as_watching",
        "eager",
        "in_flight",
        "live",
        "sees_viewer_count",
        "sent_seq",
        "socket",
        "writer",
    )

    def __init__(
        self,
        *,
        send_text: Callable[[str], Coroutine[None, None, None]],
        close: Callable[[int], Coroutine[None, None, None]],
        asgi_send: Callable[..., object],
        sees_viewer_count: bool,
    ) -> None:
        self._send_text = send_text
        self._close = close
        self.socket = DirectSocket.for_send(asgi_send)
        # Without a direct socket, a frame's ASGI send is stepped in the hub's loop while it
        # need not wait (realtime/internals/cpython_asyncio.py); `in_flight` is one that had to.
        self.eager = self.socket is None and eager_send_enabled()
        self.in_flight: asyncio.Task[None] | None = None
        self.sees_viewer_count = sees_viewer_count
        self.counts_as_watching = True
        # The highest published seq this viewer has been sent (snapshot, resume or live).
        self.sent_seq = 0
        self.live = False
        self.closing = False
        self.backlog: deque[OutboundFrame] | None = None
        self.writer: asyncio.Task[None] | None = None

    async def send_snapshot(self, frames: list[OutboundFrame]) -> None:
        """Send a joining viewer's first frames (before `go_live`): in one write of the
        bytes already built when the socket allows it, else one by one through ASGI."""
        socket = self.socket
        if socket is not None and socket.is_open() and socket.is_writable():
            socket.write(b"".join(frame.wire for frame in frames))
            return
        for frame in frames:
            await self._send_text(frame.text)

    def go_live(self) -> None:
        """The snapshot is out: frames held meanwhile follow it, then frames go straight out."""
        self.live = True
        if self.backlog:
            self._start_writer()

    def deliver(self, frame: OutboundFrame) -> bool:
        """Called by the hub for every public frame; never blocks. False once this viewer is
        gone or going (the hub then forgets it)."""
        if self.closing:
            return False
        if self.live and self.writer is None:
            if self.socket is not None:
                if not self.socket.is_open():
                    return False  # closing: the consumer's clean-up follows
                if self.socket.is_writable():
                    if self.claim(frame):
                        self.socket.write(frame.wire)
                    return True
                # The socket is backed up: wait behind what it already holds.
            elif self.eager and (self.in_flight is None or self.in_flight.done()):
                if self.claim(frame):
                    self.in_flight = send_eagerly(self._send_text(frame.text))
                return True
        if self.backlog is None:
            self.backlog = deque()
        if len(self.backlog) >= settings.CHAT_VIEWER_BACKLOG:
            # Too slow to keep up: drop the connection rather than the frame or the others.
            self.fail(CloseCode.TOO_SLOW)
            return False
        self.backlog.append(frame)
        if self.live and self.writer is None:
            self._start_writer()
        return True

    def deliver_together(self, frames: list[OutboundFrame], wire: bytes) -> bool:
        """Consecutive items published together, `wire` all their bytes: one write when the
        socket takes frames straight and none of them was sent yet (the usual case), else
        each as `deliver` would."""
        socket = self.socket
        if (
            socket is not None
            and self.live
            and self.writer is None
            and not self.closing
            and (frames[0].seq or 0) > self.sent_seq
            and socket.is_open()
            and socket.is_writable()
        ):
            self.sent_seq = frames[-1].seq or self.sent_seq
            socket.write(wire)
            return True
        return all(self.deliver(frame) for frame in frames)

    def claim(self, frame: OutboundFrame) -> bool:
        """True if `frame` is still to be sent (and counts it as sent): a seq'd item already
        sent in the snapshot or a resume is skipped."""
        if frame.seq is not None:
            if frame.seq <= self.sent_seq:
                return False
            self.sent_seq = frame.seq
        return True

    def fail(self, code: int) -> None:
        """Close this viewer's connection with `code` (from the hub's loop, without waiting);
        the client resumes by seq."""
        if self.closing:
            return
        self.closing = True
        asyncio.get_running_loop().create_task(self._close(code))

    def stop(self) -> None:
        """The connection is ending: nothing more goes out."""
        self.closing = True
        self.backlog = None
        for task in (self.writer, self.in_flight):
            if task is not None:
                task.cancel()
        self.writer = None
        self.in_flight = None

    def _start_writer(self) -> None:
        self.writer = asyncio.get_running_loop().create_task(self._write_backlog())

    async def _write_backlog(self) -> None:
        """Send the backlog through ASGI (which waits while the socket is backed up), then
        end: from then on frames go straight out again."""
        backlog = self.backlog
        try:
            if self.in_flight is not None:
                await self.in_flight  # a frame the hub began sending goes out first
                self.in_flight = None
            while backlog:
                frame = backlog.popleft()
                if self.claim(frame):
                    await self._send_text(frame.text)
        except Exception:
            # The viewer has gone (or was closed meanwhile): the consumer's clean-up follows.
            logger.debug("backlog send to a departing viewer failed", exc_info=True)
            return
        # No await between the emptiness check and here: nothing can slip in between.
        self.writer = None
        self.backlog = None
