"""Channels' `AsyncConsumer.__call__`, re-implemented: the one place this consumer leans on
how Channels works inside.

Written for Channels 4.0 to 4.3 (tested with 4.3.2; pinned `channels>=4.3.2,<4.4`). It relies
on these of Channels' internals: `AsyncWebsocketConsumer`'s `accept`, `send` and `close`
write through `self.base_send`; a message is handled by the method named after its type
(`websocket.receive` -> `websocket_receive`, which calls `receive`); `websocket_connect`
calls `connect`; the consumer's channel is `self.channel_layer` and `self.channel_name`,
made by `get_channel_layer(self.channel_layer_alias)` and `new_channel()`.

What it changes, and why:
- The client's frames are read by the consumer's own task, not by a task per frame that
  `await_many_dispatch` waits on: there, each frame woke a reader task, whose end woke the
  wait, which woke the consumer, three turns of the event loop before the handler started
  (at 18:00, 20-80 ms before a moderator's announcement was looked at). The private channel
  is read by a task of the lifecycle's own (the live chat's consumer, chat/consumers/).
- `dispatch` skips Channels' `aclose_old_connections()` hop before every handler: every
  database call here goes through `database_sync_to_async`, which closes stale connections
  itself, so that hop buys nothing and costs a thread-pool trip per frame.
- `websocket_disconnect` skips Channels' own handler's database hop (this consumer holds
  no connection to close; at 19:00 that was a queue of thousands of empty trips).
"""

from typing import Any

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from realtime.internals.ranges import TestedRange

TESTED = (TestedRange("channels", (4, 0), (4, 4)),)
# No switch: the live chat's consumer is built on this loop. Outside the tested range
# `manage.py check` warns (realtime.W003); test the new Channels before widening TESTED.


class ChannelsLoop(AsyncWebsocketConsumer):
    """The ASGI application's entry: open the channel, then hand the connection's whole life
    to `live(receive)`, which reads the client's messages and passes each to `dispatch`."""

    # The connection is ending: nothing more is read or sent.
    closing = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scope = scope
        self.base_send = send
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        await self.live(receive)

    async def live(self, receive: Any) -> None:
        raise NotImplementedError

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, message["type"].replace(".", "_"), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        """The client went away: the consumer's clean-up does the rest."""
        self.closing = True
        raise StopConsumer()
