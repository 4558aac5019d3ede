"""Which guests have asked at an event, known to a joining socket without a database trip.

A guest's first frames include their own questions, so a joining guest must be looked up
as a participant. At 18:00 nearly every arriving guest has asked nothing, and finding that
out cost each one a hop to the database thread and a query: most of a join's server time
(docs/performance.md). So each event has a Redis set of the digests of its askers' guest
tokens:

- a guest's token is added when their participant row is made (after the commit), before
  their question is acknowledged;
- the set is filled from the database when its completeness marker is missing, and the
  marker expires (ASKERS_INDEX_SECONDS), so an addition lost to a Redis blip is not lost
  for long;
- any doubt (no marker, Redis unreachable) means the database is asked, as before.

Only digests are kept: a guest token is a bearer secret (it is how the socket knows a
guest's questions are theirs). Signed-in users are always read from the database.
"""

import asyncio
import contextlib
import hashlib
import logging
import threading
import time
import uuid
import weakref
from collections.abc import Iterable
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings

from core.redis import askers_complete_key, askers_key, askers_pattern

logger = logging.getLogger(__name__)

# How long a filled set is trusted to be complete before it is filled again.
ASKERS_INDEX_SECONDS = 120
# A set this close to the end of its trust is filled again, in the background, by the next
# returning reader who finds it (outreach/door.py, chat/live_page.py): readers never find it
# lapsed, which would send every returning reader's page to Django until it was filled.
REFILL_BEFORE_SECONDS = 30


def token_digest(guest_token: uuid.UUID) -> str:
    return hashlib.sha256(guest_token.bytes).hexdigest()[:32]


_client: redis.Redis | None = None
_client_lock = threading.Lock()


def _sync_client() -> redis.Redis:
    global _client
    with _client_lock:
        if _client is None:
            _client = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=2.0, socket_connect_timeout=2.0
            )
        return _client


def record_asker(*, event_id: int, guest_token: uuid.UUID) -> None:
    """A guest became a participant (called after the commit). If Redis cannot take it,
    the set is marked incomplete so joins read the database instead of trusting it."""
    client = _sync_client()
    try:
        with client.pipeline(transaction=True) as pipeline:
            pipeline.sadd(askers_key(event_id), token_digest(guest_token))
            pipeline.expire(askers_key(event_id), ASKERS_INDEX_SECONDS * 2)
            pipeline.execute()
    except (redis.RedisError, OSError) as error:
        logger.warning("askers index for event %s not updated (%s)", event_id, error)
        # If Redis is away altogether, when it is back its sets are empty or the marker
        # has expired.
        with contextlib.suppress(redis.RedisError, OSError):
            client.delete(askers_complete_key(event_id))


_filling: set[int] = set()
_filled_at: dict[int, float] = {}
# Told when a fill ends, so the readers who found one under way can wait for it.
_fill_ended = threading.Condition(_client_lock)
# A process fills an event's set at most this often: at 18:00 the first hundred joins all
# find the marker missing and queue on the database thread, each asking for a fill.
REFILL_AFTER_SECONDS = 10.0


def add_has_asked(pipeline: Any, *, event_id: int, guest_token: uuid.UUID) -> None:
    """Add to a pipeline the three commands whose replies `has_asked_reply` and
    `due_for_refill` read."""
    pipeline.exists(askers_complete_key(event_id))
    pipeline.sismember(askers_key(event_id), token_digest(guest_token))
    pipeline.ttl(askers_complete_key(event_id))


def add_index_complete(pipeline: Any, *, event_id: int) -> None:
    """Add to a pipeline the command that says whether the event's set is complete."""
    pipeline.exists(askers_complete_key(event_id))


def has_asked_reply(replies: list[Any]) -> bool | None:
    """From the replies to `add_has_asked`'s commands: True, False, or None when the index
    cannot say (not filled)."""
    complete, member, _ = replies
    if member:
        return True
    return False if complete else None


def due_for_refill(replies: list[Any]) -> bool:
    """From the same replies: the set is complete but within REFILL_BEFORE_SECONDS of the end
    of its trust."""
    complete, _, seconds_left = replies
    return bool(complete) and 0 <= seconds_left < REFILL_BEFORE_SECONDS


def begin_fill(event_id: int) -> bool:
    """Claim this process's fill of the event's set; False if one is under way or this
    process filled it a moment ago."""
    with _client_lock:
        recently = _filled_at.get(event_id, -REFILL_AFTER_SECONDS)
        if event_id in _filling or time.monotonic() - recently < REFILL_AFTER_SECONDS:
            return False
        _filling.add(event_id)
        return True


def end_fill(event_id: int, *, filled: bool) -> None:
    with _fill_ended:
        _filling.discard(event_id)
        if filled:
            _filled_at[event_id] = time.monotonic()
        _fill_ended.notify_all()


