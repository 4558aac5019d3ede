"""Public pages built once per change, not once per visitor: what the crowd at 18:00 loads.

A reader (no session, so not signed in and nothing kept for them; no message waiting to be
shown; a plain GET) sees the same home page, event page and live page as the next reader,
but for a value or two of their own (the live page's CSRF token and client id). Each
process keeps such a page as rendered for a reader, with stand-ins where those values go,
and fills them in per request (docs/performance.md, "The door").

A kept page is used while the version tokens it was built at are still the ones in Redis:
`changed()` gives a token a new value after the commit that changed what it covers (the
site's events and panels: `SITE`; one event's published items, pins and status:
`event_scope`). A kept page also lapses after LIFETIME_SECONDS, for what changes with
the clock alone (questions opening at a set time). Without Redis nothing is kept: every
visitor gets the page rendered in full, and a change made meanwhile shows within
LIFETIME_SECONDS once Redis is back.
"""

import asyncio
import contextlib
import itertools
import logging
import struct
import threading
import time
import uuid
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from core import languages
from core import redis as core_redis
from easyread.preferences import reading_view

logger = logging.getLogger(__name__)

LIFETIME_SECONDS = 10.0
REDIS_TIMEOUT_SECONDS = 0.5
# A token unused for a day is dropped; its next reader makes a new one.
TOKEN_SECONDS = 24 * 3600
SITE = "site"
# Where a reader's CSRF token goes (alphanumeric: escaping leaves it as it is).
CSRF_STAND_IN = "csrfstandin" + "0" * 53


def event_scope(event_id: int) -> str:
    return f"event:{event_id}"


def changed(*scopes: str) -> None:
    """New version tokens for `scopes`: pages built from the old state are built again at
    their next request. Call after the commit."""
    try:
        with _client().pipeline(transaction=False) as pipeline:
            for scope in scopes:
                pipeline.set(
                    core_redis.public_version_key(scope), uuid.uuid4().hex, ex=TOKEN_SECONDS
                )
            pipeline.execute()
    except (redis.RedisError, OSError) as error:
        logger.warning("kept pages of %s not renewed, Redis unavailable: %s", scopes, error)


def reading_variant(cookies: Mapping[str, str]) -> tuple[str, ...]:
    """The reading view a reader chose (easyread/preferences.py): an Easy Read reader and a
    standard one get different kept pages. Part of every reader's key (reader_key) and of
    the front door's routes."""
    return (reading_view(cookies).value,)


def is_reader(request: HttpRequest) -> bool:
    """A plain GET with no session, no message waiting and no query but the language
    chooser's: could be served a kept page. (Another query's values could end up on the
    page, in the chooser's links, for the next reader.)"""
    return (
        request.method == "GET"
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        and not request.COOKIES.get(CookieStorage.cookie_name)
        and not set(request.GET) - {languages.LANGUAGE_PARAMETER}
    )


def reader_key(request: HttpRequest, key: tuple[Any, ...]) -> tuple[Any, ...]:
    """A kept page's key for this reader: the page's own key, the reader's language
    (core.languages) and reading view, as the front door works them out."""
    return (*key, languages.request_variant(request), *reading_variant(request.COOKIES))


# A kept page's response says which kept page it is, for the front door (outreach/door.py),
# which removes the header before anything leaves the process.
DOOR_HEADER = "X-Outreach-Kept-Page"


@dataclass(frozen=True)
class DoorInfo:
    """What the front door needs to serve a kept page without Django: which page, the
    version scopes it is built at, and the event whose askers index decides whether a guest
    with the guest cookie is a reader (the live page and the embed), if any."""

    key: tuple[Any, ...]
    scopes: tuple[str, ...]
    guest_event_id: int | None = None


_door_infos: dict[int, DoorInfo] = {}
_door_ids: dict[DoorInfo, int] = {}


def door_info(door_id: str) -> DoorInfo | None:
    try:
        return _door_infos.get(int(door_id))
    except ValueError:
        return None


def _door_id(info: DoorInfo) -> int:
    with _kept_lock:
        found = _door_ids.get(info)
        if found is None:
            found = _door_ids[info] = len(_door_ids) + 1
            _door_infos[found] = info
        return found


# A gzip member's header: deflate, no name, no time, no extra flags, unknown OS.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# A deflate stream's last block: final, fixed codes, empty.
DEFLATE_END = b"\x03\x00"
GZIP_LEVEL = 6


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header's value allows gzip (named, or `*`, and not q=0)."""
    for part in accept_encoding.split(","):
        name, _, parameters = part.partition(";")
        if name.strip().lower() not in {"gzip", "x-gzip", "*"}:
            continue
        quality = parameters.strip().lower().removeprefix("q=").strip()
        try:
            if not parameters.strip() or float(quality) > 0:
                return True
        except ValueError:
            continue
    return False


