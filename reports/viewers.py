"""Reading how many people are watching, from the counts the live hubs publish.

The counts and their format are realtime's (realtime/viewer_counts.py): one Redis hash per
event, a field per server process, stale and malformed fields not counted.
"""

from collections.abc import Iterable

from core import redis as core_redis
from realtime.viewer_counts import counts_read


def viewer_counts_read(event_ids: Iterable[int], *, now: float) -> dict[int, int]:
    """The number watching each event now, summed over every process with a fresh count.

    One round trip for all events. An event with no hash has nobody watching (0). Raises
    redis.RedisError when Redis cannot be read: the caller stores nothing rather than a
    false zero."""
    ids = list(event_ids)
    if not ids:
        return {}
    client = core_redis.client(timeout=5)
    try:
        pipeline = client.pipeline(transaction=False)
        for event_id in ids:
            pipeline.hgetall(core_redis.viewers_key(event_id))
        results = pipeline.execute()
    finally:
        client.close()
    return {
        event_id: counts_read(fields, now=now).total
        for event_id, fields in zip(ids, results, strict=True)
    }
