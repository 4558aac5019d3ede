"""The live chat WebSocket, `/ws/events/<slug>/` (docs/protocol.md): a lifecycle base
(connection.py: connect, the frame loop, the private channel, clean-up and failure) and the
collaborators it holds. Channels' own loop, re-implemented, is
realtime/internals/channels_consumer.py."""

from chat.consumers.connection import PRIVATE_READER, EventChatConsumer
from chat.consumers.handlers import FRAME_HANDLERS, handles

__all__ = ["FRAME_HANDLERS", "PRIVATE_READER", "EventChatConsumer", "handles"]
