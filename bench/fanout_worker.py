"""The fan-out benchmark's load generator and publisher (run by bench/fanout_bench.py).

`python bench/fanout_worker.py load` holds the viewers; `... publish <kind>` publishes
(`portal-socket`: a moderator's `announce` frames through the WebSocket, as production;
`portal`: `announcement_post` called in this process, the driver; `reference`; `stock`).
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
import contextlib
import json
import math
import os
import re
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
MESSAGE_TYPE = b'"type":"message"'
SEQ_END = re.compile(rb"[,}]")


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


def server_cpu(pids: list[int]) -> float:
    """CPU seconds the server processes have used so far."""
    total = 0.0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


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


class LaneProbe:
    """The private lane during the storm (support/): every `interval` seconds a new person
    asks to talk privately; timed from sending `support_open` to each crisis worker's console
    receiving the `support_queue` frame for that conversation. Plain `websockets` clients:
    a few connections, where a library's overhead does not matter."""

    def __init__(
        self,
        port: int,
        path: str,
        *,
        worker_cookies: list[str],
        person_cookies: list[str],
        interval: float = 1.0,
    ) -> None:
        self.url = f"ws://127.0.0.1:{port}{path.split('?', 1)[0]}"
        self.origin = f"http://127.0.0.1:{port}"
        self.worker_cookies = worker_cookies
        self.person_cookies = list(person_cookies)
        self.interval = interval
        self.stopping = asyncio.Event()
        # Per conversation: when it was asked for, and when each console heard of it.
        self.sent_at: dict[int, float] = {}
        self.heard_at: dict[int, list[float]] = {}
        self.errors: list[str] = []

    async def _open(self, cookie: str) -> Any:
        from websockets.asyncio.client import connect
        from websockets.typing import Origin

        ws = await connect(
            self.url,
            origin=Origin(self.origin),
            additional_headers={"Cookie": cookie},
            proxy=None,
            open_timeout=60,
            max_size=None,
        )
        while json.loads(await ws.recv())["type"] != "synced":
            pass
        return ws

    async def start(self) -> None:
        self.consoles = [await self._open(f"sessionid={c}") for c in self.worker_cookies]
        self.listeners = [asyncio.create_task(self._listen(ws)) for ws in self.consoles]
        self.asker = asyncio.create_task(self._ask())

    async def _listen(self, ws: Any) -> None:
        with contextlib.suppress(Exception):
            async for text in ws:
                frame = json.loads(text)
                if frame["type"] == "support_queue" and frame["state"] == "waiting":
                    self.heard_at.setdefault(frame["conversation_id"], []).append(time.monotonic())

    async def _ask(self) -> None:
        import uuid

        while not self.stopping.is_set() and self.person_cookies:
            try:
                person = await self._open(f"outreach_guest={self.person_cookies.pop()}")
                sent = time.monotonic()
                await person.send(
                    json.dumps({"type": "support_open", "client_id": str(uuid.uuid4())})
                )
                while (frame := json.loads(await person.recv()))["type"] != "support_conversation":
                    if frame["type"] == "error":
                        raise RuntimeError(frame["message"])
                self.sent_at[frame["conversation_id"]] = sent
                await person.close()
            except Exception as error:
                self.errors.append(repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), self.interval)

    async def stop(self) -> dict[str, Any]:
        self.stopping.set()
        await self.asker
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(
            len(self.heard_at.get(c, [])) < len(self.consoles) for c in self.sent_at
        ):
            await asyncio.sleep(0.05)
        for ws in self.consoles:
            await ws.close()
        for listener in self.listeners:
            listener.cancel()
        # Each request's latency is the slowest of the consoles hearing of it.
        latencies = sorted(
            (max(self.heard_at[c]) - sent) * 1000
            for c, sent in self.sent_at.items()
            if len(self.heard_at.get(c, [])) == len(self.consoles)
        )

        def nearest(rank: float) -> float | None:
            if not latencies:
                return None
            return latencies[max(0, math.ceil(rank * len(latencies)) - 1)]

        return {
            "asked": len(self.sent_at),
            "heard_by_every_console": len(latencies),
            "consoles": len(self.consoles),
            "p50_ms": nearest(0.5),
            "p99_ms": nearest(0.99),
            "max_ms": latencies[-1] if latencies else None,
            "errors": self.errors[:5],
        }


