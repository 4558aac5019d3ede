"""Every use of another library's private internals, in one place.

Written for, and tested with (pyproject.toml pins these ranges; requirements.lock the exact
versions CI runs):

- uvicorn 0.54 with its `websockets-sansio` WebSocket implementation and websockets 17.4:
  `DirectSocket` writes a broadcast frame's bytes straight to a viewer's transport, below
  ASGI. A published item goes to every viewer at once; through ASGI each copy costs a
  `websocket.send` message, uvicorn's checks and a fresh frame built by `websockets`: most of
  the CPU a broadcast takes. A server's frames are not masked, so the bytes are the same for
  every viewer and the hub builds them once.
- CPython 3.11's asyncio: `send_eagerly` steps a viewer's ASGI `send` coroutine by hand in
  the hub's loop (the path for viewers without a direct socket), finishing it in a task only
  if it must wait, which takes asyncio's private `_asyncio_future_blocking` flag. Python 3.12
  has eager tasks for this; on 3.11 a task per viewer per item costs five times as much
  (bench/outbox_bench.py, docs/performance.md).
- channels-redis 4.3: `fanout_route` picks the pub/sub channel and shard the way
  `RedisPubSubChannelLayer.group_send` does (`_consistent_hash`), so the committing thread
  can PUBLISH without a trip through an event loop (realtime/broadcast.py).

`check()` runs once per process at start-up (outreach/asgi.py): it verifies the versions and
the attributes each path relies on, and logs which delivery path is active and why; /healthz
shows the same. Each path can be switched off (CHAT_DIRECT_SOCKET, CHAT_EAGER_SEND,
CHAT_DIRECT_PUBLISH); without them everything goes through public APIs (ASGI `send` from a
writer task, `group_send`), only slower.
tests/realtime/test_direct_socket.py fails if an upgrade silently stops the direct path.
"""

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from django.conf import settings

try:
    from uvicorn.config import Config
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from uvicorn.server import ServerState
    from websockets.protocol import State

    _IMPORT_PROBLEM: str | None = None
except ImportError as missing:  # an upgrade moved them: the direct path stays off
    _IMPORT_PROBLEM = f"uvicorn or websockets has changed: {missing}"
from websockets.frames import Frame, Opcode

logger = logging.getLogger(__name__)

# The versions the direct paths were written for: (package, first tested, first untested).
TESTED_RANGES = {
    "uvicorn": ((0, 54), (0, 55)),
    "websockets": ((17, 4), (17, 5)),
    "channels-redis": ((4, 3), (4, 4)),
}
# What DirectSocket reads and writes on uvicorn's protocol object.
PROTOCOL_ATTRIBUTES = (
    "handshake_complete",
    "close_sent",
    "disconnected",
    "conn",
    "transport",
    "writable",
)


@dataclass(frozen=True)
class PathStatus:
    enabled: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "reason": self.reason}


_status: dict[str, PathStatus] = {}


def _in_tested_range(package: str) -> str | None:
    """None if `package`'s installed version is in its tested range, else why not."""
    low, high = TESTED_RANGES[package]
    try:
        installed = version(package)
    except Exception:
        return f"{package} is not installed"
    parts = tuple(int(part) for part in installed.split(".")[:2] if part.isdigit())
    if not low <= parts < high:
        return f"{package} {installed} is outside the tested range {low} to {high}"
    return None


def _check_direct_socket() -> PathStatus:
    if not settings.CHAT_DIRECT_SOCKET:
        return PathStatus(False, "switched off (CHAT_DIRECT_SOCKET=false)")
    for package in ("uvicorn", "websockets"):
        problem = _in_tested_range(package)
        if problem:
            return PathStatus(False, problem)
    if _IMPORT_PROBLEM:
        return PathStatus(False, _IMPORT_PROBLEM)
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


