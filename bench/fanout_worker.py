"""The fan-out benchmark's load generator and publisher (run by bench/fanout_bench.py).

`python bench/fanout_worker.py load` holds the viewers; `... publish <kind>` publishes.
Both read one JSON command per line on stdin and answer one JSON line on stdout.

The viewers speak WebSocket over plain asyncio protocols rather than through a client
library: a library's per-message overhead would cap the measurement long before the
servers do. Each viewer parses the frames itself (permessage-deflate included, when asked
for), answers pings, counts every `message` frame, checks the seqs arrive in order with no
gap or repeat, and takes the latency from the publish time stamp at the start of the body
(`T<unix time>`) to the moment the bytes were read.
"""

import asyncio
import base64
import json
import os
import sys
import time
import zlib
from array import array
from datetime import UTC, datetime
from typing import Any, cast

# Latency histogram: 0.1 ms buckets up to 60 s.
BUCKETS_PER_SECOND = 10_000
MAX_BUCKET = 60 * BUCKETS_PER_SECOND
BODY_CHARS = 120


def body_now() -> str:
    """A message body stamped with the publish time; every variant uses the same size."""
    stamp = f"T{time.time():017.6f} "
    return stamp + "x" * (BODY_CHARS - len(stamp))


def message_frame(seq: int) -> str:
    """The portal's announcement frame (chat.services._publish), for the other servers."""
    published_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    frame = {
        "type": "message",
        "seq": seq,
        "kind": "announcement",
        "body": body_now(),
        "author": "Moderator",
        "published_at": published_at,
    }
    return json.dumps(frame, separators=(",", ":"))


def masked(opcode: int, payload: bytes) -> bytes:
    """A client frame (clients must mask)."""
    length = len(payload)
    if length < 126:
        header = bytes([0x80 | opcode, 0x80 | length])
    elif length < 65536:
        header = bytes([0x80 | opcode, 0x80 | 126]) + length.to_bytes(2, "big")
    else:
        header = bytes([0x80 | opcode, 0x80 | 127]) + length.to_bytes(8, "big")
    mask = os.urandom(4)
    if not length:
        return header + mask
    key = (mask * (length // 4 + 1))[:length]
    body = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(length, "big")
    return header + mask + body


class Stats:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.received = 0
        self.gaps = 0
        self.repeats = 0
        self.hist = array("l", bytes(8 * (MAX_BUCKET + 1)))
        self.last_receive = 0.0

    def percentiles(self) -> dict[str, float | None]:
        total = sum(self.hist)
        if not total:
            return {"p50_ms": None, "p99_ms": None, "max_ms": None}
        wanted = {"p50_ms": total * 0.50, "p99_ms": total * 0.99}
        result: dict[str, float | None] = {}
        running = 0
        highest = 0
        for bucket, count in enumerate(self.hist):
            if not count:
                continue
            running += count
            highest = bucket
            for name, threshold in wanted.items():
                if name not in result and running >= threshold:
                    result[name] = bucket / BUCKETS_PER_SECOND * 1000
        result["max_ms"] = highest / BUCKETS_PER_SECOND * 1000
        return result


STATS = Stats()


class Viewer(asyncio.Protocol):
    def __init__(self, host: str, path: str, deflate: bool) -> None:
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}"
            f"\r\nSec-WebSocket-Version: 13\r\nOrigin: http://{host}\r\n"
            + ("Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else "")
            + "\r\n"
        ).encode()
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.upgraded = False
        self.inflate: Any = None
        self.reset_inflate = False
        self.synced: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self.next_seq: int | None = None
        self.count = 0
        self.history = 0
        self.acks: list[asyncio.Future[None]] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)
        if not self.synced.done():
            self.synced.set_exception(ConnectionError("closed before synced"))

    def send_text(self, text: str) -> None:
        if self.transport is not None:
            self.transport.write(masked(0x1, text.encode()))

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(masked(0x8, (1000).to_bytes(2, "big")))
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buffer = self.buffer + data if self.buffer else data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            head = buffer[:end].decode("latin-1").lower()
            if " 101 " not in head.split("\r\n", 1)[0]:
                self.synced.set_exception(ConnectionError(head.split("\r\n", 1)[0]))
                if self.transport is not None:
                    self.transport.close()
                return
            self.upgraded = True
            if "permessage-deflate" in head:
                self.inflate = zlib.decompressobj(-15)
                self.reset_inflate = "server_no_context_takeover" in head
            buffer = buffer[end + 4 :]
        position = 0
        size = len(buffer)
        stats = STATS
        while size - position >= 2:
            first = buffer[position]
            length = buffer[position + 1] & 0x7F
            start = position + 2
            if length == 126:
                if size - position < 4:
                    break
                length = int.from_bytes(buffer[start : start + 2], "big")
                start += 2
            elif length == 127:
                if size - position < 10:
                    break
                length = int.from_bytes(buffer[start : start + 8], "big")
                start += 8
            end = start + length
            if end > size:
                break
            payload = buffer[start:end]
            position = end
            opcode = first & 0x0F
            if first & 0x40 and self.inflate is not None:
                payload = self.inflate.decompress(payload + b"\x00\x00\xff\xff")
                if self.reset_inflate:
                    self.inflate = zlib.decompressobj(-15)
            if opcode == 0x1:
                if payload.startswith(b'{"type":"message"'):
                    seq_at = payload.find(b'"seq":') + 6
                    seq = int(payload[seq_at : payload.find(b",", seq_at)])
                    if not self.synced.done():
                        self.history += 1
                        continue
                    if self.next_seq is not None and seq != self.next_seq:
                        if seq < self.next_seq:
                            stats.repeats += 1
                        else:
                            stats.gaps += 1
                    self.next_seq = seq + 1
                    self.count += 1
                    stats.received += 1
                    body_at = payload.find(b'"body":"T') + 9
                    latency = now - float(payload[body_at : body_at + 17])
                    bucket = int(latency * BUCKETS_PER_SECOND)
                    stats.hist[min(max(bucket, 0), MAX_BUCKET)] += 1
                    stats.last_receive = now
                elif payload.startswith(b'{"type":"synced"'):
                    if not self.synced.done():
                        self.synced.set_result(now)
                elif payload.startswith(b'{"type":"ack"') and self.acks:
                    self.acks.pop(0).set_result(None)
            elif opcode == 0x9 and self.transport is not None:
                self.transport.write(masked(0xA, payload))
            elif opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                if not self.closed.done():
                    self.closed.set_result(code)
                if self.transport is not None:
                    self.transport.close()
        self.buffer = buffer[position:]


