"""A moderator's announcements that arrive together are committed together: one transaction
and one PUBLISH round trip for the lot, each still published once, in the order sent, and a
refused one refused alone (realtime/readahead.py, services.announcements_post)."""

import asyncio
import threading
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.test import override_settings

from chat import services
from chat.models import FeedItem
from chat.services import ChatError
from realtime.broadcast import FANOUT_LAYER, public_frames_message
from realtime.groups import public_group
from realtime.readahead import ReadAhead
from tests.live import LiveEvent, db

pytestmark = pytest.mark.django_db(transaction=True)


class HeldCalls:
    """services.announcements_post, recording each call's bodies; the first call, once
    committed, waits until `release()`, so that the frames sent meanwhile are all waiting
    when it returns."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[list[str]] = []
        self.released = threading.Event()
        self.original = services.announcements_post
        monkeypatch.setattr(services, "announcements_post", self)

    def __call__(self, **kwargs: Any) -> list[int | ChatError]:
        self.calls.append(list(kwargs["bodies"]))
        outcomes = self.original(**kwargs)
        if len(self.calls) == 1:
            self.released.wait(timeout=10)
        return outcomes

    def release(self) -> None:
        self.released.set()


async def watched_moderator(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any, HeldCalls]:
    """A viewer, the event's moderator (both connected, in the test's settings) and the
    held service calls."""
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)
    return viewer, moderator, HeldCalls(monkeypatch)


async def until_the_first_is_committed(held: HeldCalls) -> None:
    for _ in range(250):
        if held.calls:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the first announcement was never committed")


async def send_while_the_first_commits(
    moderator: Any, held: HeldCalls, frames: list[dict[str, Any]]
) -> None:
    """Send the first frame; once its announcement is being committed, send the rest; then
    let the commit finish."""
    await moderator.send(frames[0])
    await until_the_first_is_committed(held)
    for frame in frames[1:]:
        await moderator.send(frame)
    await asyncio.sleep(0.3)  # every frame read ahead
    held.release()


def announce(body: str, **fields: Any) -> dict[str, Any]:
    return {"type": "announce", "body": body, **fields}


async def messages(socket: Any, count: int) -> list[dict[str, Any]]:
    received = []
    while len(received) < count:
        received.append(await socket.until_type("message"))
    return received


async def test_announcements_sent_while_one_commits_are_committed_together_in_order(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer, moderator, held = await watched_moderator(live, connect, monkeypatch)

    await send_while_the_first_commits(
        moderator, held, [announce(f"Announcement {number}") for number in range(1, 11)]
    )

    received = await messages(viewer, 10)
    assert [(item["seq"], item["body"]) for item in received] == [
        (number, f"Announcement {number}") for number in range(1, 11)
    ]
    assert held.calls == [
        ["Announcement 1"],
        [f"Announcement {number}" for number in range(2, 11)],
    ]
    await viewer.nothing_more()
    assert await db(FeedItem.objects.count)() == 10


@override_settings(CHAT_ANNOUNCE_BATCH=4)
async def test_a_batch_is_bounded_and_the_rest_follow_in_order(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer, moderator, held = await watched_moderator(live, connect, monkeypatch)

    await send_while_the_first_commits(
        moderator, held, [announce(f"A{number}") for number in range(1, 11)]
    )

    received = await messages(viewer, 10)
    assert [item["body"] for item in received] == [f"A{number}" for number in range(1, 11)]
    assert [len(call) for call in held.calls] == [1, 4, 4, 1]


@override_settings(CHAT_STAFF_READ_AHEAD=0)
async def test_with_read_ahead_off_each_announcement_is_committed_alone(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer, moderator, held = await watched_moderator(live, connect, monkeypatch)

    await send_while_the_first_commits(
        moderator, held, [announce(f"A{number}") for number in range(1, 5)]
    )

    assert [item["body"] for item in await messages(viewer, 4)] == ["A1", "A2", "A3", "A4"]
    assert held.calls == [["A1"], ["A2"], ["A3"], ["A4"]]


async def test_an_empty_announcement_in_a_batch_is_refused_alone(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer, moderator, held = await watched_moderator(live, connect, monkeypatch)

    await send_while_the_first_commits(
        moderator,
        held,
        [
            announce("First"),
            announce("Second"),
            announce("   ", client_id="blank-one"),
            announce("Third"),
        ],
    )

    assert [item["body"] for item in await messages(viewer, 3)] == ["First", "Second", "Third"]
    error = await moderator.until_type("error")
    assert (error["code"], error["client_id"]) == ("invalid", "blank-one")
    assert len(held.calls) == 2  # the blank one went with the others, and only it came back


async def test_other_frames_keep_their_place_between_announcements(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer, moderator, held = await watched_moderator(live, connect, monkeypatch)

    await send_while_the_first_commits(
        moderator,
        held,
        [
            announce("Before the pin"),
            announce("Pinned one"),
            {"type": "pin", "seq": 2},
            announce("After the pin"),
        ],
    )

    seen = []
    while len(seen) < 4:
        frame = await viewer.until(lambda f: f["type"] in ("message", "pinned"))
        seen.append(frame.get("body") or ("pinned", frame["seq"]))
    assert seen == ["Before the pin", "Pinned one", ("pinned", 2), "After the pin"]
    assert [len(call) for call in held.calls] == [1, 1, 1]


async def test_a_moderator_whose_rights_end_has_every_waiting_announcement_refused(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer, moderator, held = await watched_moderator(live, connect, monkeypatch)

    await moderator.send(announce("Still a moderator"))
    await until_the_first_is_committed(held)
    await moderator.send(announce("No longer", client_id="a"))
    await moderator.send(announce("Nor this", client_id="b"))
    await asyncio.sleep(0.3)
    # Rights removed once the first is committed (a bulk delete sends no signal, so the socket
    # stays open: the service's own check must refuse the rest).
    await db(lambda: live.event.moderators.through.objects.filter(user=live.moderator).delete())()
    held.release()

    assert (await viewer.until_type("message"))["body"] == "Still a moderator"
    errors = [await moderator.until_type("error"), await moderator.until_type("error")]
    assert [(e["code"], e["client_id"]) for e in errors] == [
        ("not_allowed", "a"),
        ("not_allowed", "b"),
    ]
    await viewer.nothing_more()


async def test_announcements_sent_just_before_the_moderator_leaves_are_all_published(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer, moderator, held = await watched_moderator(live, connect, monkeypatch)

    await moderator.send(announce("Last words 1"))
    await until_the_first_is_committed(held)
    for number in range(2, 6):
        await moderator.send(announce(f"Last words {number}"))
    await moderator.communicator.send_input({"type": "websocket.disconnect", "code": 1000})
    await asyncio.sleep(0.3)
    held.release()

    received = await messages(viewer, 5)
    assert [item["body"] for item in received] == [f"Last words {n}" for n in range(1, 6)]


# -- the service -------------------------------------------------------------------------


def test_announcements_post_gives_each_its_seq_or_its_error(live: LiveEvent) -> None:
    services.announcement_post(event_id=live.event.pk, actor_id=live.moderator.pk, body="One")

    outcomes = services.announcements_post(
        event_id=live.event.pk, actor_id=live.moderator.pk, bodies=[" Two ", "", "Three"]
    )

    assert outcomes[0] == 2 and outcomes[2] == 3
    assert isinstance(outcomes[1], ChatError) and outcomes[1].code == "invalid"
    stored = list(FeedItem.objects.order_by("seq").values_list("seq", "payload"))
    assert [(seq, payload["body"]) for seq, payload in stored] == [
        (1, "One"),
        (2, "Two"),
        (3, "Three"),
    ]
    assert all(payload["seq"] == seq for seq, payload in stored)


def test_announcements_post_refuses_them_all_for_someone_who_is_not_a_moderator(
    live: LiveEvent,
) -> None:
    with pytest.raises(ChatError) as refused:
        services.announcements_post(
            event_id=live.event.pk, actor_id=live.panellist_user.pk, bodies=["a", "b"]
        )
    assert refused.value.code == "not_allowed"
    assert not FeedItem.objects.exists()


# -- ReadAhead ---------------------------------------------------------------------------


class Incoming:
    """An ASGI receive fed by the test; counts how many messages were read from it."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.read = 0

    async def __call__(self) -> dict[str, Any]:
        message = await self.queue.get()
        self.read += 1
        return message

    def put(self, text: str) -> None:
        self.queue.put_nowait({"type": "websocket.receive", "text": text})


