"""Writing a broadcast frame straight to a viewer's socket, below ASGI.

A published item goes to every viewer of an event at once. Through ASGI, each viewer's copy
costs a `websocket.send` message, uvicorn's checks, and a fresh WebSocket frame built by the
`websockets` library: most of the CPU a broadcast takes. The bytes on the wire are the same
for every viewer (a server's frames are not masked), so the hub builds them once and, where
the server is uvicorn's `websockets-sansio` implementation (the one the Procfile runs),
writes them to each viewer's transport directly.

Only when it is safe: the handshake is done, the connection is open and not closing, no
extension is negotiated (permessage-deflate compresses per connection), and the transport
is not paused (a backed-up viewer queues in the consumer's backlog and is written through
ASGI, which waits for the buffer to drain). Anywhere else (another server, another
implementation, Channels' test communicator) `DirectSocket.for_send` returns None and the
consumer sends through ASGI as usual. tests/chat/test_direct_socket.py fails if an upgrade
of uvicorn stops this path from being taken.
"""

from collections.abc import Callable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State


def text_frame_bytes(text: str) -> bytes:
    """The bytes of an unmasked, unfragmented, uncompressed text frame (what a server sends)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class DirectSocket:
    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    @classmethod
    def for_send(cls, send: Callable[..., Any]) -> "DirectSocket | None":
        """The socket behind an ASGI `send`, if it is one we know how to write to."""
        protocol = getattr(send, "__self__", None)
        if not isinstance(protocol, WebSocketsSansIOProtocol):
            return None
        if protocol.conn.extensions:
            return None
        return cls(protocol)

    def is_open(self) -> bool:
        """False once either side has begun closing: nothing more may be written."""
        protocol = self._protocol
        return (
            protocol.handshake_complete
            and not protocol.close_sent
            and not protocol.disconnected
            and protocol.conn.state is State.OPEN
        )

    def is_writable(self) -> bool:
        """False while the transport is paused: the viewer is not reading fast enough."""
        return self._protocol.writable.is_set()

    def write(self, frame_bytes: bytes) -> None:
        self._protocol.transport.write(frame_bytes)
