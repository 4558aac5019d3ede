"""The channel layer, hardened for redis-py 8 on Python 3.11."""

import asyncio
from typing import Any

from channels_redis.core import RedisChannelLayer


class OutreachRedisChannelLayer(RedisChannelLayer):
    # channels-redis blocks on Redis for `brpop_timeout` seconds per receive (5 by default),
    # which races redis-py's own 5 s socket timeout: a quiet connection could raise and drop.
    # A shorter blocking pop always answers well inside the socket timeout.
    brpop_timeout = 2

    async def _brpop_with_clean(self, index: int, channel: str, timeout: float) -> Any:
        # On Python 3.11, redis-py's reconnect (asyncio.wait_for, CPython gh-86296) can
        # swallow a cancellation; channels-redis then loops on this pop forever, leaking the
        # receive task and hanging server shutdown. The task still says it is being
        # cancelled, so honour that before each pop (at most one pop, 2 s, late).
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise asyncio.CancelledError
        return await super()._brpop_with_clean(index, channel, timeout)
