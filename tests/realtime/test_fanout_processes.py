"""The process-local fan-out across real server processes: every viewer on every process gets
every published item once, in order, and a viewer that stops reading holds up nobody.

Whether a stalled socket is cut off (4408) here depends on the kernel's buffers (Linux grows
a loopback send buffer to megabytes), so this test accepts either outcome but checks both;
tests/chat/test_consumers.py pins the cut-off and resume with a consumer that is slow.

Two uvicorn processes (started as the Procfile does) share one Redis and a scratch database
(tests/harness.py); clients are real WebSocket connections.
"""

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from tests.harness import (
    Client,
    ServerProcess,
    child_env,
    connect_client,
    run_setup,
    start_uvicorn,
)

VIEWERS_PER_SERVER = 3
BACKLOG = 8
ITEMS = 200
BODY = "x" * 200


@pytest.fixture
def scratch(scratch_database_url: str) -> dict[str, Any]:
    env = child_env(scratch_database_url, CHAT_VIEWER_BACKLOG=str(BACKLOG))
    return {"env": env, **run_setup(env, slug="fan-out")}


@pytest.fixture
def servers(scratch: dict[str, Any], tmp_path: Path) -> Iterator[list[ServerProcess]]:
    started = start_uvicorn(2, scratch["env"], tmp_path)
    try:
        yield started
    finally:
        for server in started:
            server.stop()
            # Shown by pytest only when the test fails.
            print(f"--- {server.log.name} ---\n{server.output()}")


def _stalled_socket(port: int) -> socket.socket:
    """A connected socket with a tiny receive buffer, for a viewer that will not read."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


async def _read_what_was_sent(client: Client) -> int | None:
    """Read what a stalled viewer was sent; returns the close code if it was cut off."""
    try:
        await client.drain(quiet=1.0)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    return None


async def test_items_reach_every_viewer_on_every_process_in_order_and_a_stalled_one_resumes(
    servers: list[ServerProcess], scratch: dict[str, Any]
) -> None:
    slug = scratch["slug"]
    port_a, port_b = servers[0].port, servers[1].port
    viewers = [
        await connect_client(f"viewer {index} on {name}", port, slug)
        for name, port in (("A", port_a), ("B", port_b))
        for index in range(VIEWERS_PER_SERVER)
    ]
    stalled = [
        await connect_client(
            f"stalled on {name}", port, slug, sock=_stalled_socket(port), max_queue=1
        )
        for name, port in (("A", port_a), ("B", port_b))
    ]
    moderator = await connect_client(
        "moderator on A", port_a, slug, session=scratch["moderator_session"]
    )
    clients = [*viewers, *stalled, moderator]
    try:
        for index in range(ITEMS):
            await moderator.send({"type": "announce", "body": f"{index} {BODY}"})

        expected = list(range(1, ITEMS + 1))
        for viewer in viewers:
            await viewer.until(lambda f: f["type"] == "message" and f["seq"] == ITEMS, 30.0)
            await viewer.drain(quiet=0.5)
            assert viewer.seqs() == expected, viewer.name
            assert [f["body"].split()[0] for f in viewer.frames if f["type"] == "message"] == [
                str(seq - 1) for seq in expected
            ]

        # The stalled viewers held up nobody. Whatever their buffers took, they were sent a
        # gapless prefix; one cut off for falling behind (4408) resumes with the rest.
        for client in stalled:
            code = await _read_what_was_sent(client)
            received = client.seqs()
            assert received == list(range(1, len(received) + 1)), client.name
            if code is None:
                assert received == expected, client.name
                continue
            assert code == 4408, client.name
            port = port_a if client.name.endswith("A") else port_b
            resumed = await connect_client(
                f"{client.name}, resumed", port, slug, after=received[-1] if received else 0
            )
            clients.append(resumed)
            assert received + resumed.seqs() == expected, client.name
    finally:
        await asyncio.gather(*(c.ws.close() for c in clients), return_exceptions=True)