def _deflated(data: bytes) -> bytes:
    """`data` as deflate blocks that end on a byte boundary and are not final: blocks made
    separately can follow each other in one stream."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stored(data: bytes) -> bytes:
    """`data` as stored (uncompressed) deflate blocks, not final: a reader's own values."""
    blocks = []
    for start in range(0, max(len(data), 1), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        blocks.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


@dataclass(frozen=True)
class KeptPage:
    versions: tuple[bytes, ...]
    expires_at: float
    status: int
    headers: tuple[tuple[str, str], ...]
    # The body cut at the stand-ins: text, slot, text, slot, ..., text.
    pieces: tuple[str, ...]
    door: DoorInfo | None = None
    # The texts between the slots, encoded, and compressed once for every reader who
    # accepts gzip (about a seventh of the size: docs/performance.md, "The door").
    texts: tuple[bytes, ...] = ()
    deflated_texts: tuple[bytes, ...] = ()
    # When the version read it was built at was sent (time.monotonic()): the page shows
    # every change whose token was renewed before then (`built_since`).
    read_at: float = 0.0

    @property
    def slots(self) -> frozenset[str]:
        return frozenset(self.pieces[1::2])

    def body(self, values: dict[str, str]) -> str:
        return "".join(
            piece if index % 2 == 0 else values[piece] for index, piece in enumerate(self.pieces)
        )

    def content(self, values: dict[str, str], gzip: bool) -> bytes:
        """The body for a reader, gzipped if `gzip`: the texts as compressed when the page
        was kept, the reader's values as stored blocks between them (no compression per
        request), one gzip member whose checksum covers it all."""
        slots = [values[slot].encode() for slot in self.pieces[1::2]]
        if not gzip:
            return b"".join(
                part
                for text, value in zip(self.texts, [*slots, b""], strict=True)
                for part in (text, value)
            )
        parts = [GZIP_HEADER]
        checksum = size = 0
        for text, deflated, value in zip(
            self.texts, self.deflated_texts, [*slots, b""], strict=True
        ):
            parts.append(deflated)
            checksum = zlib.crc32(text, checksum)
            if value:
                parts.append(_stored(value))
                checksum = zlib.crc32(value, checksum)
            size += len(text) + len(value)
        parts.append(DEFLATE_END)
        parts.append(struct.pack("<II", checksum, size & 0xFFFFFFFF))
        return b"".join(parts)

    def response(self, request: HttpRequest, values: dict[str, str]) -> HttpResponse:
        gzip = accepts_gzip(request.headers.get("Accept-Encoding", ""))
        response = HttpResponse(self.content(values, gzip), status=self.status)
        for name, value in self.headers:
            response[name] = value
        if gzip:
            response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ["Accept-Encoding"])
        add_never_cache_headers(response)
        if self.door is not None:
            response[DOOR_HEADER] = str(_door_id(self.door))
        return response


_kept: dict[tuple[Any, ...], KeptPage] = {}
_kept_lock = threading.Lock()


def forget_all() -> None:
    """Forget every kept page (for tests, whose ids repeat)."""
    with _kept_lock:
        _kept.clear()


_building: dict[tuple[Any, ...], threading.Lock] = {}
_in_build: set[tuple[Any, ...]] = set()
# Readers in an event loop (the front door, outreach/door.py) waiting for a build to end.
_waiters: dict[tuple[Any, ...], list[tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]]] = {}


@contextlib.contextmanager
def building(key: tuple[Any, ...]) -> Iterator[None]:
    """One build of a page at a time: when a publication makes the page stale while
    hundreds of readers are arriving, one renders it and the others wait for that page
    (then find it current) instead of each rendering it."""
    with _kept_lock:
        lock = _building.setdefault(key, threading.Lock())
    if not lock.acquire(blocking=False):
        # Someone is building it: wait without holding a database connection. The builder
        # needs one, and with hundreds of readers waiting on a pool of ten it would get none
        # (PoolTimeout after 10 s: seen on PostgreSQL with 5,000 visitors at once).
        _release_connections()
        lock.acquire()
    try:
        with _kept_lock:
            _in_build.add(key)
        yield
    finally:
        with _kept_lock:
            _in_build.discard(key)
            waiting = _waiters.pop(key, [])
        lock.release()
        for loop, future in waiting:
            loop.call_soon_threadsafe(_wake, future)


