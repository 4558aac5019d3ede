"""A client's ping frames count against the frame budget (docs/protocol.md, "Limits on what
a client sends"): uvicorn answers them without the consumer seeing them, so without the
count a client could make the server write a pong for every ping, for ever."""

import asyncio
import json

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed

from tests.live import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)

RECEIVE_TIMEOUT = 10


async def join(port: int, slug: str) -> ClientConnection:
    # No keepalive of the client's own: the test sends every ping itself.
    ws = await connect(
        f"ws://127.0.0.1:{port}/ws/events/{slug}/",
        additional_headers=Headers(origin=f"http://127.0.0.1:{port}"),
        ping_interval=None,
    )
    while json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT))["type"] != "synced":
        pass
    return ws


async def close_code(ws: ClientConnection) -> int | None:
    """Read until the server closes; its close code (a TimeoutError if it never does)."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None


async def test_a_flood_of_pings_closes_the_connection_1008(live: LiveEvent, server: int) -> None:
    ws = await join(server, live.event.slug)

    # The budget's burst (30) and its refusals in a row (20), and more: sent at once.
    for _ in range(80):
        await ws.ping()

    assert await close_code(ws) == 1008


async def test_pings_then_a_frame_beyond_the_burst_are_refused_rate_limited(
    live: LiveEvent, server: int
) -> None:
    ws = await join(server, live.event.slug)

    for _ in range(30):
        await ws.ping()
    await ws.send(json.dumps({"type": "resume", "after": 0}))

    frame = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT))
    assert frame["type"] == "error" and frame["code"] == "rate_limited"
    await ws.close()


async def test_a_keepalive_ping_is_answered_and_the_connection_goes_on(
    live: LiveEvent, server: int
) -> None:
    ws = await join(server, live.event.slug)

    # A browser never pings (the server does); a client library pings every 20 s or so.
    for _ in range(5):
        await asyncio.wait_for(await ws.ping(), RECEIVE_TIMEOUT)
    await ws.send(json.dumps({"type": "resume", "after": 0}))

    assert json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT)) == {
        "type": "synced",
        "last_seq": 0,
    }
    await ws.close()
