"""Fixed-window rate limits on the shared cache (Redis), so every server process agrees.

While Redis cannot be reached the limits are kept in this process instead: a question is
never refused, nor help delayed, because the counter is away (docs/operations.md)."""

import logging
import threading
import time

import redis
from django.core.cache import cache

logger = logging.getLogger(__name__)

# key -> (window start, attempts); only used while the shared cache is unreachable.
_local_windows: dict[str, tuple[float, int]] = {}
_local_lock = threading.Lock()
_LOCAL_KEYS_MAX = 10_000
_last_warning = 0.0


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt against `key`; False once more than `limit` fall in the window."""
    try:
        return _allow_shared(key, limit=limit, window_seconds=window_seconds)
    except (redis.RedisError, OSError) as error:
        _warn_once_a_minute(error)
        return _allow_local(key, limit=limit, window_seconds=window_seconds)


def _allow_shared(key: str, *, limit: int, window_seconds: int) -> bool:
    cache_key = f"ratelimit:{key}"
    # add() only sets a missing key, so the window starts at the first attempt.
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        attempts = cache.incr(cache_key)
    except ValueError:
        # The window expired between add() and incr(): this attempt opens a new one.
        cache.add(cache_key, 1, timeout=window_seconds)
        attempts = 1
    return attempts <= limit


def _allow_local(key: str, *, limit: int, window_seconds: int) -> bool:
    now = time.monotonic()
    with _local_lock:
        if len(_local_windows) >= _LOCAL_KEYS_MAX:
            # Bounded: a flood of new keys during an outage costs old windows, not memory.
            _local_windows.clear()
        started, attempts = _local_windows.get(key, (now, 0))
        if now - started >= window_seconds:
            started, attempts = now, 0
        attempts += 1
        _local_windows[key] = (started, attempts)
    return attempts <= limit


def _warn_once_a_minute(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning("rate limits kept in this process, Redis unavailable: %s", error)