def _check_direct_publish() -> PathStatus:
    if not settings.CHAT_DIRECT_PUBLISH:
        return PathStatus(False, "switched off (CHAT_DIRECT_PUBLISH=false)")
    problem = _in_tested_range("channels-redis")
    if problem:
        return PathStatus(False, problem)
    try:
        from channels_redis.utils import _consistent_hash, decode_hosts  # noqa: F401
    except ImportError as error:
        return PathStatus(False, f"channels-redis has changed: {error}")
    return PathStatus(True, "PUBLISH from the committing thread")


def _check_eager_send() -> PathStatus:
    if not settings.CHAT_EAGER_SEND:
        return PathStatus(False, "switched off (CHAT_EAGER_SEND=false)")
    if sys.version_info[:2] != (3, 11):
        return PathStatus(False, f"written for Python 3.11, not {sys.version.split()[0]}")
    if not hasattr(asyncio.Future, "_asyncio_future_blocking"):
        return PathStatus(False, "asyncio.Future has no _asyncio_future_blocking")
    return PathStatus(True, "ASGI sends stepped in the hub's loop until they must wait")


def check() -> dict[str, PathStatus]:
    """Check every path's assumptions once per process and log which are active."""
    if not _status:
        _status["direct_socket"] = _check_direct_socket()
        _status["eager_send"] = _check_eager_send()
        _status["direct_publish"] = _check_direct_publish()
        for name, status in _status.items():
            logger.info(
                "realtime %s: %s (%s)", name, "on" if status.enabled else "off", status.reason
            )
    return dict(_status)


def reset() -> None:
    """Forget the checks' results (tests that change the settings)."""
    _status.clear()


def direct_socket_enabled() -> bool:
    return check()["direct_socket"].enabled


def direct_publish_enabled() -> bool:
    return check()["direct_publish"].enabled


def eager_send_enabled() -> bool:
    return check()["eager_send"].enabled


# -- writing to uvicorn's socket ---------------------------------------------------------


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


# -- stepping an ASGI send in the caller's stack ----------------------------------------


def send_eagerly(send: Coroutine[Any, Any, Any]) -> "asyncio.Task[None] | None":
    """Run `send` now, in the caller's stack, for as long as it does not have to wait.

    Writing a frame to a socket whose buffer has room never waits, so fanning out a frame
    costs each viewer a direct call instead of a task and a switch (Python 3.11 has no eager
    tasks). If `send` must wait (a full buffer), a task finishes it; it is returned so the
    caller can keep later frames behind it. A failed send (the viewer has gone) is the
    viewer's business, never the fan-out's.
    """
    try:
        waiting_on = send.send(None)
    except StopIteration:
        return None
    except Exception:
        logger.debug("send to a departing viewer failed", exc_info=True)
        return None
    return asyncio.get_running_loop().create_task(_finish_send(send, waiting_on))


async def _finish_send(send: Coroutine[Any, Any, Any], waiting_on: Any) -> None:
    try:
        while True:
            try:
                if waiting_on is None:  # a bare yield: give the loop one turn
                    await asyncio.sleep(0)
                else:
                    # What a task does with a yielded future: clear the flag, then wait.
                    waiting_on._asyncio_future_blocking = False
                    await waiting_on
            except BaseException as error:
                waiting_on = send.throw(error)
                continue
            waiting_on = send.send(None)
    except StopIteration:
        return
    except Exception:
        logger.debug("send to a departing viewer failed", exc_info=True)


# -- choosing channels-redis' pub/sub channel and shard ----------------------------------


def fanout_route(group: str, *, hosts: Any, prefix: str | None) -> tuple[str, dict[str, Any]]:
    """The Redis channel and host that RedisPubSubChannelLayer uses for `group`."""
    from channels_redis.utils import _consistent_hash, decode_hosts

    decoded = decode_hosts(hosts)
    channel = f"{prefix or 'asgi'}__group__{group}"
    return channel, decoded[_consistent_hash(channel, len(decoded))]