async def test_read_ahead_reads_only_while_the_handler_is_busy() -> None:
    incoming = Incoming()
    reader = ReadAhead(incoming, limit=8)
    for text in "abcd":
        incoming.put(text)

    reader.while_busy()  # not started: a public connection never reads ahead
    assert (await reader())["text"] == "a"
    await asyncio.sleep(0.05)
    assert incoming.read == 1
    reader.start()
    assert (await reader())["text"] == "b"  # idle: straight through
    await asyncio.sleep(0.05)
    assert incoming.read == 2
    reader.while_busy()
    await asyncio.sleep(0.05)
    assert incoming.read == 4  # what arrived while busy was read
    assert [(await reader())["text"] for _ in range(2)] == ["c", "d"]
    reader.stop()


async def test_asked_with_nothing_read_ahead_the_read_under_way_is_the_answer() -> None:
    incoming = Incoming()
    reader = ReadAhead(incoming, limit=8)
    reader.start()
    reader.while_busy()
    await asyncio.sleep(0.05)  # reading ahead, nothing has arrived

    asked = asyncio.ensure_future(reader())
    await asyncio.sleep(0.05)
    incoming.put("late")
    incoming.put("later")
    assert (await asyncio.wait_for(asked, 1))["text"] == "late"
    await asyncio.sleep(0.05)
    assert incoming.read == 1  # reading ahead stopped with it
    assert (await reader())["text"] == "later"
    reader.stop()


