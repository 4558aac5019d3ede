"""The web process's event loop: uvloop (or asyncio's), taking on new connections a few at a
time.

uvicorn takes it as `--loop outreach.web_loop:new_event_loop` (a custom loop factory, a
documented uvicorn option); `outreach/web.py` writes the command line.

Why: at 18:00 thousands of viewers connect in the same second. The loop's own listener
accepts everything the kernel holds in one callback, and libuv then reads every connection
that has sent its WebSocket upgrade in one poll, parsing thousands of handshakes before it
runs a single other callback. A moderator's frame, and every item for the viewers already
watching, waited 0.7-1.0 s behind them (docs/performance.md). Limiting accepts alone was not
enough: the clients' upgrade requests arrive in bursts, so connections accepted over many
turns became readable in the same poll (1,309 handshakes read in one turn).

So this loop's servers take a connection in three steps: accept it (cheap: at most
ACCEPTS_PER_TURN per turn of the loop); wait, on a reader of our own, for its first bytes;
then hand it to the loop's own transport and uvicorn's protocol, at most
`WEB_CONNECTIONS_PER_TURN` (32) per turn. From the hand-over on, a connection is exactly
what the loop's own listener would have made. Between turns, staff frames and deliveries
go through. `WEB_CONNECTIONS_PER_TURN=0` gives the loop's own listener back.

Only public API is used: the loop's `add_reader`/`remove_reader`, `call_soon` and
`connect_accepted_socket`, and the `asyncio.AbstractServer` contract that uvicorn relies on
(`close`, `wait_closed`, `sockets`).
"""

import asyncio
import errno
import logging
import os
import socket
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

logger = logging.getLogger(__name__)

CONNECTIONS_PER_TURN_DEFAULT = 32
# Accepting and watching a socket costs a few microseconds; bounded all the same.
ACCEPTS_PER_TURN = 256
# Out of file descriptors: stop accepting this long, as asyncio's own listener does.
ACCEPT_RETRY_SECONDS = 1.0
# A connection that has sent nothing this long is closed: a client that connects and never
# speaks would otherwise hold a file descriptor for ever (nginx, in front in production,
# waits 60 s for a request's headers).
SILENT_SECONDS = 30.0
# A client gone before it was accepted: not the listener's problem.
GONE_ERRNOS = {errno.ECONNABORTED, errno.EPROTO, errno.ECONNRESET, errno.EPERM}
EXHAUSTED_ERRNOS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


def connections_per_turn() -> int:
    """WEB_CONNECTIONS_PER_TURN: new connections set up per loop turn; 0 turns pacing off."""
    raw = os.environ.get("WEB_CONNECTIONS_PER_TURN", "").strip()
    if not raw:
        return CONNECTIONS_PER_TURN_DEFAULT
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"WEB_CONNECTIONS_PER_TURN must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ValueError("WEB_CONNECTIONS_PER_TURN must be 0 (off) or more")
    return value