class LoadGenerator:
    def __init__(self) -> None:
        self.viewers: list[Viewer] = []

    async def open_viewer(self, port: int, path: str, deflate: bool) -> Viewer:
        loop = asyncio.get_running_loop()
        _, viewer = await loop.create_connection(
            lambda: Viewer(f"127.0.0.1:{port}", path, deflate), "127.0.0.1", port
        )
        return viewer

    async def connect(self, command: dict[str, Any]) -> dict[str, Any]:
        """Open viewers (`targets`: [[port, count], ...]) at most `concurrency` at a time."""
        limit = asyncio.Semaphore(command.get("concurrency", 200))
        times: list[float] = []
        failures: list[str] = []
        history: list[int] = []

        async def one(port: int) -> None:
            async with limit:
                began = time.time()
                try:
                    viewer = await self.open_viewer(port, command["path"], command["deflate"])
                    synced_at = await asyncio.wait_for(viewer.synced, 30)
                except (OSError, TimeoutError) as error:
                    failures.append(repr(error))
                    return
                times.append(synced_at - began)
                history.append(viewer.history)
                self.viewers.append(viewer)

        began = time.perf_counter()
        await asyncio.gather(
            *(one(port) for port, count in command["targets"] for _ in range(count))
        )
        elapsed = time.perf_counter() - began
        times.sort()
        return {
            "connected": len(times),
            "failed": len(failures),
            "failures": failures[:3],
            "seconds": elapsed,
            "p50_ms": times[len(times) // 2] * 1000 if times else None,
            "p99_ms": times[int(len(times) * 0.99)] * 1000 if times else None,
            "history_min": min(history) if history else None,
            "history_max": max(history) if history else None,
        }

    def reset(self) -> dict[str, Any]:
        STATS.reset()
        for viewer in self.viewers:
            viewer.count = 0
        return {"viewers": len(self.viewers)}

    async def wait(self, command: dict[str, Any]) -> dict[str, Any]:
        """Wait until `total` messages arrived, or nothing arrived for `quiet` seconds."""
        total = command["total"]
        quiet = command.get("quiet", 2.0)
        deadline = time.monotonic() + command.get("timeout", 60)
        last_count, last_change = -1, time.monotonic()
        while STATS.received < total and time.monotonic() < deadline:
            if STATS.received != last_count:
                last_count, last_change = STATS.received, time.monotonic()
            elif time.monotonic() - last_change > quiet:
                break
            await asyncio.sleep(0.01)
        counts = [viewer.count for viewer in self.viewers]
        return {
            "received": STATS.received,
            "gaps": STATS.gaps,
            "repeats": STATS.repeats,
            "min_per_viewer": min(counts) if counts else 0,
            "max_per_viewer": max(counts) if counts else 0,
            "closed": sum(1 for viewer in self.viewers if viewer.closed.done()),
            "last_receive": STATS.last_receive,
            **STATS.percentiles(),
        }

    async def close(self) -> dict[str, Any]:
        for viewer in self.viewers:
            viewer.close()
        closed = len(self.viewers)
        self.viewers = []
        await asyncio.sleep(0.5)
        return {"closed": closed}

    async def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        """`clients` askers, each asking and awaiting the ack in a loop for `seconds`."""
        askers = [
            await self.open_viewer(command["port"], command["path"], False)
            for _ in range(command["clients"])
        ]
        for asker in askers:
            await asyncio.wait_for(asker.synced, 30)
        latencies: list[float] = []
        stop_at = time.perf_counter() + command["seconds"]

        async def loop(asker: Viewer, index: int) -> None:
            number = 0
            while time.perf_counter() < stop_at:
                number += 1
                acked: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                asker.acks.append(acked)
                began = time.perf_counter()
                asker.send_text(
                    json.dumps(
                        {
                            "type": "ask",
                            "client_id": f"00000000-0000-4000-8000-{index:06d}{number:06d}",
                            "body": f"Question {number} from asker {index}: how do I report it?",
                        }
                    )
                )
                await asyncio.wait_for(acked, 30)
                latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(loop(asker, index) for index, asker in enumerate(askers)))
        elapsed = time.perf_counter() - began
        for asker in askers:
            asker.close()
        latencies.sort()
        return {
            "acked": len(latencies),
            "seconds": elapsed,
            "rate": len(latencies) / elapsed,
            "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else None,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else None,
        }

    async def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        op = command["op"]
        if op == "connect":
            return await self.connect(command)
        if op == "reset":
            return self.reset()
        if op == "wait":
            return await self.wait(command)
        if op == "close":
            return await self.close()
        if op == "ask":
            return await self.ask(command)
        raise ValueError(op)


