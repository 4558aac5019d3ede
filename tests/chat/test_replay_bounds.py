"""A join's replay is bounded: a long history goes out a page at a time (every item once,
in order, no gaps, what is published meanwhile included), and a network that asks for more
history than it may is closed with 4429 while other networks are served (chat/replay.py,
docs/protocol.md "Catching up in pages")."""

import json
from typing import Any

import pytest

from chat import services
from tests.live import LiveEvent, Socket, db

pytestmark = pytest.mark.django_db(transaction=True)

# Each announcement frame is about 150 bytes: a page of 1,000 bytes holds a few of them.
PAGE_BYTES = 1000


async def announce(live: LiveEvent, count: int, *, first: int = 1) -> None:
    for index in range(first, first + count):
        await db(services.announcement_post)(
            event_id=live.event.pk, actor_id=live.moderator.pk, body=f"note {index}"
        )


def seqs(socket: Socket) -> list[int]:
    return [frame["seq"] for frame in socket.frames if frame["type"] == "message"]


async def until_seq(socket: Socket, seq: int) -> None:
    """Until item `seq` has arrived (perhaps already, with a page)."""
    while seq not in seqs(socket):
        await socket.receive()


async def catch_up(socket: Socket) -> list[dict[str, Any]]:
    """Act as the live page does: while `synced` says `more`, resume from the last item."""
    synced = [socket.frames[-1]]
    while synced[-1].get("more"):
        await socket.send({"type": "resume", "after": seqs(socket)[-1]})
        synced.append(await socket.until_type("synced"))
    return synced


@pytest.mark.parametrize("from_memory", [True, False])
async def test_a_join_after_0_on_a_long_feed_gets_every_item_once_in_pages(
    live: LiveEvent, connect, settings, from_memory: bool
) -> None:
    settings.CHAT_REPLAY_PAGE_BYTES = PAGE_BYTES
    if not from_memory:
        settings.CHAT_HUB_RECENT_ITEMS = 0  # every page read from the database
    await announce(live, 30)

    viewer = await connect(live.event.slug, after=0)
    first_page = seqs(viewer)
    await announce(live, 1, first=31)  # published while the viewer is still catching up
    synced = await catch_up(viewer)
    await until_seq(viewer, 31)
    await announce(live, 1, first=32)
    await until_seq(viewer, 32)

    assert 0 < len(first_page) < 30
    assert len(synced) > 2
    assert all(frame["more"] is True for frame in synced[:-1]) and "more" not in synced[-1]
    assert seqs(viewer) == list(range(1, 33))
    # No page is larger than a page, but the first holds at least one item.
    pages = [json.dumps(frame) for frame in viewer.frames if frame["type"] == "message"]
    assert max(len(page) for page in pages) < PAGE_BYTES


async def test_a_viewer_at_an_ordinary_event_gets_the_whole_history_at_once(
    live: LiveEvent, connect
) -> None:
    await announce(live, 40)

    viewer = await connect(live.event.slug, after=0)

    assert seqs(viewer) == list(range(1, 41))
    assert viewer.frames[-1] == {"type": "synced", "last_seq": 40}


async def outcome(socket: Socket) -> str | int:
    """How a join or resume ended: "synced" (its frames kept), or the close code."""
    while True:
        output = await socket.communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return int(output.get("code", 1000))
        socket.frames.append(json.loads(output["text"]))
        if socket.frames[-1]["type"] == "synced":
            return "synced"


async def test_a_network_past_its_replay_budget_is_closed_4429_and_others_are_served(
    live: LiveEvent, connect, settings
) -> None:
    settings.CHAT_REPLAY_PAGE_BYTES = PAGE_BYTES
    # The whole feed (about 4,200 bytes) once per network, and no refill during the test.
    settings.CHAT_REPLAY_NETWORK_BURST = 5000
    settings.CHAT_REPLAY_NETWORK_RATE = 1
    await announce(live, 30)

    flood = [await connect(live.event.slug, after=0, expect_synced=False) for _ in range(8)]
    outcomes = [await outcome(socket) for socket in flood]
    other_network = await connect(live.event.slug, after=0, address="198.51.100.20")
    synced = await catch_up(other_network)

    assert outcomes[0] == "synced" and 4429 in outcomes
    assert set(outcomes) == {"synced", 4429}
    # Refused before anything was sent: a refused join costs the server nothing more.
    refused = [socket for socket, ended in zip(flood, outcomes, strict=True) if ended == 4429]
    assert all(socket.frames == [] for socket in refused)
    assert "more" not in synced[-1]
    assert seqs(other_network) == list(range(1, 31))


async def test_a_viewer_who_needs_no_history_joins_while_its_network_is_over_budget(
    live: LiveEvent, connect, settings
) -> None:
    settings.CHAT_REPLAY_PAGE_BYTES = PAGE_BYTES
    settings.CHAT_REPLAY_NETWORK_BURST = 1500  # one page, not two
    settings.CHAT_REPLAY_NETWORK_RATE = 1
    await announce(live, 30)
    first = await connect(live.event.slug, after=0)
    await first.send({"type": "resume", "after": seqs(first)[-1]})
    code = await outcome(first)

    up_to_date = await connect(live.event.slug, after=30)

    assert code == 4429
    assert up_to_date.frames[-1] == {"type": "synced", "last_seq": 30}