def _release_connections() -> None:
    """Give this thread's database connections back (to the pool, on PostgreSQL); the
    next query takes one again. Not inside a transaction."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def _wake(future: "asyncio.Future[None]") -> None:
    if not future.done():
        future.set_result(None)


def in_build(key: tuple[Any, ...]) -> bool:
    """Whether a thread is building `key` now."""
    with _kept_lock:
        return key in _in_build


async def build_finished(key: tuple[Any, ...], timeout: float) -> None:
    """Wait (at most `timeout` seconds) for the build of `key` under way, if any, to end:
    a reader who arrives while a publication's page is being built gets that page from
    the loop rather than waiting for it on a thread of their own."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()
    with _kept_lock:
        if key not in _in_build:
            return
        _waiters.setdefault(key, []).append((loop, future))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(future, timeout)


def current(key: tuple[Any, ...], versions: tuple[bytes, ...]) -> KeptPage | None:
    kept = _kept.get(key)
    if kept is None or kept.versions != versions or kept.expires_at < time.monotonic():
        return None
    return kept


def built_since(key: tuple[Any, ...], since: float) -> KeptPage | None:
    """The kept page of `key` if it was built at versions read at or after `since`
    (time.monotonic()), whatever tokens it carries: it shows every change made before a
    reader who arrived at `since` came, so it is current enough for them even when a later
    publication has made it stale since (the front door's readers waiting for a build)."""
    kept = _kept.get(key)
    if kept is None or kept.read_at < since or kept.expires_at < time.monotonic():
        return None
    return kept


def keep(
    key: tuple[Any, ...],
    versions: tuple[bytes, ...],
    response: HttpResponse,
    stand_ins: dict[str, str],
    door: DoorInfo | None = None,
    *,
    read_at: float,
) -> KeptPage:
    """Keep `response` (rendered with `stand_ins`: slot name -> the text standing in), built
    at `versions`, read from Redis at `read_at` (time.monotonic() before the read)."""
    pieces = [response.content.decode()]
    for slot, stand_in in stand_ins.items():
        cut: list[str] = []
        for index, piece in enumerate(pieces):
            if index % 2:
                cut.append(piece)
                continue
            for position, part in enumerate(piece.split(stand_in)):
                if position:
                    cut.append(slot)
                cut.append(part)
        pieces = cut
    texts = [piece.encode() for piece in pieces[0::2]]
    kept = KeptPage(
        versions=versions,
        expires_at=time.monotonic() + LIFETIME_SECONDS,
        status=response.status_code,
        headers=tuple(
            (name, value)
            for name, value in response.items()
            if name.lower()
            not in {"content-length", "cache-control", "expires", "content-encoding"}
        ),
        pieces=tuple(pieces),
        door=door,
        texts=tuple(texts),
        deflated_texts=tuple(_deflated(text) for text in texts),
        read_at=read_at,
    )
    with _kept_lock:
        _kept[key] = kept
    return kept


def versions(
    scopes: Iterable[str], also: Callable[[Any], None] | None = None
) -> tuple[tuple[bytes, ...], list[Any]] | None:
    """The version tokens of `scopes` (each made if missing), and the replies to whatever
    `also` added to the same pipeline (one round trip); None if Redis cannot answer."""
    scopes = list(scopes)
    client = _client()
    try:
        with client.pipeline(transaction=False) as pipeline:
            for scope in scopes:
                pipeline.get(core_redis.public_version_key(scope))
            if also is not None:
                also(pipeline)
            replies = pipeline.execute()
        tokens = list(replies[: len(scopes)])
        for index, token in enumerate(tokens):
            if token is None:
                key = core_redis.public_version_key(scopes[index])
                client.set(key, uuid.uuid4().hex, nx=True, ex=TOKEN_SECONDS)
                tokens[index] = client.get(key)
        if not all(isinstance(token, bytes) for token in tokens):
            return None
        return tuple(tokens), list(replies[len(scopes) :])
    except (redis.RedisError, OSError) as error:
        logger.debug("pages not kept, Redis unavailable: %s", error)
        return None


async def aversions(
    scopes: Sequence[str], also: Callable[[Any], None] | None = None
) -> tuple[tuple[bytes, ...], list[Any]] | None:
    """`versions` for an event loop; None also when a token is missing (a full render
    makes it). The readers of one loop turn share one round trip (`_VersionReads`)."""
    loop = asyncio.get_running_loop()
    reads = _version_reads.get(loop)
    if reads is None:
        reads = _version_reads[loop] = _VersionReads(loop)
    replies = await reads.read(scopes, also)
    if replies is None:
        return None
    tokens = tuple(replies[: len(scopes)])
    if not all(isinstance(token, bytes) for token in tokens):
        return None
    return tokens, list(replies[len(scopes) :])


# Batches of version reads waiting for Redis at once, at most: when Redis is slow to answer
# (a busy machine), the readers arriving meanwhile wait for one batch more rather than each
# turn opening a connection of its own (the pool's hundred ran out: "Too many connections").
MAX_READS_IN_FLIGHT = 4


