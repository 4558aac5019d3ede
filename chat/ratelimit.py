"""Fixed-window rate limits on the shared cache (Redis), so every server process agrees."""

from django.core.cache import cache


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt against `key`; False once more than `limit` fall in the window."""
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
