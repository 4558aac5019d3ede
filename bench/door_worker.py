"""The door benchmark's visitors (run by bench/door_bench.py, one or more processes).

`python bench/door_worker.py` reads one JSON command per line on stdin and answers one JSON
line on stdout (bench/fanout_worker.py's `serve`). It knows the portal only as a browser
behind nginx does: HTTP pages, their cookies and markup (`data-ws-path`, `data-last-seq`, the
`#feed` list), and the WebSocket protocol of docs/protocol.md.

A visitor loads pages over one keep-alive HTTP/1.1 connection (a small asyncio client: a
library's per-request overhead would land on the load generator's one core), keeps the
cookies the pages set, and opens the socket the page names with `?after=` the page's last
seq, the Origin the page was served from and, unless the page is the embed (a third-party
frame's cookies are blocked), those cookies. Every request carries what nginx adds
(`X-Forwarded-Proto: https`, `X-Forwarded-For`).

What each visitor saw is checked exactly when the storm is finished: the page's feed and
the socket's history together are every published item once, in order, each with its
published text, and every item published during the storm arrived after `synced`.
"""

import asyncio
import base64
import contextlib
import hashlib
import html
import json
import os
import re
import time
import zlib
from collections import Counter
from typing import Any, cast

from fanout_worker import body_now, masked, percentile, serve

SEQ_END = re.compile(rb"[,}]")
MESSAGE_TYPE = b'"type":"message"'
DATA_ATTRIBUTE = re.compile(r'data-(ws-path|last-seq)="([^"]*)"')
FEED_START = '<ol class="app-feed" id="feed">'
FEED_SEQ = re.compile(r'<li [^>]*data-seq="(\d+)"')
TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) door-bench"
ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# What a browser offers (brotli too: the portal does not answer with it, and the worker
# refuses an encoding it cannot read rather than misreading it).
ACCEPT_ENCODING = "gzip, deflate, br"


class PageError(Exception):
    """A page that did not answer 200: its status and what it said."""


class Headers:
    """What nginx passes on for one visitor: the public host, https, their address."""

    def __init__(self, host: str, index: int) -> None:
        self.host = host
        self.forwarded_for = f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"

    def common(self) -> str:
        return (
            f"Host: {self.host}\r\nUser-Agent: {USER_AGENT}\r\n"
            f"X-Forwarded-Proto: https\r\nX-Forwarded-For: {self.forwarded_for}\r\n"
        )


