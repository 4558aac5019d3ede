"""The hub knows the feed only through the registered FeedSource (realtime/feeds.py), and
dispatches what it receives on the message types of realtime/messages.py."""

import ast
import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from channels.layers import get_channel_layer

from realtime import hub as hub_module
from realtime.broadcast import FANOUT_LAYER, public_frames_message, public_message
from realtime.groups import public_group
from tests.realtime.feeds import FakeFeed, FakeViewer, eventually, unused_event_id


async def test_a_joining_viewer_s_snapshot_comes_from_the_registered_feed_source(
    fake_feed: FakeFeed,
) -> None:
    fake_feed.items = [
        {"type": "message", "seq": 1, "body": "one"},
        {"type": "message", "seq": 2, "body": "two"},
    ]
    hub = hub_module.hub_for(unused_event_id())
    viewer = FakeViewer()
    await hub.join(viewer)
    try:
        snapshot = hub.snapshot(after=1)
    finally:
        hub.leave(viewer)
        await hub.stop()

    assert snapshot is not None
    assert snapshot.status.text == '{"type":"status","status":"live"}'
    assert snapshot.pinned.text == '{"type":"pinned","seq":null}'
    assert [item.text for item in snapshot.items] == ['{"type":"message","seq":2,"body":"two"}']


async def test_an_unknown_message_type_is_logged_once_and_ignored(
    fake_feed: FakeFeed, caplog: Any
) -> None:
    event_id = unused_event_id()
    layer = get_channel_layer(FANOUT_LAYER)
    group = public_group(event_id)
    hub = hub_module.hub_for(event_id)
    viewer = FakeViewer()
    await hub.join(viewer)
    stray = {**public_message(event_id, {"type": "message", "seq": 1}), "type": "public.gossip"}
    try:
        with caplog.at_level(logging.WARNING, logger="realtime.hub"):
            await layer.group_send(group, stray)
            await layer.group_send(group, stray)
            await layer.group_send(
                group,
                public_frames_message(
                    event_id,
                    [{"type": "message", "seq": 1}, {"type": "message", "seq": 2}],
                ),
            )
            await layer.group_send(group, public_message(event_id, {"type": "message", "seq": 3}))
            await eventually(lambda: len(viewer.frames) == 3)
    finally:
        hub.leave(viewer)
        await hub.stop()

    assert viewer.texts() == [
        '{"type":"message","seq":1}',
        '{"type":"message","seq":2}',
        '{"type":"message","seq":3}',
    ]
    assert viewer.failed_with is None
    assert [r.getMessage() for r in caplog.records] == [
        f"hub for event {event_id} ignored a message of unknown type 'public.gossip' on its "
        "public group"
    ]


TOGETHER = [{"type": "message", "seq": seq, "body": f"item {seq}"} for seq in (1, 2, 3)]


async def watched_hub(
    fake_feed: FakeFeed, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, hub_module.EventHub, FakeViewer]:
    """A hub with one viewer whose routine database check runs often, and gives pub/sub
    long enough to be watched arriving in between."""
    monkeypatch.setattr(hub_module, "VIEWER_COUNT_SECONDS", 0.02)
    monkeypatch.setattr(hub_module, "REFILL_SECONDS", 0.05)
    monkeypatch.setattr(hub_module, "GAP_WAIT_SECONDS", 1.0)
    event_id = unused_event_id()
    hub = hub_module.hub_for(event_id)
    viewer = FakeViewer()
    await hub.join(viewer)
    return event_id, hub, viewer


async def test_items_the_routine_check_reads_before_their_publish_still_go_out_together(
    fake_feed: FakeFeed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Committed, read by the hub's routine database check, and only then PUBLISHed (the
    order a busy server can take): viewers still get them in one write, each once."""
    event_id, hub, viewer = await watched_hub(fake_feed, monkeypatch)
    try:
        fake_feed.items = list(TOGETHER)
        reads = len(fake_feed.reads)
        await eventually(lambda: len(fake_feed.reads) > reads)
        await get_channel_layer(FANOUT_LAYER).group_send(
            public_group(event_id), public_frames_message(event_id, TOGETHER)
        )
        await eventually(lambda: len(viewer.frames) >= 3)
        await asyncio.sleep(1.2)  # the check's own delivery, had it made one
    finally:
        hub.leave(viewer)
        await hub.stop()

    assert [frame.seq for frame in viewer.frames] == [1, 2, 3]
    assert viewer.writes == [3]


async def test_items_whose_publish_was_lost_come_from_the_routine_check(
    fake_feed: FakeFeed, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, hub, viewer = await watched_hub(fake_feed, monkeypatch)
    try:
        fake_feed.items = list(TOGETHER)  # committed; the PUBLISH never arrives
        await eventually(lambda: len(viewer.frames) >= 3)
        await asyncio.sleep(0.2)
    finally:
        hub.leave(viewer)
        await hub.stop()

    assert [frame.seq for frame in viewer.frames] == [1, 2, 3]


def test_realtime_imports_no_domain_app() -> None:
    """The transport knows feeds through the FeedSource protocol only (issue 26)."""
    domain = {"accounts", "events", "chat", "safeguarding", "archive", "reports", "demo"}
    found = []
    for path in sorted(Path("realtime").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            found += [f"{path}: {name}" for name in names if name.split(".")[0] in domain]
    assert found == []