class _VersionReads:
    """The version reads asked for in one turn of the loop, sent together in one pipeline
    at the end of the turn. At 18:00 hundreds of readers arrive per turn: one round trip
    (and one pooled connection) for all of them rather than one each. Nothing is shared
    across turns: a read is sent after its reader arrived, so it sees every change
    committed before that (a reader reloading after a publication gets the new page)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pending: list[
            tuple[Sequence[str], Callable[[Any], None] | None, asyncio.Future[list[Any] | None]]
        ] = []
        self.sends: set[asyncio.Task[None]] = set()

    def read(
        self, scopes: Sequence[str], also: Callable[[Any], None] | None
    ) -> "asyncio.Future[list[Any] | None]":
        future: asyncio.Future[list[Any] | None] = self.loop.create_future()
        if not self.pending and len(self.sends) < MAX_READS_IN_FLIGHT:
            self.loop.call_soon(self._send_pending)
        self.pending.append((scopes, also, future))
        return future

    def _send_pending(self) -> None:
        if not self.pending or len(self.sends) >= MAX_READS_IN_FLIGHT:
            return  # sent when a read in flight comes back
        batch, self.pending = self.pending, []
        task = self.loop.create_task(self._send(batch))
        self.sends.add(task)
        task.add_done_callback(self._sent)

    def _sent(self, task: "asyncio.Task[None]") -> None:
        self.sends.discard(task)
        if self.pending:
            self.loop.call_soon(self._send_pending)

    async def _send(
        self,
        batch: list[
            tuple[Sequence[str], Callable[[Any], None] | None, asyncio.Future[list[Any] | None]]
        ],
    ) -> None:
        spans: list[int] = []
        replies: list[Any] | None = None
        try:
            async with _async_client().pipeline(transaction=False) as pipeline:
                for scopes, also, _ in batch:
                    before = len(pipeline.command_stack)
                    for scope in scopes:
                        pipeline.get(core_redis.public_version_key(scope))
                    if also is not None:
                        also(pipeline)
                    spans.append(len(pipeline.command_stack) - before)
                replies = await pipeline.execute()
        except (aioredis.RedisError, OSError) as error:
            logger.debug("pages not kept, Redis unavailable: %s", error)
        finally:
            # Every reader gets an answer (None: Django renders their page), whatever failed.
            starts = [0, *itertools.accumulate(spans)]
            for index, (_, _, future) in enumerate(batch):
                if future.done():
                    continue
                if replies is None:
                    future.set_result(None)
                else:
                    start = starts[index]
                    future.set_result(list(replies[start : start + spans[index]]))


_version_reads: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _VersionReads]" = (
    weakref.WeakKeyDictionary()
)
_async_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis]" = (
    weakref.WeakKeyDictionary()
)


def _async_client() -> aioredis.Redis:
    # A client's connections belong to the loop that made them.
    loop = asyncio.get_running_loop()
    found = _async_clients.get(loop)
    if found is None:
        found = _async_clients[loop] = core_redis.async_client(timeout=REDIS_TIMEOUT_SECONDS)
    return found


def serve(
    request: HttpRequest,
    key: tuple[Any, ...],
    scopes: Sequence[str],
    render: Callable[[], HttpResponse],
) -> HttpResponse | None:
    """The page for a reader, kept or rendered now and kept (`render()` renders it for a
    reader, with CSRF_STAND_IN for a CSRF token); None if the request is not a reader's
    or Redis cannot say what is current: the caller renders the page as usual."""
    if not is_reader(request):
        return None
    key = reader_key(request, key)
    scopes = tuple(scopes)
    read_at = time.monotonic()
    found = versions(scopes)
    if found is None:
        return None
    tokens, _ = found
    kept = current(key, tokens)
    if kept is None:
        with building(key):
            kept = current(key, tokens)
            if kept is None:
                response = render()
                if response.status_code != 200:
                    return response
                kept = keep(
                    key,
                    tokens,
                    response,
                    {"csrf": CSRF_STAND_IN},
                    DoorInfo(key, scopes),
                    read_at=read_at,
                )
    return kept.response(request, reader_values(request, kept))


def reader_values(request: HttpRequest, kept: KeptPage, **values: str) -> dict[str, str]:
    """What fills a kept page's slots for this reader: their CSRF token (only if the page
    has a form: asking for one sets the cookie) and `values`."""
    if "csrf" in kept.slots:
        from django.middleware.csrf import get_token

        values["csrf"] = get_token(request)
    return values


def _client() -> redis.Redis:
    return core_redis.shared_client(timeout=REDIS_TIMEOUT_SECONDS)