# --- publishers -----------------------------------------------------------------------


class Publisher:
    """Publishes items at a paced rate; `publish_one` is the variant's publish action."""

    async def start(self) -> None:
        pass

    async def publish_one(self) -> None:
        raise NotImplementedError

    async def publish(self, command: dict[str, Any]) -> dict[str, Any]:
        rate, count = command["rate"], command["count"]
        began = time.perf_counter()
        behind = 0
        for index in range(count):
            due = began + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.05:
                behind += 1
            await self.publish_one()
        elapsed = time.perf_counter() - began
        return {
            "published": count,
            "seconds": elapsed,
            "rate": count / elapsed if elapsed else None,
            "late": behind,
        }

    async def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        if command["op"] == "publish":
            return await self.publish(command)
        raise ValueError(command["op"])


class PortalPublisher(Publisher):
    """A moderator's announcement, through the same service the moderator console calls."""

    def __init__(self, event_id: int, moderator_id: int) -> None:
        self.event_id = event_id
        self.moderator_id = moderator_id

    async def start(self) -> None:
        import django

        django.setup()
        from channels.db import database_sync_to_async

        from chat import services

        self.post = database_sync_to_async(services.announcement_post)

    async def publish_one(self) -> None:
        await self.post(event_id=self.event_id, actor_id=self.moderator_id, body=body_now())


class ReferencePublisher(Publisher):
    """One WebSocket to the reference server's /publish; it broadcasts each text."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.seq = 0

    async def start(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(f"ws://127.0.0.1:{self.port}/publish", compression=None)

    async def publish_one(self) -> None:
        self.seq += 1
        await self.ws.send(message_frame(self.seq))


class StockChannelsPublisher(Publisher):
    """`group_send` to the group every viewer joined, as Channels is usually written."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.seq = 0

    async def start(self) -> None:
        from channels_redis.core import RedisChannelLayer

        self.layer = RedisChannelLayer(hosts=[self.redis_url])

    async def publish_one(self) -> None:
        self.seq += 1
        await self.layer.group_send(
            os.environ.get("BENCH_GROUP", "bench"),
            {"type": "chat.message", "text": message_frame(self.seq)},
        )


async def serve(handler: Any) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print(json.dumps({"ready": True}), flush=True)
    while line := await reader.readline():
        command = json.loads(line)
        if command.get("op") == "exit":
            break
        try:
            result = await handler.handle(command)
        except Exception as error:
            result = {"error": repr(error)}
        print(json.dumps(result), flush=True)


def main() -> None:
    role = sys.argv[1]
    handler: Any
    if role == "load":
        handler = LoadGenerator()
    elif sys.argv[2] == "portal":
        handler = PortalPublisher(int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[2] == "reference":
        handler = ReferencePublisher(int(sys.argv[3]))
    else:
        handler = StockChannelsPublisher(sys.argv[3])

    async def run() -> None:
        if isinstance(handler, Publisher):
            await handler.start()
        await serve(handler)

    try:
        import uvloop

        uvloop.run(run())
    except ImportError:
        asyncio.run(run())


if __name__ == "__main__":
    main()
