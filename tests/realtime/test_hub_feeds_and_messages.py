"""The hub knows the feed only through the registered FeedSource (realtime/feeds.py), and
dispatches what it receives on the message types of realtime/messages.py."""

import ast
import logging
from pathlib import Path
from typing import Any

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
