"""One viewer's delivery path, in isolation: what the hub pays per viewer per published item.

    .venv/bin/python bench/outbox_bench.py [--viewers 1000] [--items 100] [--rounds 7]

Three ways realtime.outbox.ViewerOutbox can take a frame the hub has built once to
1,000 viewers, timed in one event loop, in interleaved rounds (A, B, C, A, B, C, ...),
reporting the median and the spread:

- direct: with a DirectSocket (as under uvicorn's websockets-sansio server): the frame's
  bytes, built once, written to each viewer's transport.
- asgi, stepped: without a direct socket (another server, permessage-deflate,
  CHAT_DIRECT_SOCKET=false), each viewer's ASGI `send` stepped in the hub's loop
  (realtime.internals.cpython_asyncio.send_eagerly, which leans on asyncio's private
  `_asyncio_future_blocking`).
- asgi, writer task: the same with CHAT_EAGER_SEND=false: public asyncio APIs only, a writer
  task per viewer per burst.

The ASGI `send` does what uvicorn's does for a writable socket (encode the frame for this
viewer, write it, no waiting); the direct transport only records the bytes. Each round checks that
every viewer received every item once and in order.
"""

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outreach.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from realtime.hub import encode  # noqa: E402
from realtime.internals import uvicorn_websockets  # noqa: E402
from realtime.outbox import OutboundFrame, ViewerOutbox  # noqa: E402


class Transport:
    """A writable socket: keeps what is written (for the correctness check)."""

    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)


class Protocol:
    """The attributes DirectSocket reads on uvicorn's protocol, all saying "open, writable"."""

    def __init__(self) -> None:
        from websockets.protocol import State

        class Conn:
            state = State.OPEN
            extensions: list[Any] = []

        class Writable:
            @staticmethod
            def is_set() -> bool:
                return True

        self.handshake_complete = True
        self.close_sent = False
        self.disconnected = False
        self.conn = Conn()
        self.writable = Writable()
        self.transport = Transport()


def frames(items: int) -> list[OutboundFrame]:
    return [
        encode({"type": "message", "seq": seq, "kind": "announcement", "body": "x" * 200})
        for seq in range(1, items + 1)
    ]


def check(every_item_once_in_order: bool) -> None:
    if not every_item_once_in_order:
        raise SystemExit("a viewer did not get every item once, in order")


async def no_close(code: int) -> None:
    raise AssertionError("no viewer should be closed")


def asgi_viewer() -> tuple[Callable[[str], Coroutine[Any, Any, None]], list[str]]:
    """An ASGI send as uvicorn's does it for a writable socket: the text is encoded into a
    WebSocket frame for this viewer alone, then written."""
    received: list[str] = []
    transport = Transport()

    async def send_text(text: str) -> None:
        transport.write(uvicorn_websockets.text_frame_bytes(text))
        received.append(text)

    return send_text, received


async def round_direct(viewers: int, items: list[OutboundFrame]) -> float:
    outboxes = []
    for _ in range(viewers):
        outbox = ViewerOutbox(
            send_text=asgi_viewer()[0], close=no_close, asgi_send=print, sees_viewer_count=False
        )
        protocol = Protocol()
        outbox.socket = uvicorn_websockets.DirectSocket(protocol)
        outbox.go_live()
        outboxes.append((outbox, protocol.transport))
    start = time.perf_counter()
    for frame in items:
        for outbox, _ in outboxes:
            outbox.deliver(frame)
    elapsed = time.perf_counter() - start
    expected = [frame.wire for frame in items]
    check(all(transport.written == expected for _, transport in outboxes))
    return elapsed


async def round_asgi(viewers: int, items: list[OutboundFrame], *, eager: bool) -> float:
    outboxes = []
    for _ in range(viewers):
        send_text, received = asgi_viewer()
        outbox = ViewerOutbox(
            send_text=send_text, close=no_close, asgi_send=print, sees_viewer_count=False
        )
        outbox.eager = eager  # as CHAT_EAGER_SEND says
        outbox.go_live()
        outboxes.append((outbox, received))
    start = time.perf_counter()
    for frame in items:
        for outbox, _ in outboxes:
            outbox.deliver(frame)
        await asyncio.sleep(0)  # the hub yields between frames
    while any(
        outbox.writer is not None or (outbox.in_flight and not outbox.in_flight.done())
        for outbox, _ in outboxes
    ):
        await asyncio.sleep(0)
    elapsed = time.perf_counter() - start
    expected = [frame.text for frame in items]
    check(all(received == expected for _, received in outboxes))
    return elapsed


async def round_eager(viewers: int, items: list[OutboundFrame]) -> float:
    return await round_asgi(viewers, items, eager=True)


async def round_writer_task(viewers: int, items: list[OutboundFrame]) -> float:
    return await round_asgi(viewers, items, eager=False)


VARIANTS = {
    "direct (CHAT_DIRECT_SOCKET)": round_direct,
    "asgi, stepped (CHAT_EAGER_SEND)": round_eager,
    "asgi, writer task (public APIs only)": round_writer_task,
}


async def main(viewers: int, item_count: int, rounds: int) -> None:
    items = frames(item_count)
    timings: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(rounds):
        for name, run in VARIANTS.items():
            timings[name].append(await run(viewers, items))
    deliveries = viewers * item_count
    print(f"{viewers:,} viewers x {item_count} items = {deliveries:,} deliveries, {rounds} rounds")
    print(f"{'path':40} {'median us/delivery':>20} {'spread (min-max)':>20}")
    for name, values in timings.items():
        per = [value / deliveries * 1e6 for value in values]
        print(f"{name:40} {statistics.median(per):>20.2f} {min(per):>9.2f}-{max(per):<10.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main(args.viewers, args.items, args.rounds))
