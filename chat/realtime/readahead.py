"""Reading a connection's incoming ASGI messages ahead of its handler.

A consumer handles its frames one at a time, each waiting for its database work. A
moderator's console that sends announcements faster than one commit's round trip would
then be served one commit per frame, however many are waiting. With a `ReadAhead`, the
frames that have already arrived are visible, so a handler can take the consecutive ones
of one kind and commit them together. Everything is still handled in arrival order, the
disconnect included: it waits behind the frames sent before it, as it does without.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
# Shared and never appended to: what a connection that does not read ahead holds.
_NOTHING_WAITING: deque[Message] = deque(maxlen=0)


class ReadAhead:
    """The consumer's ASGI `receive`: passes straight through until `start()`, then reads
    up to `limit` messages ahead in a task of its own (no more: a sender that outpaces its
    handler is held back by TCP, as before)."""

    __slots__ = ("_arrived", "_failure", "_limit", "_receive", "_room", "_task", "_waiting")

    def __init__(self, receive: Callable[[], Awaitable[Message]], *, limit: int) -> None:
        self._receive = receive
        self._limit = limit
        # Made by start(): every viewer has a ReadAhead, and only moderators read ahead.
        self._waiting: deque[Message] = _NOTHING_WAITING
        self._arrived: asyncio.Event | None = None
        self._room: asyncio.Event | None = None
        self._failure: Exception | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Read ahead from now on. Only while nobody is waiting in `__call__` (the consumer
        calls this from a handler, when its dispatch loop is not reading)."""
        if self._task is None and self._limit > 0:
            self._waiting = deque()
            self._arrived = arrived = asyncio.Event()
            self._room = room = asyncio.Event()
            room.set()
            self._task = asyncio.get_running_loop().create_task(self._read(arrived, room))

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._waiting = _NOTHING_WAITING

    async def __call__(self) -> Message:
        if self._task is None and not self._waiting:
            return await self._receive()
        while not self._waiting:
            if self._failure is not None:
                raise self._failure
            if self._task is None or self._task.done() or self._arrived is None:
                return await self._receive()
            self._arrived.clear()
            await self._arrived.wait()
        message = self._waiting.popleft()
        if self._room is not None:
            self._room.set()
        return message

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
        if taken and self._room is not None:
            self._room.set()
        return taken

    async def _read(self, arrived: asyncio.Event, room: asyncio.Event) -> None:
        try:
            while True:
                while len(self._waiting) >= self._limit:
                    room.clear()
                    await room.wait()
                message = await self._receive()
                self._waiting.append(message)
                arrived.set()
                if message.get("type") == "websocket.disconnect":
                    return  # nothing comes after it
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self._failure = error
            arrived.set()
