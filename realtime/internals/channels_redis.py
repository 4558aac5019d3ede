"""channels-redis' private internals: the direct PUBLISH and the default layer's cancellation
guard. Written for and tested with the version in `TESTED` (pyproject.toml pins it).

- `fanout_route` picks the pub/sub channel and shard the way
  `RedisPubSubChannelLayer.group_send` does (`_consistent_hash`, `decode_hosts`), so the
  committing thread can PUBLISH without a trip through an event loop (realtime/broadcast.py).
  Off (`group_send` only) when CHAT_DIRECT_PUBLISH is false, the version is outside
  `TESTED`, or those helpers are gone.
- `OutreachRedisChannelLayer`, the default layer (settings.CHANNEL_LAYERS), overrides the
  private `_brpop_with_clean` so a cancelled receive ends. It has no switch of its own: it
  only adds an early return, and if an upgrade stops calling that method the guard is
  inactive (the system check says so) and the stock behaviour remains.
"""

import asyncio
from typing import Any

from channels_redis.core import RedisChannelLayer
from django.conf import settings

from realtime.internals.ranges import PathStatus, TestedRange, range_problem, status_once

PATH = "direct_publish"
SWITCH = "CHAT_DIRECT_PUBLISH"
TESTED = (TestedRange("channels-redis", (4, 3), (4, 4)),)


def path_status() -> PathStatus:
    if not settings.CHAT_DIRECT_PUBLISH:
        return PathStatus(False, "switched off (CHAT_DIRECT_PUBLISH=false)")
    problem = range_problem(TESTED)
    if problem:
        return PathStatus(False, problem)
    try:
        from channels_redis.utils import _consistent_hash, decode_hosts  # noqa: F401
    except ImportError as error:
        return PathStatus(False, f"channels-redis has changed: {error}")
    return PathStatus(True, "PUBLISH from the committing thread")


def direct_publish_enabled() -> bool:
    return status_once(PATH, path_status).enabled


def fanout_route(group: str, *, hosts: Any, prefix: str | None) -> tuple[str, dict[str, Any]]:
    """The Redis channel and host that RedisPubSubChannelLayer uses for `group`."""
    from channels_redis.utils import _consistent_hash, decode_hosts

    decoded = decode_hosts(hosts)
    channel = f"{prefix or 'asgi'}__group__{group}"
    return channel, decoded[_consistent_hash(channel, len(decoded))]


def cancel_guard_active() -> bool:
    """Whether channels-redis still has the method OutreachRedisChannelLayer overrides."""
    return callable(getattr(RedisChannelLayer, "_brpop_with_clean", None))


class OutreachRedisChannelLayer(RedisChannelLayer):
    """The channel layer, hardened for redis-py 8 on Python 3.11."""

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