class Viewer(asyncio.Protocol):
    def __init__(
        self,
        host: str,
        path: str,
        deflate: bool,
        cookie: str | None = None,
        stats: "Stats | None" = None,
    ) -> None:
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}"
            f"\r\nSec-WebSocket-Version: 13\r\nOrigin: http://{host}\r\n"
            + ("Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else "")
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "\r\n"
        ).encode()
        # Whose figures this viewer's live messages count in (watchers, the probe, ...).
        self.stats = stats or STATS
        # Seqs received before `synced` (the history), `synced`'s last_seq, and the last
        # live seq: a viewer got every item once, in order, if these join up with no gap.
        self.history_seqs: list[int] = []
        self.synced_seq: int | None = None
        self.last_seq: int | None = None
        self.errors: list[str] = []
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.upgraded = False
        self.inflate: Any = None
        self.reset_inflate = False
        self.synced: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self.next_seq: int | None = None
        self.count = 0
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

    def take_live(self, seq: int, payload: bytes, now: float) -> None:
        stats = self.stats
        if self.next_seq is not None and seq != self.next_seq:
            if seq < self.next_seq:
                stats.repeats += 1
            else:
                stats.gaps += 1
        self.next_seq = seq + 1
        self.last_seq = seq
        self.count += 1
        stats.received += 1
        body_at = payload.find(b'"body":"T') + 9
        if body_at >= 9:
            latency = now - float(payload[body_at : body_at + 17])
            bucket = int(latency * BUCKETS_PER_SECOND)
            stats.hist[min(max(bucket, 0), MAX_BUCKET)] += 1
        stats.last_receive = now

    def history_ok(self, after: int, at_least: int) -> bool:
        """Exactly the items after `after` up to `synced`'s last_seq, each once, in order,
        and at least `at_least` of them."""
        if self.synced_seq is None:
            return False
        expected = list(range(after + 1, self.synced_seq + 1))
        return self.history_seqs == expected and len(expected) >= at_least

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
                if self.synced.done() and MESSAGE_TYPE in payload:
                    # A live item: the keys are found wherever they are (PostgreSQL's jsonb
                    # reorders a stored payload's keys), without a full parse per message,
                    # which would make the load generator the bottleneck at 100,000/s.
                    seq_at = payload.find(b'"seq":') + 6
                    seq = int(payload[seq_at : SEQ_END.search(payload, seq_at).start()])  # type: ignore[union-attr]
                    self.take_live(seq, payload, now)
                    continue
                frame = json.loads(payload)
                kind = frame.get("type")
                if kind == "message":
                    if self.synced.done():
                        self.take_live(frame["seq"], payload, now)
                    else:
                        self.history_seqs.append(frame["seq"])
                elif kind == "synced":
                    if not self.synced.done():
                        self.synced_seq = frame["last_seq"]
                        self.last_seq = frame["last_seq"]
                        self.next_seq = frame["last_seq"] + 1
                        self.synced.set_result(now)
                elif kind == "ack" and self.acks:
                    self.acks.pop(0).set_result(None)
                elif kind == "error":
                    self.errors.append(frame.get("code", "?"))
            elif opcode == 0x9 and self.transport is not None:
                self.transport.write(masked(0xA, payload))
            elif opcode == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                if not self.closed.done():
                    self.closed.set_result(code)
                if self.transport is not None:
                    self.transport.close()
        self.buffer = buffer[position:]


async def finish(viewers: list["Viewer"], final: int, deadline: float) -> dict[str, Any]:
    """Wait (until `deadline`) for every viewer to have every item up to `final`, then
    close them; how many did not, disorder among them, and any error codes they got."""
    while time.monotonic() < deadline and any((v.last_seq or 0) < final for v in viewers):
        await asyncio.sleep(0.05)
    answer = {
        "incomplete": sum(1 for viewer in viewers if viewer.last_seq != final),
        "disorder": sum(
            stats.gaps + stats.repeats
            for stats in {id(viewer.stats): viewer.stats for viewer in viewers}.values()
        ),
        "errors": sorted({code for viewer in viewers for code in viewer.errors}),
    }
    for viewer in viewers:
        viewer.close()
    return answer


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


