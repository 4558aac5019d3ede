"""uvicorn's internals, both uses: a broadcast frame's bytes written straight to a viewer's
socket, below ASGI; and a bound on how long a client may take to send a request's head.

Reached without nginx, uvicorn waits for ever for a request head sent a byte at a time: a
client holds a connection (and a file descriptor) as long as it likes. `HeadTimeoutProtocol`
is uvicorn's httptools protocol (what `--http auto` picks) with one timer: armed when a
request head is awaited (the connection is handed to uvicorn, or a response is complete and
nothing is pipelined), disarmed when the head is complete; when it fires the connection is
closed. It leans on uvicorn's `HttpToolsProtocol` hooks (`connection_made`,
`on_headers_complete`, `on_response_complete`, `connection_lost`, `pipeline`, `transport`,
`loop`); off (uvicorn's behaviour unchanged) when WEB_REQUEST_HEAD_SECONDS is 0, uvicorn is
outside `HEAD_TESTED`, or the class lacks a hook. tests/realtime/test_request_head_timeout.py
runs the real server with a client that trickles its head.

The direct socket:

Leans on uvicorn's `websockets-sansio` protocol object (its transport, its flags) and on
websockets' frame serialiser; written for and tested with the versions in `TESTED`
(pyproject.toml pins them). A published item goes to every viewer at once; through ASGI each
copy costs a `websocket.send` message, uvicorn's checks and a fresh frame built by
`websockets`: most of the CPU a broadcast takes. A server's frames are not masked, so the
bytes are the same for every viewer and the hub builds them once.

Off (ASGI `send` only) when CHAT_DIRECT_SOCKET is false, a version is outside `TESTED`, or
the protocol object lacks what `DirectSocket` uses. tests/realtime/test_direct_socket.py
fails if an upgrade silently stops this path.

Also here: the client's ping frames, which uvicorn answers itself (the application never
sees them), are counted against the connection's frame budget (`count_pings`), so a ping
flood ends like a frame flood. Off when CHAT_PING_BUDGET is false, outside `TESTED`, or
when the protocol object has no `handle_ping`; tests/chat/test_pings.py fails if an upgrade
silently stops it.
"""

import asyncio
from collections.abc import Callable
from typing import Any

from django.conf import settings

from realtime.internals.ranges import PathStatus, TestedRange, range_problem, status_once

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    HEAD_IMPORT_PROBLEM: str | None = None
except ImportError as missing:  # an upgrade moved it, or httptools is absent
    from uvicorn.protocols.http.auto import (  # type: ignore[assignment]
        AutoHTTPProtocol as HttpToolsProtocol,
    )

    HEAD_IMPORT_PROBLEM = f"uvicorn's httptools protocol cannot be imported: {missing}"
try:
    from uvicorn.config import Config
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from uvicorn.server import ServerState
    from websockets.protocol import State

    IMPORT_PROBLEM: str | None = None
except ImportError as missing:  # an upgrade moved them: the direct path stays off
    IMPORT_PROBLEM = f"uvicorn or websockets has changed: {missing}"
from websockets.frames import Frame, Opcode

PATH = "direct_socket"
SWITCH = "CHAT_DIRECT_SOCKET"
TESTED = (TestedRange("uvicorn", (0, 54), (0, 55)), TestedRange("websockets", (17, 4), (17, 5)))
# What DirectSocket reads and writes on uvicorn's protocol object.
PROTOCOL_ATTRIBUTES = (
    "handshake_complete",
    "close_sent",
    "disconnected",
    "conn",
    "transport",
    "writable",
)


def path_status() -> PathStatus:
    if not settings.CHAT_DIRECT_SOCKET:
        return PathStatus(False, "switched off (CHAT_DIRECT_SOCKET=false)")
    problem = range_problem(TESTED)
    if problem:
        return PathStatus(False, problem)
    if IMPORT_PROBLEM:
        return PathStatus(False, IMPORT_PROBLEM)
    try:
        # log_config=None: a Config applies uvicorn's own logging otherwise, replacing the
        # portal's (which removes network addresses) and turning the access log back on.
        config = Config(app=_no_app, ws="websockets-sansio", lifespan="off", log_config=None)
        config.load()
        # A loop of its own: the first check may come from a thread with none (a service
        # publishing from a worker thread), and the answer must not depend on that.
        probe_loop = asyncio.new_event_loop()
        try:
            probe = WebSocketsSansIOProtocol(
                config=config, server_state=ServerState(), app_state={}, _loop=probe_loop
            )
        finally:
            probe_loop.close()
    except Exception as error:
        return PathStatus(False, f"uvicorn's sansio protocol cannot be built: {error!r}")
    missing = [name for name in PROTOCOL_ATTRIBUTES if not hasattr(probe, name)]
    if missing:
        return PathStatus(False, f"uvicorn's protocol lacks {', '.join(missing)}")
    return PathStatus(True, "uvicorn websockets-sansio: frames written straight to sockets")


async def _no_app(scope: Any, receive: Any, send: Any) -> None:  # pragma: no cover
    return None


def direct_socket_enabled() -> bool:
    return status_once(PATH, path_status).enabled


