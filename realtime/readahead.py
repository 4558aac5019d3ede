"""Reading a connection's incoming ASGI messages ahead of its handler.

A consumer handles its frames one at a time, each waiting for its database work. A
moderator's console that sends announcements faster than one commit's round trip would
then be served one commit per frame, however many are waiting. With a `ReadAhead`, the
frames that arrived while it was busy are visible, so a handler can take the consecutive
ones of one kind and commit them together. Everything is still handled in arrival order,
the disconnect included: it waits behind the frames sent before it, as it does without.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
# Shared and never appended to: what a connection that does not read ahead holds.
_NOTHING_WAITING: deque[Message] = deque(maxlen=0)


class ReadAhead:
    """The consumer's ASGI `receive`. Once `start()`ed (a moderator's connection), the
    messages that arrive while the handler works on a frame (`while_busy()`) are read into
    a queue, at most `limit`, where the handler can take them (`take_while`); the consumer
    is then served from the queue first. A message that arrives while the handler is idle
    passes straight through, as it does before `start()`: no task and no extra turn of the
    loop for a frame that comes alone."""

    __slots__ = (
        "_enabled",
        "_ended",
        "_failure",
        "_limit",
        "_receive",
        "_task",
        "_waiting",
    )

    def __init__(self, receive: Callable[[], Awaitable[Message]], *, limit: int) -> None:
        self._receive = receive
        self._limit = limit
        self._enabled = False
        # Made by start(): every viewer has a ReadAhead, and only moderators read ahead.
        self._waiting: deque[Message] = _NOTHING_WAITING
        self._task: asyncio.Task[None] | None = None
        self._ended = False  # the disconnect has been read: nothing more will come
        self._failure: Exception | None = None

    def start(self) -> None:
        """From now on, read ahead while the handler is busy."""
        if self._limit > 0 and not self._enabled:
            self._enabled = True
            self._waiting = deque()

    def while_busy(self) -> None:
        """The handler is starting on a frame: read what arrives meanwhile."""
        reading = self._task
        if (
            self._enabled
            and not self._ended
            and self._failure is None
            and (reading is None or reading.done())
        ):
            self._task = asyncio.get_running_loop().create_task(self._read())

    def stop(self) -> None:
        self._enabled = False
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._waiting = _NOTHING_WAITING

    async def __call__(self) -> Message:
        if self._waiting:
            return self._waiting.popleft()
        reading = self._task
        if reading is not None:
            # Nothing has arrived meanwhile: stop reading ahead, and read the next message
            # in the caller's own task. Waiting for the reader instead would take two more
            # turns of the event loop (the reader wakes, then the caller), and at 18:00 a
            # turn of a busy loop is 5-20 ms. The reader is waiting in receive (it only
            # awaits there), and a receive that is waiting loses nothing when cancelled: an
            # ASGI server's receive is a queue (uvicorn's, Daphne's and Channels' test
            # communicator's are asyncio.Queue.get), and the message stays in it.
            self._task = None
            reading.cancel()
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        return await self._receive()

    def take_while(self, keep: Callable[[Message], Any], *, most: int) -> list[Any]:
        """Take messages that have already arrived, from the front, while `keep` returns a
        truthy value for them (at most `most`); those values, in order."""
        taken: list[Any] = []
        while self._waiting and len(taken) < most:
            kept = keep(self._waiting[0])
            if not kept:
                break
            self._waiting.popleft()
            taken.append(kept)
        return taken

    async def _read(self) -> None:
        try:
            while len(self._waiting) < self._limit:
                message = await self._receive()
                self._waiting.append(message)
                if message.get("type") == "websocket.disconnect":
                    self._ended = True
                    return
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self._failure = error
