"""The channel layer lets go of cancelled receives (the consumer's disconnect, shutdown)."""

import asyncio
import os

from channels_redis.core import RedisChannelLayer

from realtime.internals.channels_redis import OutreachRedisChannelLayer

TRIALS = 4


async def stuck_receives(layer: RedisChannelLayer) -> int:
    """Two receivers cancelled a millisecond apart, across the pop's 2 s boundary: the
    pattern that left a receive polling forever on Python 3.11 (CPython gh-86296)."""
    stuck = 0
    for trial in range(TRIALS):
        channels = [await layer.new_channel() for _ in range(2)]
        tasks = [asyncio.create_task(layer.receive(channel)) for channel in channels]
        await asyncio.sleep(1.95 + 0.1 * trial)
        for task in tasks:
            task.cancel()
            await asyncio.sleep(0.001)
        _, pending = await asyncio.wait(tasks, timeout=5)
        stuck += len(pending)
        for task in pending:  # leave nothing behind for the next test
            task.cancel()
    return stuck


def make_layer(cls: type[RedisChannelLayer]) -> RedisChannelLayer:
    return cls(
        hosts=[{"address": os.environ["REDIS_URL"], "socket_timeout": 10}],
        prefix="outreach:test-cancel",
    )


async def test_cancelled_receives_always_finish() -> None:
    # With channels-redis's stock layer (same 2 s pop) this pattern left receives running
    # when tried on 24 November 2026: 1 of the first trials stuck in a standalone repro.
    assert await stuck_receives(make_layer(OutreachRedisChannelLayer)) == 0
