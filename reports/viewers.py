"""Reading how many people are watching, from the counts the live hubs publish.

The counts and their format are realtime's (realtime/viewer_counts.py): one Redis hash per
event, a field per server process, stale and malformed fields not counted.
"""

import time
from collections.abc import Iterable

from core import redis as core_redis
from realtime.viewer_counts import STALE_SECONDS, counts_read

# A process that died is still counted until its field goes stale (STALE_SECONDS), while its
# viewers are already counted again where they reconnected. Two reads further apart than
# that cannot both count it, so the smaller of the two is a number that really watched.
RECOUNT_SECONDS = STALE_SECONDS + 0.5


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


def viewer_counts_settled(event_ids: Iterable[int], *, now: float) -> dict[int, int]:
    """`viewer_counts_read` twice, RECOUNT_SECONDS apart: for each event the smaller count,
    never the double count of the seconds after a process dies. Raises redis.RedisError as
    `viewer_counts_read` does."""
    ids = list(event_ids)
    first = viewer_counts_read(ids, now=now)
    if not first:
        return first
    time.sleep(RECOUNT_SECONDS)
    second = viewer_counts_read(ids, now=now + RECOUNT_SECONDS)
    return {event_id: min(count, second[event_id]) for event_id, count in first.items()}