class Browser:
    """One visitor's pages: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, headers: Headers) -> None:
        self.port = port
        self.headers = headers
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def get(self, path: str) -> str:
        """GET `path` as a browser navigating to it; the page's text (PageError unless 200).
        A kept-alive connection the server has closed is opened again once."""
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                return await self._exchange(path)
            except (asyncio.IncompleteReadError, ConnectionResetError):
                self.close()
                if fresh or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, path: str) -> str:
        reader, writer = (
            cast(asyncio.StreamReader, self.reader),
            cast(asyncio.StreamWriter, self.writer),
        )
        cookie = self.cookie_header()
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\n{self.headers.common()}Accept: {ACCEPT_HTML}\r\n"
                f"Accept-Encoding: {ACCEPT_ENCODING}\r\nAccept-Language: en-GB,en;q=0.9\r\n"
                + (f"Cookie: {cookie}\r\n" if cookie else "")
                + "\r\n"
            ).encode()
        )
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields: list[tuple[str, str]] = []
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                fields.append((name.strip().lower(), value.strip()))
        found = dict(fields)
        if found.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
            body = b"".join(parts)
        elif "content-length" in found:
            body = await reader.readexactly(int(found["content-length"]))
        else:
            body = await reader.read()
            self.close()
        encoding = found.get("content-encoding", "identity").lower()
        if encoding == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding != "identity":
            raise PageError(f"HTTP {status}: a Content-Encoding the worker cannot read: {encoding}")
        if found.get("connection", "").lower() == "close":
            self.close()
        for name, value in fields:
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        text = body.decode("utf-8", "replace")
        if status != 200:
            title = TITLE.search(text)
            said = title.group(1) if title else text[:80].replace("\n", " ")
            raise PageError(f"HTTP {status}: {said}")
        return text


class Socket(asyncio.Protocol):
    """The live connection: keeps the history (every item before `synced`, parsed) and the
    seqs of live items after it; with `full`, every live item's text too (the moderator)."""

    def __init__(self, request: bytes, full: bool = False) -> None:
        self.request = request
        self.full = full
        loop = asyncio.get_running_loop()
        self.synced: asyncio.Future[float] = loop.create_future()
        self.history: list[tuple[int, str, str]] = []
        self.synced_seq: int | None = None
        self.last_seq: int | None = None
        self.disorder = 0
        self.live: list[tuple[float, dict[str, Any]]] = []
        self.close_code: int | None = None
        self.error_codes: list[str] = []
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.upgraded = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.synced.done():
            reason = f"closed with {self.close_code}" if self.close_code else "closed"
            self.synced.set_exception(ConnectionError(f"socket {reason} before synced"))

    def send_text(self, text: str) -> None:
        if self.transport is not None:
            self.transport.write(masked(0x1, text.encode()))

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(masked(0x8, (1000).to_bytes(2, "big")))
            self.transport.close()

    def take_live(self, seq: int) -> None:
        if self.last_seq is not None and seq != self.last_seq + 1:
            self.disorder += 1
        self.last_seq = seq

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buffer = self.buffer + data if self.buffer else data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            status = buffer[: buffer.find(b"\r\n")].decode("latin-1")
            if " 101 " not in status + " ":
                self.synced.set_exception(ConnectionError(f"socket refused: {status[9:]}"))
                if self.transport is not None:
                    self.transport.close()
                return
            self.upgraded = True
            buffer = buffer[end + 4 :]
        position, size = 0, len(buffer)
        while size - position >= 2:
            first, length = buffer[position], buffer[position + 1] & 0x7F
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
            payload, position, opcode = buffer[start:end], end, first & 0x0F
            if opcode == 0x1:
                self.take_text(payload, now)
            elif opcode == 0x9 and self.transport is not None:
                self.transport.write(masked(0xA, payload))
            elif opcode == 0x8:
                self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                if self.transport is not None:
                    self.transport.close()
        self.buffer = buffer[position:]

    def take_text(self, payload: bytes, now: float) -> None:
        if self.synced.done() and not self.full and MESSAGE_TYPE in payload:
            # A live item for a visitor: its seq is enough (found without a full parse).
            seq_at = payload.find(b'"seq":') + 6
            match = SEQ_END.search(payload, seq_at)
            self.take_live(int(payload[seq_at : match.start() if match else None]))
            return
        frame = json.loads(payload)
        kind = frame.get("type")
        if kind == "message":
            if self.synced.done():
                self.take_live(frame["seq"])
                self.live.append((now, frame))
            else:
                self.history.append((frame["seq"], frame.get("kind", ""), frame.get("body", "")))
        elif kind == "error":
            self.error_codes.append(str(frame.get("code")))
        elif kind == "synced" and not self.synced.done():
            self.synced_seq = self.last_seq = frame["last_seq"]
            self.synced.set_result(now)


def feed_section(page: str) -> str:
    """The markup inside the page's `#feed` list ("" if there is none). Found with str.find:
    a lazy regular expression over the 270 KB page took two thirds of the visitors' own CPU,
    and the visitors share one core (a storm then timed the load generator)."""
    start = page.find(FEED_START)
    if start < 0:
        return ""
    start += len(FEED_START)
    end = page.find("</ol>", start)
    return page[start:end] if end >= 0 else ""


def socket_request(path: str, headers: Headers, cookie: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\n{headers.common()}Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: https://{headers.host}\r\n"
        + (f"Cookie: {cookie}\r\n" if cookie else "")
        + "\r\n"
    ).encode()


async def open_socket(
    port: int, path: str, headers: Headers, cookie: str, full: bool = False
) -> Socket:
    loop = asyncio.get_running_loop()
    _, socket = await loop.create_connection(
        lambda: Socket(socket_request(path, headers, cookie), full), "127.0.0.1", port
    )
    return socket


class Visitor:
    """One person arriving: what they loaded, how long each part took, what went wrong."""

    def __init__(self, index: int, host: str) -> None:
        self.index = index
        self.headers = Headers(host, index)
        self.browser: Browser | None = None
        self.socket: Socket | None = None
        self.page_ms: float | None = None
        self.before_ms: list[float] = []
        self.socket_ms: float | None = None
        self.synced_ms: float | None = None
        self.error: str | None = None
        self.after = 0
        self.ws_path = ""
        self.page_last_seq: int | None = None
        self.feed_key: str | None = None