class LoadGenerator:
    def __init__(self) -> None:
        self.viewers: list[Viewer] = []

    async def open_viewer(
        self,
        port: int,
        path: str,
        deflate: bool,
        cookie: str | None = None,
        stats: Stats | None = None,
    ) -> Viewer:
        loop = asyncio.get_running_loop()
        _, viewer = await loop.create_connection(
            lambda: Viewer(f"127.0.0.1:{port}", path, deflate, cookie, stats), "127.0.0.1", port
        )
        return viewer

    async def open_many(
        self,
        targets: list[list[int]],
        path: str,
        *,
        deflate: bool = False,
        cookies: list[str] | None = None,
        concurrency: int | None = None,
        after: int | None = None,
        history: int = 0,
        stats: Stats | None = None,
    ) -> tuple[list[Viewer], dict[str, Any]]:
        """Open viewers (`targets`: [[port, count], ...]), at most `concurrency` at a time
        (all at once when None), each with its own cookie if given. Each viewer's time runs
        from the start of the whole batch to its `synced`. With `after`, every viewer's
        history must be exactly the items after it up to `synced`, at least `history`."""
        limit = asyncio.Semaphore(concurrency) if concurrency else None
        times: list[float] = []
        failures: list[str] = []
        opened: list[Viewer] = []
        ports = [port for port, count in targets for _ in range(count)]
        began = time.time()

        async def one(index: int, port: int) -> None:
            cookie = cookies[index % len(cookies)] if cookies else None
            try:
                if limit is not None:
                    async with limit:
                        viewer = await self.open_viewer(port, path, deflate, cookie, stats)
                        synced_at = await asyncio.wait_for(viewer.synced, 60)
                else:
                    viewer = await self.open_viewer(port, path, deflate, cookie, stats)
                    synced_at = await asyncio.wait_for(viewer.synced, 60)
            except (OSError, TimeoutError) as error:
                failures.append(repr(error))
                return
            times.append(synced_at - began)
            opened.append(viewer)

        await asyncio.gather(*(one(index, port) for index, port in enumerate(ports)))
        elapsed = time.time() - began
        bad_history = (
            sum(1 for viewer in opened if not viewer.history_ok(after, history))
            if after is not None
            else 0
        )
        counts = [len(viewer.history_seqs) for viewer in opened]
        return opened, {
            "connected": len(opened),
            "failed": len(failures),
            "failures": failures[:3],
            "seconds": elapsed,
            "p50_ms": (percentile(times, 0.5) or 0) * 1000 if times else None,
            "p99_ms": (percentile(times, 0.99) or 0) * 1000 if times else None,
            "max_ms": max(times) * 1000 if times else None,
            "history_min": min(counts) if counts else None,
            "history_max": max(counts) if counts else None,
            "bad_history": bad_history,
        }

    async def connect(self, command: dict[str, Any]) -> dict[str, Any]:
        opened, answer = await self.open_many(
            command["targets"],
            command["path"],
            deflate=command.get("deflate", False),
            cookies=command.get("cookies"),
            concurrency=command.get("concurrency", 200),
            after=command.get("after"),
            history=command.get("history", 0),
        )
        self.viewers.extend(opened)
        return answer

    # -- the join storm: the storm's viewers in one load worker, the staff probe and the
    # watchers in another (so neither's figures include the other's own work) -------------

    async def watch_start(self, command: dict[str, Any]) -> dict[str, Any]:
        """`watchers` viewers join and wait; a moderator (`probe_cookie`) joins and announces
        through its socket every `probe_interval` seconds, as the console does, until
        `watch_stop`."""
        port = command["port"]
        self.watch_stats, self.probe_stats = Stats(), Stats()
        self.watchers, _ = await self.open_many(
            [[port, command["watchers"]]], command["path"], stats=self.watch_stats
        )
        moderator = await self.open_viewer(
            port, command["path"], False, command["probe_cookie"], self.probe_stats
        )
        await asyncio.wait_for(moderator.synced, 30)
        self.moderator = moderator
        self.probe_stop = asyncio.Event()
        interval = command.get("probe_interval", 0.25)

        async def probe() -> int:
            sent = 0
            while not self.probe_stop.is_set():
                moderator.send_text(json.dumps({"type": "announce", "body": body_now()}))
                sent += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.probe_stop.wait(), interval)
            return sent

        self.probe_task = asyncio.create_task(probe())
        self.lane_probe: LaneProbe | None = None
        if command.get("lane"):
            self.lane_probe = LaneProbe(port, command["path"], **command["lane"])
            await self.lane_probe.start()
        return {"watchers": len(self.watchers)}

    async def watch_stop(self, command: dict[str, Any]) -> dict[str, Any]:
        """Stop announcing; wait for every announcement's round trip and for every watcher
        to have every item; the figures."""
        self.probe_stop.set()
        sent = await self.probe_task
        deadline = time.monotonic() + 30
        while self.probe_stats.received < sent and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        final = self.moderator.last_seq or 0
        answer = await finish(self.watchers, final, deadline)
        answer.update(
            final_seq=final,
            probe_sent=sent,
            probe_received=self.probe_stats.received,
            probe=self.probe_stats.percentiles(),
            watchers={
                "n": len(self.watchers),
                "received": self.watch_stats.received,
                **self.watch_stats.percentiles(),
            },
        )
        answer["disorder"] += self.probe_stats.gaps + self.probe_stats.repeats
        if self.lane_probe is not None:
            answer["lane"] = await self.lane_probe.stop()
            self.lane_probe = None
        self.moderator.close()
        self.watchers = []
        await asyncio.sleep(0.5)
        return answer

    async def storm(self, command: dict[str, Any]) -> dict[str, Any]:
        """The storm: every viewer opens at once (or `concurrency` at a time), each timed
        from the storm's start to its `synced`, each one's history checked exactly (the
        items after `after` up to `synced`, at least `history` of them). The viewers stay
        open for `storm_finish`."""
        cpu_before = server_cpu(command["server_pids"])
        self.stormers, answer = await self.open_many(
            command["targets"],
            command["path"],
            cookies=command.get("cookies"),
            concurrency=command.get("concurrency"),
            after=command["after"],
            history=command["history"],
        )
        answer["server_cpu_s"] = server_cpu(command["server_pids"]) - cpu_before
        return answer

    async def storm_finish(self, command: dict[str, Any]) -> dict[str, Any]:
        """Wait until every storm viewer has every item up to `final_seq` (published during
        the storm), then close them: how many did not, and any disorder."""
        final = command.get("final_seq")
        if final is not None:
            answer = await finish(self.stormers, final, time.monotonic() + 30)
        else:
            answer = {"incomplete": 0, "disorder": 0, "errors": []}
            for viewer in self.stormers:
                viewer.close()
        self.stormers = []
        await asyncio.sleep(0.5)
        return answer

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
        if op == "storm":
            STATS.reset()
            return await self.storm(command)
        if op == "storm_finish":
            return await self.storm_finish(command)
        if op == "watch_start":
            return await self.watch_start(command)
        if op == "watch_stop":
            return await self.watch_stop(command)
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