async def turns_until(waiting: "asyncio.Future[Any]") -> int:
    """Turns of the event loop until `waiting` is done."""
    turns = 0
    while not waiting.done():
        await asyncio.sleep(0)
        turns += 1
    return turns


async def test_the_next_frame_after_reading_ahead_is_handed_over_in_one_turn() -> None:
    """At 18:00 each turn of the server's loop is 5-20 ms: a moderator's frame must not wait
    for the reader ahead to wake and then for the consumer to wake (issue 16)."""
    incoming = Incoming()
    reader = ReadAhead(incoming, limit=8)
    reader.start()
    reader.while_busy()
    await asyncio.sleep(0.05)  # the handler is done; nothing arrived meanwhile

    asked = asyncio.ensure_future(reader())
    await asyncio.sleep(0)  # the consumer is waiting for its next frame
    incoming.put("announce")

    assert await turns_until(asked) == 1
    assert asked.result()["text"] == "announce"
    assert incoming.read == 1
    reader.stop()


async def test_read_ahead_reads_no_more_than_its_limit_ahead() -> None:
    incoming = Incoming()
    reader = ReadAhead(incoming, limit=3)
    for number in range(10):
        incoming.put(str(number))
    reader.start()
    reader.while_busy()
    await asyncio.sleep(0.05)
    assert incoming.read == 3

    assert reader.take_while(lambda m: m["text"], most=2) == ["0", "1"]
    reader.while_busy()
    await asyncio.sleep(0.05)
    assert incoming.read == 5
    assert [(await reader())["text"] for _ in range(8)] == [str(n) for n in range(2, 10)]
    reader.stop()


async def test_take_while_stops_at_the_first_message_it_does_not_keep() -> None:
    incoming = Incoming()
    reader = ReadAhead(incoming, limit=8)
    for text in ("a1", "a2", "b", "a3"):
        incoming.put(text)
    reader.start()
    reader.while_busy()
    await asyncio.sleep(0.05)

    kept = reader.take_while(lambda m: m["text"] if m["text"].startswith("a") else None, most=9)

    assert kept == ["a1", "a2"]
    assert [(await reader())["text"] for _ in range(2)] == ["b", "a3"]
    reader.stop()


async def test_a_failing_receive_reaches_the_consumer_after_what_came_before() -> None:
    calls = 0

    async def receive() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionResetError("gone")
        return {"type": "websocket.receive", "text": "first"}

    reader = ReadAhead(receive, limit=8)
    reader.start()
    reader.while_busy()
    await asyncio.sleep(0.05)
    assert (await reader())["text"] == "first"
    with pytest.raises(ConnectionResetError):
        await reader()
    reader.stop()


async def test_nothing_is_read_after_the_disconnect() -> None:
    incoming = Incoming()
    reader = ReadAhead(incoming, limit=8)
    incoming.put("last words")
    incoming.queue.put_nowait({"type": "websocket.disconnect", "code": 1000})
    reader.start()
    reader.while_busy()
    await asyncio.sleep(0.05)

    assert (await reader())["text"] == "last words"
    reader.while_busy()  # handling the last frame: nothing more to read
    await asyncio.sleep(0.05)
    assert (await reader())["type"] == "websocket.disconnect"
    assert incoming.read == 2
    reader.stop()


# -- frames sent together, as the hubs receive them -----------------------------------------


async def test_frames_sent_together_that_are_not_all_items_are_taken_one_by_one(
    live: LiveEvent, connect: Any
) -> None:
    viewer = await connect(live.event.slug)
    layer = get_channel_layer(FANOUT_LAYER)
    item = {"type": "message", "seq": 1, "kind": "announcement", "body": "first"}

    await layer.group_send(
        public_group(live.event.pk),
        public_frames_message(live.event.pk, [{"type": "pinned", "seq": 1}, item]),
    )

    pinned = await viewer.until_type("pinned")
    assert pinned["seq"] == 1
    assert (await viewer.until_type("message"))["body"] == "first"
    # The hub kept the pin: a viewer joining now is told of it.
    newcomer = await connect(live.event.slug)
    assert [f["seq"] for f in newcomer.frames if f["type"] == "pinned"] == [1]


async def test_frames_sent_together_by_another_deployment_are_ignored(
    live: LiveEvent, connect: Any
) -> None:
    viewer = await connect(live.event.slug)
    layer = get_channel_layer(FANOUT_LAYER)
    theirs = public_frames_message(
        live.event.pk,
        [{"type": "message", "seq": n, "kind": "announcement", "body": "x"} for n in (1, 2)],
    )
    theirs["namespace"] = "staging"

    await layer.group_send(public_group(live.event.pk), theirs)
    await viewer.nothing_more(wait=0.5)
    await db(services.announcements_post)(
        event_id=live.event.pk, actor_id=live.moderator.pk, bodies=["ours", "also ours"]
    )
    received = await messages(viewer, 2)
    assert [(m["seq"], m["body"]) for m in received] == [(1, "ours"), (2, "also ours")]
