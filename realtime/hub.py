"""Process-local fan-out: each published item crosses the channel layer once per server
process, not once per viewer.

One `EventHub` per event per process (per event loop) holds the local viewers. It owns one
channel in the event's public group, receives each public frame once, builds its JSON and
its WebSocket bytes once, and hands them to every local viewer without awaiting any of them
(each writes them straight to its socket, or queues them in its bounded backlog while the
socket is backed up), so a slow viewer never holds up the others (its backlog overflows and
it is disconnected; the client resumes by seq). Frames with a seq are delivered in order
with no gaps: a frame that arrives ahead of a missing one is held, and the missing one is
fetched from the database if it does not turn up quickly. Public frames never pass through
the consumer's dispatch, so they pay no thread-pool hop.

Each hub also keeps what a joining viewer is sent first: the event's status and pin and the
most recent published items (CHAT_HUB_RECENT_ITEMS), with their frames' bytes, read from
the database once when the hub starts and kept current from the frames it delivers (and the
database re-read every few seconds). A viewer's snapshot then costs no database trip and
one socket write (`snapshot`); a viewer resuming from further back than the hub keeps, or
joining a hub that could not start, reads the database as before. Kept in step with the
delivery: an item enters the recent items exactly when it is delivered, in seq order, so a
viewer registered before its snapshot is taken gets every item once (the outbox skips what
the snapshot already sent).
"""

import asyncio
import json
import logging
import os
import time
import uuid
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol, TypeVar

import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings

from core import redis as core_redis
from core.redis import viewers_key
from realtime import viewer_counts
from realtime.broadcast import FANOUT_LAYER
from realtime.codes import CloseCode
from realtime.feeds import feed_source
from realtime.groups import public_group
from realtime.messages import PUBLIC_FRAME, PUBLIC_FRAMES
from realtime.outbox import OutboundFrame, encode_text

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How long a frame may wait for an earlier, missing one before the hub reads it from the DB.
GAP_WAIT_SECONDS = 0.25
# How long a hub with no viewers stays subscribed (a page reload should not resubscribe).
IDLE_SECONDS = 30.0
VIEWER_COUNT_SECONDS = viewer_counts.WRITE_SECONDS
# How often the count loop also reads the feed from the database (catching up after a Redis
# blip, and serving items while Redis is down): slower than the count, a query each time.
REFILL_SECONDS = 5.0
# A malformed field in the shared viewer-count hash is logged at most this often per hub.
MALFORMED_COUNT_LOG_SECONDS = 60.0
PROCESS_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


def encode(frame: dict[str, Any]) -> OutboundFrame:
    seq = frame.get("seq") if frame.get("type") == "message" else None
    return encode_text(json.dumps(frame, separators=(",", ":")), seq)


class Viewer(Protocol):
    """What the hub needs of a connection (realtime/outbox.py: ViewerOutbox)."""

    sees_viewer_count: bool
    # Whether this connection is one of the people watching (staff consoles are not).
    counts_as_watching: bool

    def deliver(self, frame: OutboundFrame) -> bool: ...

    def deliver_together(self, frames: list[OutboundFrame], wire: bytes) -> bool: ...

    def fail(self, code: int) -> None: ...


@dataclass(frozen=True)
class Snapshot:
    """A joining viewer's first frames, from the hub's memory: the event's status and pin,
    and the published items after the viewer's `after`, in order."""

    status: OutboundFrame
    pinned: OutboundFrame
    items: list[OutboundFrame]


