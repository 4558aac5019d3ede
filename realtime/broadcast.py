"""Sending to the channel layer from sync code, only after the transaction commits."""

import logging
from typing import Any, cast

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings
from django.db import transaction

from core import kept_pages
from core import redis as core_redis
from realtime.groups import public_group
from realtime.internals import channels_redis as channels_redis_internals
from realtime.messages import PRIVATE_FRAME, PUBLIC_FRAME, PUBLIC_FRAMES

logger = logging.getLogger(__name__)

# Public frames travel on the pub/sub layer to each process's hub; the rest on the default.
FANOUT_LAYER = "fanout"


def send_frame_on_commit(group: str, frame: dict[str, Any]) -> None:
    """Queue `frame` for every connection in `group` (moderators, a participant, a user)
    once the current transaction commits.

    Persist first, broadcast after: a frame is never sent for a change that rolled back.
    """
    message = {"type": PRIVATE_FRAME, "frame": frame}
    transaction.on_commit(lambda: send_now(group, message))


def publish_on_commit(event_id: int, frame: dict[str, Any]) -> None:
    """Queue a public frame (a published item, status, pin) for every viewer of the event,
    on every server process, once the current transaction commits."""
    transaction.on_commit(lambda: publish_now(event_id, frame))


def publish_many_on_commit(event_id: int, frames: list[dict[str, Any]]) -> None:
    """`publish_on_commit` for several frames of one transaction, in order, as one message:
    one PUBLISH, and each hub writes them to each viewer at once (one socket write instead
    of one per frame)."""
    if frames:
        transaction.on_commit(lambda: publish_many_now(event_id, frames))


def publish_now(event_id: int, frame: dict[str, Any]) -> None:
    public_state_changed(event_id)
    send_now(public_group(event_id), public_message(event_id, frame), public=True)


def publish_many_now(event_id: int, frames: list[dict[str, Any]]) -> None:
    if len(frames) == 1:
        publish_now(event_id, frames[0])
        return
    public_state_changed(event_id)
    send_now(public_group(event_id), public_frames_message(event_id, frames), public=True)


def public_state_changed(event_id: int) -> None:
    """Pages built from the event's public state are built again (core/kept_pages.py)."""
    kept_pages.changed(kept_pages.event_scope(event_id))


def public_message(event_id: int, frame: dict[str, Any]) -> dict[str, Any]:
    """A public frame as it crosses Redis: stamped with this deployment's namespace and the
    event, so a hub takes only its own (Redis pub/sub ignores the database number)."""
    return {
        "type": PUBLIC_FRAME,
        "frame": frame,
        "namespace": settings.REDIS_NAMESPACE,
        "event_id": event_id,
    }


def public_frames_message(event_id: int, frames: list[dict[str, Any]]) -> dict[str, Any]:
    """`public_message` for several consecutive frames at once."""
    return {
        "type": PUBLIC_FRAMES,
        "frames": frames,
        "namespace": settings.REDIS_NAMESPACE,
        "event_id": event_id,
    }


def send_now(group: str, message: dict[str, Any], *, public: bool = False) -> None:
    """Send `message` to `group` now. The change it announces is already committed, so a
    Redis failure here must not undo or fail the action: the hubs read published items back
    from the database, and consoles re-read their queue when they reconnect."""
    try:
        if public and publish_to_fanout(group, message):
            return
        layer = get_channel_layer(FANOUT_LAYER if public else "default")
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)
    except (redis.RedisError, OSError) as error:
        logger.warning("broadcast to %s not sent, Redis unavailable: %s", group, error)


def publish_to_fanout(group: str, message: dict[str, Any]) -> bool:
    """PUBLISH `message` to the pub/sub layer's `group` straight from this thread.

    What `group_send` on channels-redis' RedisPubSubChannelLayer sends (its serializer, its
    channel name, its choice of shard), without the trip through an event loop that
    `async_to_sync` takes: in a server process that loop may be busy writing the previous
    item to thousands of sockets, and in a Celery worker or a sync view each call would
    start a loop and a Redis connection of its own. False if the path is switched off or the
    layer is configured in a way this does not cover (Sentinel); the caller then uses
    `group_send`.
    """
    if not channels_redis_internals.direct_publish_enabled():
        return False
    layer = get_channel_layer(FANOUT_LAYER)
    if not isinstance(layer, RedisPubSubChannelLayer):
        return False
    config = cast(dict[str, Any], settings.CHANNEL_LAYERS[FANOUT_LAYER]).get("CONFIG", {})
    channel, host = channels_redis_internals.fanout_route(
        group, hosts=config.get("hosts"), prefix=config.get("prefix")
    )
    client = core_redis.client_for_host(host)
    if client is None:
        return False
    client.publish(channel, layer.serialize(message))
    return True