class Door:
    def __init__(self) -> None:
        self.expected: dict[int, tuple[str, str]] = {}
        self.visitors: list[Visitor] = []
        # Cookies each visitor index was given by its last live page (the returning socket).
        self.jars: dict[int, str] = {}
        # Distinct #feed sections seen, checked once each when the storm is finished.
        self.feeds: dict[str, tuple[int, str]] = {}
        self.probe: Socket | None = None

    async def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        op = command["op"]
        if op == "storm":
            return await self.storm(command)
        if op == "finish":
            return await self.finish(command)
        if op == "probe_start":
            return await self.probe_start(command)
        if op == "probe_stop":
            return await self.probe_stop()
        raise ValueError(op)

    # -- the storm ---------------------------------------------------------------------

    async def storm(self, command: dict[str, Any]) -> dict[str, Any]:
        """Every visitor of `indices` arrives at `start_at` (wall clock, shared by all the
        workers): `kind` "page" (the live or embed page first, `before` pages first for
        every `before_every`-th visitor, then the socket) or "socket" (the socket only, at
        `after`, with the cookies this index's last page set when `cookies`)."""
        port, host, kind = command["port"], command["host"], command["kind"]
        deadline = command["timeout"]
        self.visitors = [Visitor(index, host) for index in command["indices"]]
        self.feeds = {}

        async def arrive(visitor: Visitor) -> None:
            # Everyone arrives at `start_at`: a visitor's time runs from then, whenever this
            # loop got round to them (as a browser's clock would).
            began = command["start_at"]
            try:
                if kind == "page":
                    await self.load_page(visitor, port, command)
                    path = f"{visitor.ws_path}?after={visitor.after}"
                    cookie = "" if command["embed"] else self.jars.get(visitor.index, "")
                else:
                    visitor.after = command["after"]
                    path = f"{command['ws_path']}?after={visitor.after}"
                    cookie = self.jars.get(visitor.index, "") if command["cookies"] else ""
                opened = time.time()
                visitor.socket = await open_socket(port, path, visitor.headers, cookie)
                synced_at = await visitor.socket.synced
                visitor.socket_ms = (synced_at - opened) * 1000
                visitor.synced_ms = (synced_at - began) * 1000
            except PageError as error:
                visitor.error = f"{command['page'] if kind == 'page' else 'page'} {error}"
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                stage = "page" if visitor.page_ms is None and kind == "page" else "socket"
                visitor.error = f"{stage}: {error.__class__.__name__}: {error}"[:160]
            finally:
                if visitor.browser is not None:
                    visitor.browser.close()

        async def timed(visitor: Visitor) -> None:
            try:
                await asyncio.wait_for(arrive(visitor), deadline)
            except TimeoutError:
                stage = "page" if visitor.page_ms is None and kind == "page" else "socket"
                visitor.error = f"{stage}: no answer in {deadline:.0f} s"

        await asyncio.sleep(max(0.0, command["start_at"] - time.time()))
        await asyncio.gather(*(timed(visitor) for visitor in self.visitors))
        done = [v for v in self.visitors if v.error is None]
        return {
            "visitors": len(self.visitors),
            "synced_ms": [v.synced_ms for v in done],
            "page_ms": [v.page_ms for v in self.visitors if v.page_ms is not None],
            "before_ms": [ms for v in self.visitors for ms in v.before_ms],
            "socket_ms": [v.socket_ms for v in done],
            "errors": dict(Counter(v.error for v in self.visitors if v.error)),
        }

    async def load_page(self, visitor: Visitor, port: int, command: dict[str, Any]) -> None:
        browser = visitor.browser = Browser(port, visitor.headers)
        if command["before_every"] and visitor.index % command["before_every"] == 0:
            for path in command["before"]:
                started = time.time()
                try:
                    await browser.get(path)
                except PageError as error:
                    raise PageError(f"({path}) {error}") from None
                visitor.before_ms.append((time.time() - started) * 1000)
        started = time.time()
        page = await browser.get(command["page"])
        visitor.page_ms = (time.time() - started) * 1000
        attributes = dict(DATA_ATTRIBUTE.findall(page))
        if "ws-path" not in attributes or "last-seq" not in attributes:
            raise ValueError("the page names no live connection (data-ws-path, data-last-seq)")
        visitor.ws_path = attributes["ws-path"]
        visitor.after = visitor.page_last_seq = int(attributes["last-seq"] or 0)
        section = feed_section(page)
        key = hashlib.blake2b(section.encode(), digest_size=16).hexdigest()
        self.feeds.setdefault(key, (visitor.page_last_seq, section))
        visitor.feed_key = key
        if not command["embed"]:
            self.jars[visitor.index] = browser.cookie_header()

    # -- finishing: every visitor's history, exactly -------------------------------------

    async def finish(self, command: dict[str, Any]) -> dict[str, Any]:
        """`items`: [seq, kind, body] of every item published in the webchat. Wait (up to
        30 s) until every synced visitor has every item up to `final_seq`, then check each
        one's page and history exactly and close them."""
        self.expected = {seq: (kind, body) for seq, kind, body in command["items"]}
        final = command["final_seq"]
        synced = [v for v in self.visitors if v.error is None and v.socket is not None]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(
            (v.socket.last_seq or 0) < final for v in synced if v.socket
        ):
            await asyncio.sleep(0.05)
        bad_feeds = {
            key for key, (last, section) in self.feeds.items() if not self.feed_ok(last, section)
        }
        problems: Counter[str] = Counter()
        for visitor in synced:
            socket = cast(Socket, visitor.socket)
            if visitor.feed_key in bad_feeds:
                problems["the page's feed was not every item up to its last seq, in order"] += 1
            want = list(range(visitor.after + 1, (socket.synced_seq or 0) + 1))
            if [seq for seq, _, _ in socket.history] != want:
                problems["the socket's history was not the items after `after`, in order"] += 1
            elif any(self.expected.get(seq) != (kind, body) for seq, kind, body in socket.history):
                problems["an item in the socket's history differs from what was published"] += 1
            if socket.disorder:
                problems["live items out of order"] += 1
            if socket.last_seq != final:
                problems[f"live items missing (last seq {socket.last_seq}, not {final})"] += 1
            socket.close()
        for visitor in self.visitors:
            if visitor.socket is not None:
                visitor.socket.close()
        self.visitors = []
        self.feeds = {}
        await asyncio.sleep(0.2)
        return {"checked": len(synced), "problems": dict(problems)}

    def feed_ok(self, last_seq: int, section: str) -> bool:
        """The page's feed: exactly items 1..`last_seq` in order, each with its text."""
        chunks = section.split("<li ")[1:]
        seqs = [int(seq) for seq in FEED_SEQ.findall(section)]
        if seqs != list(range(1, last_seq + 1)) or len(chunks) != last_seq:
            return False
        return all(
            f"app-feed__item--{self.expected[seq][0]}" in chunk
            and html.escape(self.expected[seq][1]) in chunk
            for seq, chunk in zip(seqs, chunks, strict=True)
            if seq in self.expected
        ) and all(seq in self.expected for seq in seqs)

    # -- the staff probe -------------------------------------------------------------------

    async def probe_start(self, command: dict[str, Any]) -> dict[str, Any]:
        """A moderator's socket (`cookie`) announcing every `interval` s until probe_stop,
        each announcement timed from its sending to its return as a published item."""
        headers = Headers(command["host"], 0)
        self.probe = await open_socket(
            command["port"],
            command["ws_path"] + f"?after={command['after']}",
            headers,
            command["cookie"],
            full=True,
        )
        await asyncio.wait_for(self.probe.synced, 30)
        self.probe_stop_event = asyncio.Event()
        self.probe_sent: dict[str, float] = {}
        probe, interval = self.probe, command["interval"]

        async def announce() -> None:
            while not self.probe_stop_event.is_set():
                body = body_now()
                self.probe_sent[body] = time.time()
                probe.send_text(json.dumps({"type": "announce", "body": body}))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.probe_stop_event.wait(), interval)

        self.probe_task = asyncio.create_task(announce())
        return {"synced_seq": self.probe.synced_seq}

    async def probe_stop(self) -> dict[str, Any]:
        self.probe_stop_event.set()
        await self.probe_task
        probe = cast(Socket, self.probe)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(
            {frame["body"] for _, frame in probe.live} & self.probe_sent.keys()
        ) < len(self.probe_sent):
            await asyncio.sleep(0.05)
        latencies = [
            (at - self.probe_sent[frame["body"]]) * 1000
            for at, frame in probe.live
            if frame.get("body") in self.probe_sent
        ]
        items = [[frame["seq"], frame["kind"], frame["body"]] for _, frame in probe.live]
        probe.close()
        return {
            "sent": len(self.probe_sent),
            "returned": len(latencies),
            "p50_ms": percentile(latencies, 0.50),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies, default=None),
            "items": items,
            "final_seq": probe.last_seq,
            "disorder": probe.disorder,
            "error_codes": sorted(set(probe.error_codes)),
        }


def main() -> None:
    async def run() -> None:
        await serve(Door())

    try:
        import uvloop

        uvloop.run(run())
    except ImportError:
        asyncio.run(run())


if __name__ == "__main__":
    main()