class ModeratorSocketPublisher(Publisher):
    """A moderator's announcements as production makes them: `announce` frames through the
    moderator's own WebSocket into the web process, which runs `announcement_post` there."""

    def __init__(self, port: int, path: str, session: str) -> None:
        self.port = port
        self.path = path
        self.session = session

    async def start(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.typing import Origin

        self.ws = await connect(
            f"ws://127.0.0.1:{self.port}{self.path}",
            origin=Origin(f"http://127.0.0.1:{self.port}"),
            additional_headers={"Cookie": f"sessionid={self.session}"},
            compression=None,
            max_queue=None,
        )
        self.mine: set[str] = set()
        self.returned = 0
        self.drain = asyncio.create_task(self._read_incoming())

    async def _read_incoming(self) -> None:
        # The moderator receives every item too: reading keeps its socket from backing up,
        # and counts its own announcements back (each one committed and published).
        with contextlib.suppress(Exception):
            async for text in self.ws:
                frame = json.loads(text)
                if frame.get("type") == "message" and frame.get("body") in self.mine:
                    self.mine.discard(frame["body"])
                    self.returned += 1
                elif frame.get("type") == "error":
                    print(f"moderator socket error frame: {text!r}", file=sys.stderr, flush=True)

    async def publish_one(self) -> None:
        body = body_now()
        self.mine.add(body)
        await self.ws.send(json.dumps({"type": "announce", "body": body}))

    async def publish(self, command: dict[str, Any]) -> dict[str, Any]:
        """Publish; when `settle`, return only once every item has come back (committed and
        published: a storm's viewers must find all of the history)."""
        answer = await super().publish(command)
        if command.get("settle"):
            deadline = time.monotonic() + 60
            while self.mine and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        return answer


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
    # A storm command carries thousands of cookies.
    reader = asyncio.StreamReader(limit=2**25)
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
    elif sys.argv[2] == "portal-socket":
        handler = ModeratorSocketPublisher(int(sys.argv[3]), sys.argv[4], sys.argv[5])
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
