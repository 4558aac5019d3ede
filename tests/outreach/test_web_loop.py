"""The web process's loop takes on new connections a few at a time (outreach/web_loop.py).

Real sockets on loopback, the real loop class uvicorn is given; the clients are plain
blocking sockets in threads, so they arrive as a crowd would, all at once."""

import asyncio
import errno
import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from outreach import web, web_loop

CROWD = 300


class Echo(asyncio.Protocol):
    """Answers each connection's first line, recording the loop turn it was set up in."""

    def __init__(self, turns: "Turns", set_up: Counter[int]) -> None:
        self.turns = turns
        self.set_up = set_up

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.set_up[self.turns.now] += 1

    def data_received(self, data: bytes) -> None:
        self.transport.write(b"hello " + data)  # type: ignore[attr-defined]


class Turns:
    """Counts the loop's turns: a callback that puts itself back at the end of the ready
    queue runs once a turn."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.now = 0
        self.stopped = False
        loop.call_soon(self._tick)

    def _tick(self) -> None:
        self.now += 1
        if not self.stopped:
            self.loop.call_soon(self._tick)


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = web_loop.new_event_loop()
    yield loop
    loop.close()


def crowd_arrives(port: int, count: int, answers: list[bytes]) -> list[threading.Thread]:
    """`count` clients connect and send their line at the same moment, each in a thread."""
    gate = threading.Barrier(count)

    def client(index: int) -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            gate.wait()
            sock.sendall(f"{index}\n".encode())
            answers.append(sock.recv(100))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads


def test_a_crowd_is_set_up_a_few_per_turn_and_everyone_is_answered(
    loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_CONNECTIONS_PER_TURN", "8")

    async def main() -> tuple[Counter[int], list[bytes], int]:
        turns, set_up = Turns(loop), Counter[int]()
        server = await loop.create_server(lambda: Echo(turns, set_up), "127.0.0.1", 0)
        assert isinstance(server, web_loop.PacedServer)
        port = server.sockets[0].getsockname()[1]
        answers: list[bytes] = []
        threads = crowd_arrives(port, CROWD, answers)
        while len(answers) < CROWD:
            await asyncio.sleep(0.01)
        for thread in threads:
            await asyncio.to_thread(thread.join)
        server.close()
        await server.wait_closed()
        turns.stopped = True
        return set_up, answers, turns.now

    set_up, answers, _ = loop.run_until_complete(main())

    assert sorted(answers) == sorted(f"hello {i}\n".encode() for i in range(CROWD))
    assert sum(set_up.values()) == CROWD
    # Never more than 8 in one turn, so other work always came between.
    assert max(set_up.values()) <= 8
    assert len(set_up) >= CROWD // 8


def test_without_pacing_the_loop_serves_as_its_own(
    loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_CONNECTIONS_PER_TURN", "0")

    async def main() -> list[bytes]:
        turns, set_up = Turns(loop), Counter[int]()
        server = await loop.create_server(lambda: Echo(turns, set_up), "127.0.0.1", 0)
        assert not isinstance(server, web_loop.PacedServer)
        port = server.sockets[0].getsockname()[1]
        answers: list[bytes] = []
        threads = crowd_arrives(port, 20, answers)
        for thread in threads:
            await asyncio.to_thread(thread.join)
        server.close()
        turns.stopped = True
        return answers

    assert len(loop.run_until_complete(main())) == 20


def test_closing_the_server_drops_connections_not_yet_set_up(
    loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that connected but has said nothing is not uvicorn's yet: closing the
    server must close it, not leave it open for ever."""
    monkeypatch.delenv("WEB_CONNECTIONS_PER_TURN", raising=False)

    async def main() -> bytes:
        turns, set_up = Turns(loop), Counter[int]()
        server = await loop.create_server(lambda: Echo(turns, set_up), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        silent = socket.create_connection(("127.0.0.1", port), timeout=5)
        await asyncio.sleep(0.1)  # accepted, watched for its first bytes
        server.close()
        await server.wait_closed()
        turns.stopped = True
        try:
            return await asyncio.to_thread(silent.recv, 10)
        finally:
            silent.close()

    assert loop.run_until_complete(main()) == b""  # the server closed it


def test_a_connection_that_never_speaks_is_closed_and_the_server_goes_on(
    loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that connects and sends nothing must not hold a socket for ever (a crowd of
    them would use up the process's file descriptors)."""
    monkeypatch.delenv("WEB_CONNECTIONS_PER_TURN", raising=False)
    monkeypatch.setattr(web_loop, "SILENT_SECONDS", 0.2)

    async def main() -> tuple[bytes, list[bytes]]:
        turns, set_up = Turns(loop), Counter[int]()
        server = await loop.create_server(lambda: Echo(turns, set_up), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        silent = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            dropped = await asyncio.to_thread(silent.recv, 10)  # b"" once closed
        finally:
            silent.close()
        answers: list[bytes] = []
        for thread in crowd_arrives(port, 3, answers):
            await asyncio.to_thread(thread.join)
        server.close()
        await server.wait_closed()
        turns.stopped = True
        return dropped, answers

    dropped, answers = loop.run_until_complete(main())

    assert dropped == b""
    assert sorted(answers) == [b"hello 0\n", b"hello 1\n", b"hello 2\n"]


def test_out_of_file_descriptors_it_pauses_says_so_once_and_then_serves_again(
    loop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("WEB_CONNECTIONS_PER_TURN", raising=False)
    monkeypatch.setattr(web_loop, "ACCEPT_RETRY_SECONDS", 0.2)
    real_accept = socket.socket.accept
    refusals = [OSError(errno.EMFILE, os.strerror(errno.EMFILE))]

    def accept_out_of_descriptors(self: socket.socket) -> tuple[socket.socket, object]:
        if refusals:
            raise refusals.pop()
        return real_accept(self)

    monkeypatch.setattr(socket.socket, "accept", accept_out_of_descriptors)

    async def main() -> list[bytes]:
        turns, set_up = Turns(loop), Counter[int]()
        server = await loop.create_server(lambda: Echo(turns, set_up), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        answers: list[bytes] = []
        for thread in crowd_arrives(port, 3, answers):
            await asyncio.to_thread(thread.join)
        server.close()
        await server.wait_closed()
        turns.stopped = True
        return answers

    with caplog.at_level(logging.ERROR, logger="outreach.web_loop"):
        answers = loop.run_until_complete(main())

    assert sorted(answers) == [b"hello 0\n", b"hello 1\n", b"hello 2\n"]
    assert [record.getMessage() for record in caplog.records] == [
        f"web: cannot accept connections ({os.strerror(errno.EMFILE)}); trying again in 0.2 s"
    ]


def test_a_mistyped_setting_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONNECTIONS_PER_TURN", "lots")
    with pytest.raises(ValueError, match="WEB_CONNECTIONS_PER_TURN"):
        web_loop.connections_per_turn()
    monkeypatch.setenv("WEB_CONNECTIONS_PER_TURN", "-1")
    with pytest.raises(ValueError, match="WEB_CONNECTIONS_PER_TURN"):
        web_loop.connections_per_turn()


def test_the_web_command_runs_uvicorn_on_this_loop() -> None:
    argv = web.command(host="127.0.0.1", port=8000)

    assert argv[argv.index("--loop") + 1] == "outreach.web_loop:new_event_loop"


def test_the_web_command_bounds_idle_slow_and_oversized_clients() -> None:
    argv = web.command(host="127.0.0.1", port=8000)

    assert argv[argv.index("--timeout-keep-alive") + 1] == "5"
    assert argv[argv.index("--http") + 1] == (
        "realtime.internals.uvicorn_websockets:HeadTimeoutProtocol"
    )
    assert argv[argv.index("--h11-max-incomplete-event-size") + 1] == "16384"
    assert (
        web.UVICORN_OPTIONS["timeout_keep_alive"],
        web.UVICORN_OPTIONS["h11_max_incomplete_event_size"],
    ) == (5, 16384)