PING_PATH = "ping_budget"
PING_SWITCH = "CHAT_PING_BUDGET"


def ping_path_status() -> PathStatus:
    if not settings.CHAT_PING_BUDGET:
        return PathStatus(False, "switched off (CHAT_PING_BUDGET=false)")
    problem = range_problem(TESTED) or IMPORT_PROBLEM
    if problem:
        return PathStatus(False, problem)
    if not callable(getattr(WebSocketsSansIOProtocol, "handle_ping", None)):
        return PathStatus(False, "uvicorn's protocol lacks handle_ping")
    return PathStatus(True, "uvicorn websockets-sansio: client pings count against the budget")


def count_pings(send: Callable[..., Any], take: Callable[[], object]) -> bool:
    """Call `take` (the connection's frame budget, which closes the connection once it is
    spent) for each ping frame the client sends, before uvicorn answers it. The pong still
    goes out: withholding it could drop other bytes queued with it. True if counted (under
    uvicorn's websockets-sansio only)."""
    if not status_once(PING_PATH, ping_path_status).enabled:
        return False
    protocol = getattr(send, "__self__", None)
    if not isinstance(protocol, WebSocketsSansIOProtocol):
        return False
    answer = protocol.handle_ping

    def handle_ping() -> None:
        take()
        answer()

    # On this one connection's protocol object only: uvicorn looks it up per ping.
    protocol.handle_ping = handle_ping  # type: ignore[method-assign]
    return True


def text_frame_bytes(text: str) -> bytes:
    """The bytes of an unmasked, unfragmented, uncompressed text frame (what a server sends)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class DirectSocket:
    """The transport behind one viewer's ASGI `send`, written to directly.

    Only when it is safe: the handshake is done, the connection is open and not closing, no
    extension is negotiated (permessage-deflate compresses per connection), and the transport
    is not paused (a backed-up viewer queues in its outbox, written through ASGI, which waits
    for the buffer to drain). Anywhere else (another server or implementation, Channels' test
    communicator, the path switched off) `for_send` returns None.
    """

    __slots__ = ("_protocol",)

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol

    @classmethod
    def for_send(cls, send: Callable[..., Any]) -> "DirectSocket | None":
        if not direct_socket_enabled():
            return None
        protocol = getattr(send, "__self__", None)
        if not isinstance(protocol, WebSocketsSansIOProtocol):
            return None
        if protocol.conn.extensions:
            return None
        return cls(protocol)

    def is_open(self) -> bool:
        """False once either side has begun closing: nothing more may be written."""
        protocol = self._protocol
        return bool(
            protocol.handshake_complete
            and not protocol.close_sent
            and not protocol.disconnected
            and protocol.conn.state is State.OPEN
        )

    def is_writable(self) -> bool:
        """False while the transport is paused: the viewer is not reading fast enough."""
        return bool(self._protocol.writable.is_set())

    def write(self, frame_bytes: bytes) -> None:
        self._protocol.transport.write(frame_bytes)


# -- the request head's timeout -------------------------------------------------------------

HEAD_PATH = "request_head_timeout"
HEAD_SWITCH = "WEB_REQUEST_HEAD_SECONDS"
HEAD_TESTED = (TestedRange("uvicorn", (0, 54), (0, 55)),)
HEAD_HOOKS = (
    "connection_made",
    "on_headers_complete",
    "on_response_complete",
    "connection_lost",
)


def head_path_status() -> PathStatus:
    seconds = settings.WEB_REQUEST_HEAD_SECONDS
    if not seconds:
        return PathStatus(False, "switched off (WEB_REQUEST_HEAD_SECONDS=0)")
    problem = range_problem(HEAD_TESTED) or HEAD_IMPORT_PROBLEM
    if problem:
        return PathStatus(False, problem)
    missing = [name for name in HEAD_HOOKS if not hasattr(HttpToolsProtocol, name)]
    if missing:
        return PathStatus(False, f"uvicorn's httptools protocol lacks {', '.join(missing)}")
    return PathStatus(True, f"a request's head must be complete within {seconds:g} s")


def head_seconds() -> float:
    """How long a request's head may take; 0 when the timeout is off."""
    if not status_once(HEAD_PATH, head_path_status).enabled:
        return 0.0
    return float(settings.WEB_REQUEST_HEAD_SECONDS)


class HeadTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose request head is not complete
    within `head_seconds()` of being awaited (the module's docstring says when)."""

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._head_timer_arm()

    def on_headers_complete(self) -> None:
        self._head_timer_disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        # A pipelined request already sent its head: it runs now, and must not be timed.
        # (getattr: the fallback protocol, with the timeout off, may have no pipeline.)
        awaiting_head = not getattr(self, "pipeline", None)
        super().on_response_complete()
        if awaiting_head and not self.transport.is_closing():
            self._head_timer_arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_timer_disarm()
        super().connection_lost(exc)

    def _head_timer_arm(self) -> None:
        self._head_timer_disarm()
        seconds = head_seconds()
        if seconds:
            self._head_timer = self.loop.call_later(seconds, self._head_timed_out)

    def _head_timer_disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        # No log line: a client that trickles its head on purpose would fill the logs.
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()
