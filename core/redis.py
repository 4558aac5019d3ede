"""Every Redis client and every Redis key name of the portal, in one place.

All keys and channels of one deployment start with its namespace (settings.REDIS_NAMESPACE,
docs/deployment.md), so two deployments can share a Redis server. The channel layers' and
the cache's prefixes are built here too, from the namespace the settings are computing.
Imports Django and redis only.
"""

import json
import threading
from typing import Any

import redis
import redis.asyncio as aioredis
from django.conf import settings
from redis.driver_info import DriverInfo

# -- key names ------------------------------------------------------------------------


def channel_layer_prefix(namespace: str, layer: str) -> str:
    """A channel layer's prefix ("asgi" for the default layer, "fanout" for public frames),
    for settings.CHANNEL_LAYERS, which is built before settings.REDIS_NAMESPACE exists."""
    return f"{namespace}:{layer}"


def viewers_key(event_id: int) -> str:
    """The hash of each server process's viewer count for an event (realtime/viewer_counts.py
    says what a field holds)."""
    return f"{settings.REDIS_NAMESPACE}:viewers:{event_id}"


def askers_key(event_id: int) -> str:
    """The set of the digests of the guest tokens that have asked at an event (chat/askers.py)."""
    return f"{settings.REDIS_NAMESPACE}:askers:{event_id}"


def askers_complete_key(event_id: int) -> str:
    """Present while the event's askers set is known to be complete."""
    return f"{askers_key(event_id)}:complete"


def public_version_key(scope: str) -> str:
    """The version token of what public pages are built from (the site's events, one
    event's feed): it changes after every commit that changes it (core/kept_pages.py)."""
    return f"{settings.REDIS_NAMESPACE}:public-version:{scope}"


def askers_pattern() -> str:
    """Every askers key of this deployment (a SCAN pattern)."""
    return f"{settings.REDIS_NAMESPACE}:askers:*"


# -- clients --------------------------------------------------------------------------

# What every connection tells Redis it is (CLIENT SETINFO), worked out once: left to
# redis-py, each new connection reads the package's metadata from disk for its version,
# about a millisecond of the event loop's time per connection (a fifth of the loop's time
# in the door benchmark's storm, when hundreds of readers opened connections at once).
_DRIVER_INFO = DriverInfo()


def client(*, timeout: float) -> redis.Redis:
    """A new client for settings.REDIS_URL whose every call gives up after `timeout` seconds.
    The caller closes it (or keeps it for the process)."""
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        driver_info=_DRIVER_INFO,
    )


def async_client(*, timeout: float) -> aioredis.Redis:
    """`client` for an event loop: its connections belong to the loop that uses them."""
    return aioredis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        driver_info=_DRIVER_INFO,
    )


_shared_clients: dict[float, redis.Redis] = {}
_shared_clients_lock = threading.Lock()


def shared_client(*, timeout: float) -> redis.Redis:
    """One client per process (a thread-safe connection pool) for settings.REDIS_URL whose
    every call gives up after `timeout` seconds. Never closed by the caller."""
    with _shared_clients_lock:
        found = _shared_clients.get(timeout)
        if found is None:
            found = _shared_clients[timeout] = client(timeout=timeout)
        return found


_host_clients: dict[str, redis.Redis | None] = {}
_host_clients_lock = threading.Lock()


def client_for_host(host: dict[str, Any]) -> redis.Redis | None:
    """One client (a thread-safe connection pool, reset after a fork) per process for a host
    as channels-redis' `hosts` setting describes it; None for a Sentinel host, which this
    does not cover."""
    key = json.dumps(host, sort_keys=True, default=str)
    with _host_clients_lock:
        if key not in _host_clients:
            options = dict(host)
            if "master_name" in options:
                _host_clients[key] = None
            elif "address" in options:
                _host_clients[key] = redis.Redis.from_url(options.pop("address"), **options)
            else:
                _host_clients[key] = redis.Redis(**options)
        return _host_clients[key]