def _read(function: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """`database_sync_to_async` for the hub's loops, which must end when cancelled. asgiref
    can return normally from a call cancelled while its thread ran (when the cancelling
    thread also runs sync code that called back into async code, as a test's does), and a
    loop that carries on after `stop` is a ghost; here the cancellation is raised once the
    thread is done."""
    call = database_sync_to_async(function)

    async def read(*args: Any, **kwargs: Any) -> T:
        result = await call(*args, **kwargs)
        if _being_cancelled():
            raise asyncio.CancelledError
        return result

    return read


def _being_cancelled() -> bool:
    """The current task was asked to stop, whether or not the CancelledError reached it
    (a library on the way may have swallowed or converted it)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


class EventHub:
    def __init__(self, event_id: int, layer: BaseChannelLayer) -> None:
        self.event_id = event_id
        self.layer = layer
        self.namespace = settings.REDIS_NAMESPACE
        # In the order they joined (a dict as an ordered set): each item goes to those
        # already watching before the newcomers of a join storm, still taking their snapshot.
        self.viewers: dict[Viewer, None] = {}
        self.last_seq = 0
        self.held: dict[int, OutboundFrame] = {}
        self.ready = asyncio.Event()
        self.failed: BaseException | None = None
        self.channel_name: str | None = None
        self.public_viewer_count = False
        self.viewer_count: int | None = None
        # False while Redis is unreachable: items then come from the database every few
        # seconds instead of at once, and viewers are told (a `feed` frame).
        self.feed_live = True
        self._tasks: list[asyncio.Task[None]] = []
        self._gap_task: asyncio.Task[None] | None = None
        self._idle_handle: asyncio.TimerHandle | None = None
        self._stopped = False
        self._foreign_frames = 0
        self._unknown_types: set[str] = set()
        self._malformed_count_logged_at: float | None = None
        # The recent published items, consecutive seqs up to last_seq; every item with a
        # seq above `recent_floor` is here.
        self.recent: deque[OutboundFrame] = deque(maxlen=max(0, settings.CHAT_HUB_RECENT_ITEMS))
        self.recent_floor = 0
        self.status: OutboundFrame | None = None
        self.pinned: OutboundFrame | None = None
        # Counts status and pin frames received, so a database read that was overtaken by
        # a newer frame does not put the older state back.
        self._state_version = 0

    # -- viewers -------------------------------------------------------------------

    async def join(self, viewer: Viewer) -> None:
        """Register a viewer; returns once the hub is subscribed, so nothing is missed."""
        if self._idle_handle is not None:
            self._idle_handle.cancel()
            self._idle_handle = None
        self.viewers[viewer] = None
        if not self._tasks:
            self._tasks = [
                self._supervise(self._receive_loop, "receive"),
                self._supervise(self._count_loop, "count"),
            ]
        await self.ready.wait()
        if self.failed is not None:
            self.viewers.pop(viewer, None)
            raise RuntimeError("The live feed is unavailable.") from self.failed
        if self.viewer_count is not None and viewer.sees_viewer_count:
            self._deliver(viewer, encode(feed_source().viewers_frame(self.viewer_count)))
        if not self.feed_live:
            self._deliver(viewer, encode(feed_source().feed_frame(live=False)))

    def snapshot(self, after: int) -> Snapshot | None:
        """The status, pin and items after `after` from memory; None if the hub does not
        hold them all (not started, switched off, or `after` older than it keeps)."""
        if (
            not self.ready.is_set()
            or self.failed is not None
            or self.status is None
            or self.pinned is None
            or not self.recent.maxlen
            or after < self.recent_floor
        ):
            return None
        return Snapshot(
            status=self.status,
            pinned=self.pinned,
            items=list(islice(self.recent, max(0, after - self.recent_floor), None)),
        )

    def leave(self, viewer: Viewer) -> None:
        self.viewers.pop(viewer, None)
        if not self.viewers and not self._stopped:
            loop = asyncio.get_running_loop()
            self._idle_handle = loop.call_later(IDLE_SECONDS, lambda: loop.create_task(self.stop()))

    async def stop(self, *, even_with_viewers: bool = False) -> None:
        if (self.viewers and not even_with_viewers) or self._stopped:
            return
        self._stopped = True
        _forget(self)
        current = asyncio.current_task()
        for task in [*self._tasks, *([self._gap_task] if self._gap_task else [])]:
            if task is not current:
                task.cancel()
        if self.channel_name:
            try:
                await self.layer.group_discard(public_group(self.event_id), self.channel_name)
            except Exception:  # the layer may already be gone at shutdown, or Redis down
                logger.warning("hub for event %s could not leave its group", self.event_id)

    # -- supervision ---------------------------------------------------------------

    def _supervise(
        self, loop_function: Callable[[], Awaitable[None]], name: str
    ) -> "asyncio.Task[None]":
        """Run one of the hub's loops; if it dies, the hub cannot be trusted to deliver: its
        viewers are closed with 4503 (they come back and resume by seq, to a fresh hub)."""

        async def supervised() -> None:
            try:
                await loop_function()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if self.ready.is_set() and self.failed is None:
                    logger.error(
                        "hub for event %s: %s loop failed (%s: %s); closing its %d viewers "
                        "with 4503 so they resume",
                        self.event_id,
                        name,
                        type(error).__name__,
                        error,
                        len(self.viewers),
                    )
                    self._collapse()
                else:
                    raise

        return asyncio.create_task(supervised(), name=f"hub-{name}-{self.event_id}")

    def _collapse(self) -> None:
        viewers = list(self.viewers)
        self.viewers.clear()
        for viewer in viewers:
            try:
                viewer.fail(CloseCode.UNAVAILABLE)
            except Exception:
                logger.debug("closing a viewer failed", exc_info=True)
        asyncio.get_running_loop().create_task(self.stop(even_with_viewers=True))

    # -- receiving -----------------------------------------------------------------

    async def _receive_loop(self) -> None:
        try:
            self.channel_name = await self.layer.new_channel()
            await self.layer.group_add(public_group(self.event_id), self.channel_name)
            # Joined before reading the feed: anything published later reaches us.
            state = await _read(feed_source().state)(
                event_id=self.event_id, recent=self.recent.maxlen or 0
            )
            self.public_viewer_count = state.show_viewer_count
            self.last_seq = state.last_seq
            self.recent_floor = state.floor
            for payload in state.items:
                self._remember(encode(payload))
            self._set_state(state.status, state.pinned_seq)
        except BaseException as error:
            self.failed = error
            self.ready.set()
            _forget(self)
            if isinstance(error, Exception):
                logger.warning(
                    "hub for event %s could not start: %s: %s",
                    self.event_id,
                    type(error).__name__,
                    error,
                )
                return
            raise
        self.ready.set()
        failures = 0
        while True:
            try:
                message = await self.layer.receive(self.channel_name)
            except Exception:
                # redis-py may turn a cancellation into a connection error: stopping wins.
                if self._stopped or _being_cancelled():
                    raise
                # Redis hiccup: keep the viewers, wait, and re-read what may have been missed.
                failures += 1
                logger.warning("hub for event %s lost the channel layer; retrying", self.event_id)
                await asyncio.sleep(min(5.0, 0.5 * failures))
                await self._refill_from_database()
                continue
            failures = 0
            self._take(message)
            # Let backed-up viewers' writers drain before the next frame: a burst read from
            # the layer's buffer would otherwise fill their backlogs without a pause.
            await asyncio.sleep(0)

    def _take(self, message: dict[str, Any]) -> None:
        """Dispatch a message from the public group on its type (realtime/messages.py).

        A frame is accepted only if it is for this deployment and this event: another
        deployment on the same Redis server hears the same pub/sub channels. A type the hub
        does not know (a sender newer than this process, a stray publisher) is logged once
        per type and ignored."""
        kind = message.get("type")
        taken: list[dict[str, Any]] | None = None
        if kind == PUBLIC_FRAME:
            frame = message.get("frame")
            taken = [frame] if isinstance(frame, dict) else None
        elif kind == PUBLIC_FRAMES:
            together = message.get("frames")
            if (
                isinstance(together, list)
                and together
                and all(isinstance(f, dict) for f in together)
            ):
                taken = together
        else:
            self._unknown_type(kind)
            return
        if (
            message.get("namespace") != self.namespace
            or message.get("event_id") != self.event_id
            or taken is None
        ):
            self._foreign_frames += 1
            if self._foreign_frames == 1:
                logger.warning(
                    "hub for event %s ignored a frame of another deployment or event "
                    "(namespace %r); is REDIS_NAMESPACE shared?",
                    self.event_id,
                    message.get("namespace"),
                )
            return
        if len(taken) > 1 and all(item.get("type") == "message" for item in taken):
            self.accept_together([encode(item) for item in taken])
            return
        for item in taken:
            self._take_frame(item)

    def _unknown_type(self, kind: object) -> None:
        label = repr(kind)[:80]
        # A few distinct types at most are worth a line each; a flood is one line per type.
        if label in self._unknown_types or len(self._unknown_types) >= 16:
            return
        self._unknown_types.add(label)
        logger.warning(
            "hub for event %s ignored a message of unknown type %s on its public group",
            self.event_id,
            label,
        )

    def _take_frame(self, frame: dict[str, Any]) -> None:
        outbound = encode(frame)
        if frame.get("type") == "status":
            self.status = outbound
            self._state_version += 1
        elif frame.get("type") == "pinned":
            self.pinned = outbound
            self._state_version += 1
        self.accept(outbound)

    def _set_state(self, status: dict[str, Any], pinned_seq: int | None) -> None:
        """Keep the status and pin read from the database."""
        self.status = encode(status)
        self.pinned = encode(feed_source().pinned_frame(pinned_seq))

    def _remember(self, frame: OutboundFrame) -> None:
        """Keep a delivered item among the recent ones (they stay consecutive)."""
        recent = self.recent
        if not recent.maxlen:
            self.recent_floor = frame.seq or 0
            return
        if len(recent) == recent.maxlen:
            self.recent_floor = recent[0].seq or 0
        recent.append(frame)

    async def _refill_from_database(self, *, pub_sub_first: bool = False) -> None:
        """Deliver what the database has beyond our last seq, and bring the kept status and
        pin up to date (unless a newer frame arrived meanwhile).

        `pub_sub_first`: the routine check while Redis is up. An item this read finds may
        just have been committed, its PUBLISH still on the way; pub/sub gets a moment to
        bring it (items published together then still go out in one write), and only what
        it did not bring is delivered from here (`accept` skips the rest)."""
        version = self._state_version
        try:
            state = await _read(feed_source().state)(event_id=self.event_id, after=self.last_seq)
        except Exception as error:
            logger.warning("hub for event %s could not read the feed: %s", self.event_id, error)
            return
        if version == self._state_version:
            # For joining viewers only: the status and pin frames themselves arrive by
            # pub/sub in order, and re-sending a state read here could overtake one.
            self._set_state(state.status, state.pinned_seq)
        if pub_sub_first and state.last_seq > self.last_seq:
            await asyncio.sleep(GAP_WAIT_SECONDS)
        for payload in state.items:
            self.accept(encode(payload))
            await asyncio.sleep(0)

    def accept(self, frame: OutboundFrame) -> None:
        """Deliver frames in seq order exactly once; hold early ones until the gap fills."""
        if frame.seq is None:
            self._fan_out(frame)
            return
        if frame.seq <= self.last_seq:
            return
        if frame.seq > self.last_seq + 1:
            self.held[frame.seq] = frame
            if self._gap_task is None or self._gap_task.done():
                self._gap_task = asyncio.create_task(self._fill_gap())
            return
        self._deliver_next(frame)
        while self.last_seq + 1 in self.held:
            self._deliver_next(self.held.pop(self.last_seq + 1))

    def accept_together(self, frames: list[OutboundFrame]) -> None:
        """Items published together (consecutive seqs): when they are the next ones, every
        viewer gets all of them in one write; otherwise each is accepted alone."""
        first = frames[0].seq
        if (
            first == self.last_seq + 1
            and not self.held
            and all(frame.seq == first + index for index, frame in enumerate(frames))
        ):
            self._fan_out_together(frames, b"".join(frame.wire for frame in frames))
            for frame in frames:
                self._remember(frame)
            self.last_seq = first + len(frames) - 1
            return
        for frame in frames:
            self.accept(frame)

    def _deliver_next(self, frame: OutboundFrame) -> None:
        """The item with seq last_seq + 1: to every viewer, and into the recent items."""
        self._fan_out(frame)
        self._remember(frame)
        self.last_seq = frame.seq or self.last_seq + 1

    async def _fill_gap(self) -> None:
        await asyncio.sleep(GAP_WAIT_SECONDS)
        while self.held:
            first_held = min(self.held)
            if first_held == self.last_seq + 1:
                self.accept(self.held.pop(first_held))
                continue
            logger.info(
                "hub for event %s refills seq %s..%s from the database",
                self.event_id,
                self.last_seq + 1,
                first_held - 1,
            )
            try:
                missing = await _read(feed_source().items_after)(
                    event_id=self.event_id, after=self.last_seq
                )
            except Exception as error:
                # The database is away: the frames stay held, and this tries again.
                logger.warning("hub for event %s could not read the feed: %s", self.event_id, error)
                missing = []
            for payload in missing:
                if payload["seq"] >= first_held:
                    break
                self.accept(encode(payload))
                await asyncio.sleep(0)
            if self.held and min(self.held) > self.last_seq + 1:
                # Not committed yet, or lost: try again shortly.
                await asyncio.sleep(GAP_WAIT_SECONDS)

    def _fan_out(self, frame: OutboundFrame) -> None:
        for viewer in list(self.viewers):
            self._deliver(viewer, frame)

    def _fan_out_together(self, frames: list[OutboundFrame], wire: bytes) -> None:
        for viewer in list(self.viewers):
            try:
                still_here = viewer.deliver_together(frames, wire)
            except Exception as error:
                self._delivery_failed(viewer, error)
                continue
            if not still_here:
                self.viewers.pop(viewer, None)

    def _deliver(self, viewer: Viewer, frame: OutboundFrame) -> None:
        try:
            still_here = viewer.deliver(frame)
        except Exception as error:
            self._delivery_failed(viewer, error)
            return
        if not still_here:
            self.viewers.pop(viewer, None)

    def _delivery_failed(self, viewer: Viewer, error: Exception) -> None:
        """One viewer's failure is that viewer's alone: it is closed (1011) and resumes."""
        logger.error(
            "hub for event %s: delivery to a viewer failed (%s: %s); closing it with 1011",
            self.event_id,
            type(error).__name__,
            error,
        )
        self.viewers.pop(viewer, None)
        try:
            viewer.fail(CloseCode.INTERNAL)
        except Exception:
            logger.debug("closing a failed viewer failed", exc_info=True)

    # -- viewer count and Redis health ---------------------------------------------

    def _malformed_counts_seen(self, fields: list[Any]) -> None:
        """One log line a minute at most, however many hubs' rounds meet the same fields."""
        now = time.monotonic()
        last = self._malformed_count_logged_at
        if last is not None and now - last < MALFORMED_COUNT_LOG_SECONDS:
            return
        self._malformed_count_logged_at = now
        logger.warning(
            "hub for event %s skipped %d malformed field(s) in the viewer-count hash %s "
            "(fields %s); not counted",
            self.event_id,
            len(fields),
            viewers_key(self.event_id),
            ", ".join(repr(field) for field in fields[:5]),
        )

    async def _count_loop(self) -> None:
        await self.ready.wait()
        if self.failed is not None:
            return
        client = core_redis.async_client(timeout=2.0)
        key = viewers_key(self.event_id)
        refilled_at = -REFILL_SECONDS
        try:
            while True:
                try:
                    await self._publish_viewer_count(client, key)
                    self._set_feed_live(True)
                except (aioredis.RedisError, OSError) as error:
                    # redis-py may turn a cancellation into a connection error: a hub being
                    # stopped must stop, not count on for ever.
                    if self._stopped or _being_cancelled():
                        raise asyncio.CancelledError from error
                    if self.feed_live:
                        logger.warning(
                            "hub for event %s: Redis unavailable (%s); items now come from "
                            "the database every %s s",
                            self.event_id,
                            error,
                            REFILL_SECONDS,
                        )
                    self._set_feed_live(False)
                # Pub/sub keeps nothing for a subscriber that was briefly cut off: whatever
                # the database has beyond our last seq is delivered now.
                if not self.held and time.monotonic() - refilled_at >= REFILL_SECONDS:
                    refilled_at = time.monotonic()
                    await self._refill_from_database(pub_sub_first=self.feed_live)
                await asyncio.sleep(VIEWER_COUNT_SECONDS)
        finally:
            # No Redis call here: a cancelled connection may wait out its socket timeout.
            # This process's count simply goes stale and stops counting after a few seconds.
            await client.aclose()

    def _set_feed_live(self, live: bool) -> None:
        if live == self.feed_live:
            return
        if live:
            logger.info("hub for event %s: Redis is back; items are live again", self.event_id)
        self.feed_live = live
        self._fan_out(encode(feed_source().feed_frame(live=live)))

    async def _publish_viewer_count(self, client: Any, key: str) -> None:
        """Each process writes its own count with a time stamp; the total skips stale ones
        (deleted) and malformed ones (left alone: whoever wrote them, they end no loop)."""
        now = time.time()
        watching = sum(1 for viewer in self.viewers if viewer.counts_as_watching)
        await client.hset(key, PROCESS_ID, viewer_counts.count_format(watching, now=now))
        await client.expire(key, int(viewer_counts.STALE_SECONDS * 3))
        counts = viewer_counts.counts_read(await client.hgetall(key), now=now)
        for process in counts.stale:
            await client.hdel(key, process)
        if counts.malformed:
            self._malformed_counts_seen(counts.malformed)
        total = counts.total
        if total != self.viewer_count:
            self.viewer_count = total
            frame = encode(feed_source().viewers_frame(total))
            for viewer in list(self.viewers):
                if viewer.sees_viewer_count or self.public_viewer_count:
                    self._deliver(viewer, frame)


# One registry per event loop: tests (and some servers) run several loops in a process.
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, EventHub]]" = (
    weakref.WeakKeyDictionary()
)


def hub_for(event_id: int) -> EventHub:
    loop = asyncio.get_running_loop()
    hubs = _hubs.setdefault(loop, {})
    hub = hubs.get(event_id)
    if hub is None or hub._stopped:
        layer = get_channel_layer(FANOUT_LAYER)
        if layer is None:
            raise RuntimeError("No channel layer is configured.")
        hub = hubs[event_id] = EventHub(event_id, layer)
    return hub


def local_viewer_count(event_id: int) -> int:
    """Viewers of the event connected to this process, in the running loop's hub (none if
    no hub runs here). No Redis, no query: the shared count is `viewers_key`'s hash."""
    hub = _hubs.get(asyncio.get_running_loop(), {}).get(event_id)
    return len(hub.viewers) if hub is not None else 0


def _forget(hub: EventHub) -> None:
    try:
        hubs = _hubs.get(asyncio.get_running_loop(), {})
    except RuntimeError:
        return
    if hubs.get(hub.event_id) is hub:
        del hubs[hub.event_id]