class PacedServer(asyncio.AbstractServer):
    """Listening sockets whose new connections are set up `per_turn` at a time."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        listeners: list[socket.socket],
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        per_turn: int,
    ) -> None:
        self._loop = loop
        self._listeners = listeners
        self._protocol_factory = protocol_factory
        self._per_turn = per_turn
        self._serving = False
        self._closed = asyncio.Event()
        # Accepted since the loop last ran its ready callbacks.
        self._accepted_this_turn = 0
        # Accepted, not yet heard from (watched by a reader of ours), by file descriptor,
        # with the timer that closes it if it stays silent.
        self._silent: dict[int, tuple[socket.socket, asyncio.TimerHandle]] = {}
        # Heard from, waiting for their turn to be handed over.
        self._spoken: deque[socket.socket] = deque()
        self._hand_over_scheduled = False
        self._connecting: set[asyncio.Task[None]] = set()

    # -- asyncio.AbstractServer -------------------------------------------------------

    @property
    def sockets(self) -> tuple[socket.socket, ...]:
        return tuple(self._listeners)

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def is_serving(self) -> bool:
        return self._serving

    async def start_serving(self) -> None:
        self._start()

    async def serve_forever(self) -> None:
        self._start()
        await self._closed.wait()

    def close(self) -> None:
        """Stop accepting. Connections not yet handed over are closed (their clients see
        the connection drop and retry); those handed over are uvicorn's to shut down."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._stop_listening()
        for listener in self._listeners:
            listener.close()
        for fd, (connection, timer) in list(self._silent.items()):
            timer.cancel()
            self._loop.remove_reader(fd)
            connection.close()
        self._silent.clear()
        while self._spoken:
            self._spoken.popleft().close()

    async def wait_closed(self) -> None:
        await self._closed.wait()
        if self._connecting:
            await asyncio.gather(*self._connecting, return_exceptions=True)

    # -- accepting ----------------------------------------------------------------------

    def _start(self) -> None:
        if self._serving or self._closed.is_set():
            return
        self._serving = True
        for listener in self._listeners:
            self._loop.add_reader(listener.fileno(), self._accept, listener)

    def _stop_listening(self) -> None:
        if not self._serving:
            return
        self._serving = False
        for listener in self._listeners:
            if listener.fileno() != -1:
                self._loop.remove_reader(listener.fileno())

    def _accept(self, listener: socket.socket) -> None:
        """Accept what waits, up to ACCEPTS_PER_TURN a turn (libuv polls again at once
        while polls come back full, so a per-call limit would not be one), and watch each
        for its first bytes."""
        if self._accepted_this_turn >= ACCEPTS_PER_TURN:
            return
        if self._accepted_this_turn == 0:
            self._loop.call_soon(self._new_turn)
        while self._accepted_this_turn < ACCEPTS_PER_TURN:
            try:
                connection, _address = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                if error.errno in GONE_ERRNOS:
                    continue
                if error.errno in EXHAUSTED_ERRNOS:
                    logger.error(
                        "web: cannot accept connections (%s); trying again in %g s",
                        os.strerror(error.errno),
                        ACCEPT_RETRY_SECONDS,
                    )
                    self._stop_listening()
                    self._loop.call_later(ACCEPT_RETRY_SECONDS, self._start)
                    return
                raise
            self._accepted_this_turn += 1
            connection.setblocking(False)
            if connection.family in (socket.AF_INET, socket.AF_INET6):
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            fd = connection.fileno()
            timer = self._loop.call_later(SILENT_SECONDS, self._give_up_on, fd, connection)
            self._silent[fd] = (connection, timer)
            self._loop.add_reader(fd, self._heard_from, connection)

    def _new_turn(self) -> None:
        self._accepted_this_turn = 0

    def _heard_from(self, connection: socket.socket) -> None:
        """The connection's first bytes (or its close) are waiting: queue it for set-up."""
        fd = connection.fileno()
        self._loop.remove_reader(fd)
        _, timer = self._silent.pop(fd)
        timer.cancel()
        self._spoken.append(connection)
        if not self._hand_over_scheduled:
            self._hand_over_scheduled = True
            self._loop.call_soon(self._hand_over)

    def _give_up_on(self, fd: int, connection: socket.socket) -> None:
        """SILENT_SECONDS without a byte: close it (nothing was started for it)."""
        waiting = self._silent.get(fd)
        if waiting is None or waiting[0] is not connection:
            return
        del self._silent[fd]
        self._loop.remove_reader(fd)
        connection.close()
        logger.debug("web: closed a connection that sent nothing for %.0f s", SILENT_SECONDS)

    def _hand_over(self) -> None:
        """Set up at most `per_turn` connections, then let the loop turn: the rest go in
        the next turns, after whatever became ready meanwhile."""
        self._hand_over_scheduled = False
        for _ in range(min(self._per_turn, len(self._spoken))):
            task = self._loop.create_task(self._connect(self._spoken.popleft()))
            self._connecting.add(task)
            task.add_done_callback(self._connecting.discard)
        if self._spoken:
            self._hand_over_scheduled = True
            self._loop.call_soon(self._hand_over)

    async def _connect(self, connection: socket.socket) -> None:
        try:
            await self._loop.connect_accepted_socket(self._protocol_factory, connection)
        except Exception as error:
            # The client left during set-up, or the protocol refused it: that connection
            # is closed; the listener carries on.
            logger.debug("web: an accepted connection failed to start: %s", error)
            connection.close()


def _listeners(host: Any, port: Any, backlog: int) -> list[socket.socket]:
    """Bound, listening, non-blocking sockets for `host` and `port`, bound as the loop's
    own `create_server` binds them (every address `host` resolves to; SO_REUSEADDR; IPv6
    sockets IPv6-only)."""
    names: Iterable[Any] = host if isinstance(host, list | tuple) else [host or None]
    infos = []
    for name in names:
        infos += socket.getaddrinfo(name, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    made: list[socket.socket] = []
    bound = set()
    try:
        for family, kind, proto, _canonical, address in infos:
            if (family, address) in bound:
                continue
            bound.add((family, address))
            listener = socket.socket(family, kind, proto)
            made.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listener.bind(address)
            listener.listen(backlog)
            listener.setblocking(False)
    except OSError:
        for listener in made:
            listener.close()
        raise
    return made


class PacedServing:
    """A loop's `create_server`, paced where it can be (plain TCP or a given socket, no
    TLS, pacing on); anything else goes to the loop's own."""

    async def create_server(
        self,
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        host: Any = None,
        port: Any = None,
        *,
        sock: socket.socket | None = None,
        backlog: int = 100,
        ssl: Any = None,
        start_serving: bool = True,
        **options: Any,
    ) -> asyncio.AbstractServer:
        per_turn = connections_per_turn()
        if per_turn == 0 or ssl is not None or options:
            return await super().create_server(  # type: ignore[misc]
                protocol_factory,
                host,
                port,
                sock=sock,
                backlog=backlog,
                ssl=ssl,
                start_serving=start_serving,
                **options,
            )
        if sock is not None:
            sock.listen(backlog)
            sock.setblocking(False)
            listeners = [sock]
        else:
            listeners = _listeners(host, port, backlog)
        loop: asyncio.AbstractEventLoop = self  # type: ignore[assignment]
        server = PacedServer(loop, listeners, protocol_factory, per_turn)
        if start_serving:
            await server.start_serving()
        return server


def _loop_class() -> type[asyncio.AbstractEventLoop]:
    try:
        import uvloop
    except ImportError:  # no uvloop on this platform: asyncio's loop, paced the same way
        base: type[asyncio.AbstractEventLoop] = asyncio.SelectorEventLoop
    else:
        base = uvloop.Loop
    return type("PacedLoop", (PacedServing, base), {})


PacedLoop = _loop_class()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvicorn's `--loop` factory: a new event loop whose servers take on new connections
    a few at a time."""
    return PacedLoop()
