"""Reading how many people are watching, from the counts the live hubs publish.

Each server process's hub (realtime/hub.py, `_publish_viewer_count`) writes its own
count every few seconds into one Redis hash per event (`viewers_key`, in the deployment's
namespace), a field per process whose value is "<count>:<unix time>". A field older than the
hub's staleness window belongs to a process that has stopped or lost Redis, and is not
counted.
"""

from collections.abc import Iterable

import redis
from django.conf import settings

from realtime.hub import VIEWER_COUNT_STALE_SECONDS, viewers_key


def _fresh_total(fields: dict[bytes, bytes], *, now: float) -> int:
    total = 0
    for value in fields.values():
        count, _, stamp = value.decode("ascii", "replace").partition(":")
        try:
            if now - float(stamp) <= VIEWER_COUNT_STALE_SECONDS:
                total += max(int(count), 0)
        except ValueError:
            continue  # one malformed field never spoils the others
    return total


def viewer_counts_read(event_ids: Iterable[int], *, now: float) -> dict[int, int]:
    """The number watching each event now, summed over every process with a fresh count.

    One round trip for all events. An event with no hash has nobody watching (0). Raises
    redis.RedisError when Redis cannot be read: the caller stores nothing rather than a
    false zero."""
    ids = list(event_ids)
    if not ids:
        return {}
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    try:
        pipeline = client.pipeline(transaction=False)
        for event_id in ids:
            pipeline.hgetall(viewers_key(event_id))
        results = pipeline.execute()
    finally:
        client.close()
    return {
        event_id: _fresh_total(fields, now=now)
        for event_id, fields in zip(ids, results, strict=True)
    }
