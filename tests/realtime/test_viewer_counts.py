"""The viewer-count hash every server process shares (realtime/viewer_counts.py): one format,
read in one place, and a field that does not parse is skipped, never fatal."""

import asyncio
import logging
import time
from typing import Any

import pytest

from core import redis as core_redis
from realtime import hub as hub_module
from realtime.viewer_counts import CountsRead, count_format, count_parse, counts_read
from tests.realtime.feeds import FakeFeed, FakeViewer, eventually, unused_event_id


def test_count_format_is_read_back_by_count_parse() -> None:
    assert count_format(12, now=1_700_000_000.5) == "12:1700000000.5"
    assert count_parse(b"12:1700000000.5") == (12, 1_700_000_000.5)
    assert count_parse("0:1700000000") == (0, 1_700_000_000.0)


@pytest.mark.parametrize(
    "value", [b"", b"12", b"12:", b":170", b"x:170", b"-1:170", b"1:nan", b"1:inf", b"\xff:1"]
)
def test_a_malformed_value_parses_to_none(value: bytes) -> None:
    assert count_parse(value) is None


def test_counts_read_sums_the_fresh_and_sets_aside_the_stale_and_the_malformed() -> None:
    now = 1_700_000_100.0
    fields = {
        b"a": b"41:1700000099.5",
        b"b": b"23:1700000097.5",  # 2.5 s old: still fresh
        b"c": b"7:1700000096.5",  # 3.5 s old: stale, the process stopped
        b"d": b"lots:1700000099.0",
        b"e": b"3",
    }

    assert counts_read(fields, now=now) == CountsRead(
        total=64, stale=[b"c"], malformed=[b"d", b"e"]
    )


async def test_a_malformed_field_in_the_shared_hash_is_skipped_and_the_viewers_stay(
    fake_feed: FakeFeed, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """The fault of issue 26: a field that does not parse raised in the hub's count loop,
    and the hub's supervisor then closed every viewer of the event on that process."""
    monkeypatch.setattr(hub_module, "VIEWER_COUNT_SECONDS", 0.05)
    event_id = unused_event_id()
    key = core_redis.viewers_key(event_id)
    client = core_redis.async_client(timeout=2.0)
    await client.hset(
        key,
        mapping={
            "another-process": count_format(4, now=time.time() + 30),
            "garbage": "not a count",
            "half": "3:",
        },
    )
    hub = hub_module.hub_for(event_id)
    viewer = FakeViewer(sees_viewer_count=True)
    try:
        with caplog.at_level(logging.WARNING, logger="realtime.hub"):
            await hub.join(viewer)
            await eventually(lambda: hub.viewer_count == 5)
            # Several more rounds of the count loop, each meeting the same fields.
            await asyncio.sleep(0.4)
    finally:
        hub.leave(viewer)
        await hub.stop()
        await client.delete(key)
        await client.aclose()

    assert viewer.failed_with is None
    assert all(not task.done() or task.cancelled() for task in hub._tasks)
    assert '{"type":"viewers","count":5}' in viewer.texts()
    malformed = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
    assert malformed == [
        f"hub for event {event_id} skipped 2 malformed field(s) in the viewer-count hash "
        f"{key} (fields b'garbage', b'half'); not counted"
    ]
