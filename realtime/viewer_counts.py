"""How many people are watching an event: the one place the shared count format is written
and read.

Each server process's hub (realtime/hub.py) writes its own count every WRITE_SECONDS into one
Redis hash per event (core.redis.viewers_key), a field per process whose value is
"<count>:<unix time>". A field older than STALE_SECONDS belongs to a process that has
stopped or lost Redis, and is not counted. A process that dies cannot remove its field, and
its viewers reconnect to another process within a second or two: until the field goes stale
they are counted twice, so STALE_SECONDS is kept to a few of the hubs' writes. Readers that
must never overcount (the reports' sampler) read twice, more than STALE_SECONDS apart.

The hash is shared by every process (and, in a bad deployment, by anything else that writes
there), so a field that does not parse is skipped, never trusted and never fatal: the hubs'
count loop and the reports' sampler both read through `counts_read`.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

# How often each hub writes its process's count (one HSET and one HGETALL per live event).
WRITE_SECONDS = 1.0
# A process that has not written its count for this long is not counted: three writes, so
# one late write (a busy event loop) does not drop a live process's viewers.
STALE_SECONDS = 3.0

Field = bytes | str


def count_format(count: int, *, now: float) -> str:
    """A process's field value: its number of viewers at `now` (unix time)."""
    return f"{count}:{now}"


def count_parse(value: Field) -> tuple[int, float] | None:
    """(count, unix time) from a field value, or None if it is not one `count_format` wrote."""
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    count_text, separator, stamp_text = text.partition(":")
    try:
        count, stamp = int(count_text), float(stamp_text)
    except ValueError:
        return None
    if not separator or count < 0 or not math.isfinite(stamp):
        return None
    return count, stamp


@dataclass(frozen=True)
class CountsRead:
    # The viewers of every process with a fresh count.
    total: int
    # The fields of processes that stopped writing (the hubs delete them).
    stale: list[Field]
    # Fields that do not parse: skipped.
    malformed: list[Field]


def counts_read(fields: Mapping[Field, Field], *, now: float) -> CountsRead:
    """Sum the fresh counts of an event's hash (as HGETALL returns it)."""
    total = 0
    stale: list[Field] = []
    malformed: list[Field] = []
    for process, value in fields.items():
        parsed = count_parse(value)
        if parsed is None:
            malformed.append(process)
            continue
        count, stamp = parsed
        if now - stamp > STALE_SECONDS:
            stale.append(process)
        else:
            total += count
    return CountsRead(total=total, stale=stale, malformed=malformed)
