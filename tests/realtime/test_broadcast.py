"""Public frames are published straight from the committing thread, as channels-redis would.

The hubs subscribe through channels-redis' pub/sub layer (realtime/hub.py); the publishing side
(realtime/broadcast.py) PUBLISHes from sync code without a trip through an event loop. Both
must agree on the channel, the serialisation and, with several Redis hosts, the shard.
"""

import asyncio
import threading
from typing import Any

import pytest
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubLoopLayer

from realtime import broadcast
from realtime.groups import public_group
from realtime.internals.channels_redis import fanout_route
from realtime.messages import PUBLIC_FRAME


async def test_a_frame_published_from_a_plain_thread_reaches_the_layer_s_subscribers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_event_loop_trips(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("published through an event loop")

    monkeypatch.setattr(broadcast, "async_to_sync", no_event_loop_trips)
    layer = get_channel_layer(broadcast.FANOUT_LAYER)
    group = public_group(987654)
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    message = {"type": PUBLIC_FRAME, "frame": {"type": "message", "seq": 1}}
    try:
        # As a Celery task or a service's on_commit does: sync code, no loop in this thread.
        publisher = threading.Thread(
            target=broadcast.send_now, args=(group, message), kwargs={"public": True}
        )
        publisher.start()
        received = await asyncio.wait_for(layer.receive(channel), 5)
        publisher.join()
    finally:
        await layer.group_discard(group, channel)

    assert received == message


def test_with_several_redis_hosts_the_shard_is_the_one_the_layer_subscribes_on() -> None:
    hosts = [f"redis://redis-{index}.example.org:6379/0" for index in range(3)]
    layer = RedisPubSubLoopLayer(hosts=hosts, prefix="outreach:fanout")
    chosen = set()
    for event_id in range(60):
        group = public_group(event_id)
        channel, host = fanout_route(group, hosts=hosts, prefix="outreach:fanout")
        assert channel == layer._get_group_channel_name(group)
        assert host == layer._get_shard(channel).host
        chosen.add(host["address"])
    assert len(chosen) == 3  # the events really are spread over the hosts
