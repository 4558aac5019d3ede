"""Sending to the channel layer from sync code, only after the transaction commits."""

import json
import threading
from typing import Any, cast

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from channels_redis.utils import _consistent_hash, decode_hosts
from django.conf import settings
from django.db import transaction

# Channel-layer message types, handled by the hub (public) and the consumer (the rest).
PUBLIC_FRAME = "public.frame"
PRIVATE_FRAME = "private.frame"
# Public frames travel on the pub/sub layer to each process's hub; the rest on the default.
FANOUT_LAYER = "fanout"


def send_frame_on_commit(group: str, frame: dict[str, Any], *, public: bool = False) -> None:
    """Queue `frame` for every member of `group` once the current transaction commits.

    Persist first, broadcast after: a frame is never sent for a change that rolled back.
    """
    message = {"type": PUBLIC_FRAME if public else PRIVATE_FRAME, "frame": frame}
    transaction.on_commit(lambda: send_now(group, message, public=public))


def send_now(group: str, message: dict[str, Any], *, public: bool = False) -> None:
    if public and publish_to_fanout(group, message):
        return
    layer = get_channel_layer(FANOUT_LAYER if public else "default")
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def publish_to_fanout(group: str, message: dict[str, Any]) -> bool:
    """PUBLISH `message` to the pub/sub layer's `group` straight from this thread.

    What `group_send` on channels-redis' RedisPubSubChannelLayer sends (its serializer, its
    channel name, its choice of shard), without the trip through an event loop that
    `async_to_sync` takes: in a server process that loop may be busy writing the previous
    item to thousands of sockets, and in a Celery worker or a sync view each call would
    start a loop and a Redis connection of its own. False if the layer is configured in a
    way this does not cover (Sentinel); the caller then uses `group_send`.
    """
    layer = get_channel_layer(FANOUT_LAYER)
    if not isinstance(layer, RedisPubSubChannelLayer):
        return False
    config = cast(dict[str, Any], settings.CHANNEL_LAYERS[FANOUT_LAYER]).get("CONFIG", {})
    channel, host = fanout_route(group, hosts=config.get("hosts"), prefix=config.get("prefix"))
    client = _client_for(host)
    if client is None:
        return False
    client.publish(channel, layer.serialize(message))
    return True


def fanout_route(group: str, *, hosts: Any, prefix: str | None) -> tuple[str, dict[str, Any]]:
    """The Redis channel and host that RedisPubSubChannelLayer uses for `group`."""
    decoded = decode_hosts(hosts)
    channel = f"{prefix or 'asgi'}__group__{group}"
    return channel, decoded[_consistent_hash(channel, len(decoded))]


_clients: dict[str, "redis.Redis | None"] = {}
_clients_lock = threading.Lock()


def _client_for(host: dict[str, Any]) -> "redis.Redis | None":
    """One client (a thread-safe connection pool, reset after a fork) per host, per process."""
    key = json.dumps(host, sort_keys=True, default=str)
    with _clients_lock:
        if key not in _clients:
            options = dict(host)
            if "master_name" in options:
                _clients[key] = None
            elif "address" in options:
                _clients[key] = redis.Redis.from_url(options.pop("address"), **options)
            else:
                _clients[key] = redis.Redis(**options)
        return _clients[key]