def wait_for_fill(event_id: int, timeout: float) -> None:
    """Until this process's fill of the event's set, if one is under way, has ended (at most
    `timeout` s): a reader arriving meanwhile then finds the set complete, rather than each
    such reader's page being rendered in full."""
    with _fill_ended:
        _fill_ended.wait_for(lambda: event_id not in _filling, timeout)


def fill(*, event_id: int, guest_tokens: Iterable[uuid.UUID]) -> bool:
    """Put these tokens (every guest participant of the event, read by
    chat.selectors.fill_askers_index) in the set, then mark it complete. Additions made
    meanwhile by record_asker stay: nothing leaves the set but by expiry."""
    digests = [token_digest(token) for token in guest_tokens]
    client = _sync_client()
    try:
        with client.pipeline(transaction=True) as pipeline:
            if digests:
                pipeline.sadd(askers_key(event_id), *digests)
            pipeline.expire(askers_key(event_id), ASKERS_INDEX_SECONDS * 2)
            pipeline.set(askers_complete_key(event_id), "1", ex=ASKERS_INDEX_SECONDS)
            pipeline.execute()
    except (redis.RedisError, OSError) as error:
        logger.info("askers index for event %s not filled (%s)", event_id, error)
        return False
    return True


def forget_all_indexes() -> None:
    """Delete this deployment's askers sets (for tests, whose event ids repeat)."""
    with _client_lock:
        _filled_at.clear()
    client = _sync_client()
    keys = list(client.scan_iter(askers_pattern(), count=1000))
    if keys:
        client.delete(*keys)


Batch = dict[int, list[tuple[str, "asyncio.Future[bool | None]"]]]


class _Checks:
    """One event loop's questions to the index, sent together: each round trip carries every
    question asked while the last was under way (at 18:00, hundreds), so a join costs a few
    microseconds of it rather than a round trip of its own."""

    def __init__(self) -> None:
        self.client = aioredis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2.0, socket_connect_timeout=2.0
        )
        self.waiting: Batch = {}
        # The task sending them (referenced, so it is not collected while it runs).
        self.sender: asyncio.Task[None] | None = None

    async def ask(self, event_id: int, guest_token: uuid.UUID) -> bool | None:
        answer: asyncio.Future[bool | None] = asyncio.get_running_loop().create_future()
        self.waiting.setdefault(event_id, []).append((token_digest(guest_token), answer))
        if self.sender is None:
            self.sender = asyncio.get_running_loop().create_task(self._send())
        return await answer

    async def _send(self) -> None:
        batch: Batch = {}
        try:
            while self.waiting:
                batch, self.waiting = self.waiting, {}
                replies = await self._replies(batch)
                for index, asked in enumerate(batch.values()):
                    complete, members = replies[2 * index], replies[2 * index + 1]
                    for position, (_, answer) in enumerate(asked):
                        if answer.done():  # the join gave up waiting
                            continue
                        if members is not None and members[position]:
                            answer.set_result(True)
                        else:
                            answer.set_result(False if complete else None)
                batch = {}
        finally:
            self.sender = None
            # Whatever ended the loop (a cancellation at shutdown), nobody is left waiting:
            # an unanswered join is told "cannot say" and reads the database.
            for asked in (*batch.values(), *self.waiting.values()):
                for _, answer in asked:
                    if not answer.done():
                        answer.set_result(None)
            self.waiting = {}

    async def _replies(self, batch: Batch) -> list[Any]:
        """EXISTS and SMISMEMBER for each event in the batch; Nones if Redis cannot answer."""
        try:
            async with self.client.pipeline(transaction=False) as pipeline:
                for event_id, asked in batch.items():
                    pipeline.exists(askers_complete_key(event_id))
                    pipeline.smismember(askers_key(event_id), [digest for digest, _ in asked])
                return list(await pipeline.execute())
        except (aioredis.RedisError, OSError) as error:
            # Redis is away: the hubs say so once (realtime/hub.py).
            logger.debug("askers index unavailable (%s)", error)
        except Exception as error:
            logger.warning("askers index check failed: %s: %s", type(error).__name__, error)
        return [None] * (2 * len(batch))


_checks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Checks]" = (
    weakref.WeakKeyDictionary()
)


async def has_asked(*, event_id: int, guest_token: uuid.UUID) -> bool | None:
    """Whether this guest has asked at the event: True, False, or None when the index
    cannot say (not filled, or Redis unreachable): then ask the database."""
    loop = asyncio.get_running_loop()
    checks = _checks.get(loop)
    if checks is None:
        # A client's connections belong to the loop that made them.
        checks = _checks[loop] = _Checks()
    return await checks.ask(event_id, guest_token)
