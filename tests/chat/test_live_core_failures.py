"""The live core fails cleanly: whatever ends a frame, a connection or a hub's loop, the
person gets a documented code, the operator one log line, and nothing is left behind."""

import asyncio
import json
import logging
import uuid
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from chat import services
from chat.models import FeedItem, Question
from chat.protocol import PRIVILEGED_FRAMES
from realtime import hub as hub_module
from realtime.broadcast import FANOUT_LAYER, public_message
from realtime.groups import participant_group, public_group
from realtime.outbox import OutboundFrame
from tests.live import LiveEvent, Socket, db

pytestmark = pytest.mark.django_db(transaction=True)


def local_viewers(live: LiveEvent) -> int:
    hub = hub_module._hubs.get(asyncio.get_running_loop(), {}).get(live.event.pk)
    return len(hub.viewers) if hub is not None else 0


async def eventually(condition: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition never held"
        await asyncio.sleep(0.02)


def ask(body: str, client_id: str | None = None) -> dict[str, Any]:
    return {"type": "ask", "client_id": client_id or str(uuid.uuid4()), "body": body}


# -- a frame that cannot be stored, or a database that is away -------------------------


async def test_a_lone_surrogate_is_refused_as_bad_frame_and_the_connection_goes_on(
    live: LiveEvent, connect: Any
) -> None:
    asker = await connect(live.event.slug)
    client_id = str(uuid.uuid4())

    # JSON's "\ud800" decodes to half a surrogate pair, which no database can store.
    await asker.send(json.dumps({"type": "ask", "client_id": client_id, "body": "\ud800 x"}))

    error = await asker.until_type("error")
    assert (error["code"], error["client_id"]) == ("bad_frame", client_id)
    await asker.send(ask("Can I still ask?"))
    assert (await asker.until_type("ack"))["state"] == "pending"
    assert await db(Question.objects.count)() == 1


async def test_when_the_database_is_away_an_ask_gets_unavailable_and_then_works(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    asker = await connect(live.event.slug)
    before = local_viewers(live)
    client_id = str(uuid.uuid4())

    def pool_exhausted(self: BaseDatabaseWrapper) -> None:
        raise OperationalError("couldn't get a connection after 10.00 sec")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "ensure_connection", pool_exhausted)
        with caplog.at_level(logging.WARNING, logger="chat.consumers"):
            await asker.send(ask("Is anyone there?", client_id))
            error = await asker.until_type("error")

    assert (error["code"], error["client_id"]) == ("unavailable", client_id)
    assert "Nothing was lost" in error["message"]
    assert [r.getMessage() for r in caplog.records if r.name == "chat.consumers"] == [
        f"ask frame for event {live.event.pk} failed, dependency unavailable: "
        "couldn't get a connection after 10.00 sec"
    ]
    # Same connection, same client_id, once the database is back: stored exactly once.
    await asker.send(ask("Is anyone there?", client_id))
    assert (await asker.until_type("ack"))["client_id"] == client_id
    assert local_viewers(live) == before
    assert await db(Question.objects.count)() == 1


async def test_a_connection_opened_while_the_database_is_away_is_closed_with_4503(
    live: LiveEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    from channels.testing import WebsocketCommunicator

    from outreach.asgi import application

    def pool_exhausted(self: BaseDatabaseWrapper) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", pool_exhausted)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/events/{live.event.slug}/",
        headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
    )
    connected, _ = await communicator.connect()
    assert connected
    closed = await communicator.receive_output(timeout=5)
    monkeypatch.undo()

    assert closed == {"type": "websocket.close", "code": 4503}
    assert local_viewers(live) == 0


async def test_an_unexpected_error_in_a_handler_is_an_internal_error_frame(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    moderator = await connect(live.event.slug, user=live.moderator)

    def broken(**kwargs: Any) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(services, "announcements_post", broken)
    await moderator.send({"type": "announce", "body": "Hello"})

    error = await moderator.until_type("error")
    assert error["code"] == "internal"
    monkeypatch.undo()
    # The connection goes on.
    await moderator.send({"type": "announce", "body": "Hello again"})
    assert (await moderator.until_type("message"))["body"] == "Hello again"


# -- no ghost viewers ------------------------------------------------------------------


async def test_a_consumer_that_fails_is_cleaned_up_and_leaves_no_ghost_viewer(
    live: LiveEvent, connect: Any
) -> None:
    watcher = await connect(live.event.slug)
    victim = await connect(live.event.slug)
    await victim.send(ask("Something to join my participant group"))
    question_id = (await victim.until_type("ack"))["question_id"]
    participant_id = await db(lambda: Question.objects.get(pk=question_id).participant_id)()
    assert local_viewers(live) == 2

    # A message the consumer cannot handle makes its dispatch raise, as a bug would: the
    # connection ends with 1011 and the hub forgets it at once.
    await get_channel_layer().group_send(
        participant_group(participant_id), {"type": "no.such.handler"}
    )
    output = await victim.communicator.receive_output(timeout=5)
    while output["type"] != "websocket.close":
        output = await victim.communicator.receive_output(timeout=5)

    assert output == {"type": "websocket.close", "code": 1011}
    await eventually(lambda: local_viewers(live) == 1)
    await publish(live, "Still here")
    assert (await watcher.until_type("message"))["body"] == "Still here"


# -- a hub that cannot freeze ----------------------------------------------------------


class FakeViewer:
    def __init__(self, *, broken: bool = False) -> None:
        self.broken = broken
        self.sees_viewer_count = False
        self.counts_as_watching = True
        self.frames: list[OutboundFrame] = []
        self.failed_with: int | None = None

    def deliver(self, frame: OutboundFrame) -> bool:
        if self.broken:
            raise AttributeError("'WebSocketsSansIOProtocol' object has no attribute 'x'")
        self.frames.append(frame)
        return True

    def deliver_together(self, frames: list[OutboundFrame], wire: bytes) -> bool:
        return all(self.deliver(frame) for frame in frames)

    def fail(self, code: int) -> None:
        self.failed_with = code


async def publish(live: LiveEvent, body: str) -> None:
    await db(services.announcement_post)(
        event_id=live.event.pk, actor_id=live.moderator.pk, body=body
    )


async def test_a_viewer_whose_delivery_raises_is_closed_and_the_others_keep_receiving(
    live: LiveEvent, caplog: Any
) -> None:
    hub = hub_module.hub_for(live.event.pk)
    good, bad, other = FakeViewer(), FakeViewer(broken=True), FakeViewer()
    for viewer in (good, bad, other):
        await hub.join(viewer)

    with caplog.at_level(logging.ERROR, logger="realtime.hub"):
        await publish(live, "one")
        await eventually(lambda: len(good.frames) == 1 and len(other.frames) == 1)
        await publish(live, "two")
        await eventually(lambda: len(good.frames) == 2 and len(other.frames) == 2)

    assert bad.failed_with == 1011
    assert bad not in hub.viewers
    assert [r.getMessage() for r in caplog.records] == [
        f"hub for event {live.event.pk}: delivery to a viewer failed (AttributeError: "
        "'WebSocketsSansIOProtocol' object has no attribute 'x'); closing it with 1011"
    ]
    for viewer in (good, other):
        hub.leave(viewer)
    await hub.stop()


class OrderedViewer(FakeViewer):
    def __init__(self, name: str, served: list[str]) -> None:
        super().__init__()
        self.name = name
        self.served = served

    def deliver(self, frame: OutboundFrame) -> bool:
        self.served.append(self.name)
        return super().deliver(frame)


async def test_each_item_goes_first_to_those_already_watching_then_to_newcomers(
    live: LiveEvent,
) -> None:
    """At 18:00 an item fans out to thousands still joining; those who were watching before
    them must not wait behind them (issue 16: watchers' p99 during a join storm)."""
    hub = hub_module.hub_for(live.event.pk)
    served: list[str] = []
    names = [f"viewer {index:03d}" for index in range(120)]
    viewers = [OrderedViewer(name, served) for name in names]
    for viewer in viewers:
        await hub.join(viewer)
    hub.leave(viewers[3])
    await hub.join(viewers[3])  # back again: now the newest

    await publish(live, "one")
    await eventually(lambda: len(served) == len(names))

    assert served == [name for name in names if name != "viewer 003"] + ["viewer 003"]
    for viewer in viewers:
        hub.leave(viewer)
    await hub.stop()


async def test_a_hub_stopped_while_counting_viewers_stops_for_good(
    live: LiveEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    """redis-py may turn a cancellation into a connection error. A hub stopped while its
    viewer-count loop was talking to Redis took that for a Redis blip and carried on,
    counting and reading the feed every few seconds for ever: a ghost for a webchat nobody
    watched any more (and, in the tests, 30 s at every event loop's end)."""
    monkeypatch.setattr(hub_module, "VIEWER_COUNT_SECONDS", 0.05)
    counting = asyncio.Event()

    async def count_as_redis_py_does(self: Any, client: Any, key: str) -> None:
        counting.set()
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            raise hub_module.aioredis.ConnectionError("Connection closed by server.") from None

    monkeypatch.setattr(hub_module.EventHub, "_publish_viewer_count", count_as_redis_py_does)
    hub = hub_module.hub_for(live.event.pk)
    viewer = FakeViewer()
    await hub.join(viewer)
    await asyncio.wait_for(counting.wait(), 5)

    hub.leave(viewer)
    await hub.stop()
    await eventually(lambda: all(task.done() for task in hub._tasks), timeout=2.0)

    assert all(task.cancelled() for task in hub._tasks)


async def test_a_hub_whose_receive_loop_dies_closes_its_viewers_with_4503_and_is_replaced(
    live: LiveEvent, connect: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    viewer = await connect(live.event.slug)
    hub = hub_module.hub_for(live.event.pk)

    def broken_take(self: Any, message: dict[str, Any]) -> None:
        raise TypeError("an upgrade changed the message format")

    monkeypatch.setattr(hub_module.EventHub, "_take", broken_take)
    with caplog.at_level(logging.ERROR, logger="realtime.hub"):
        await publish(live, "this one kills the loop")
        closed = await viewer.communicator.receive_output(timeout=5)
        while closed["type"] != "websocket.close":
            closed = await viewer.communicator.receive_output(timeout=5)
    monkeypatch.undo()

    assert closed == {"type": "websocket.close", "code": 4503}
    assert [r.getMessage() for r in caplog.records] == [
        f"hub for event {live.event.pk}: receive loop failed (TypeError: an upgrade changed "
        "the message format); closing its 1 viewers with 4503 so they resume"
    ]
    # The client comes back (as the live page does) to a fresh hub, missing nothing.
    again = await connect(live.event.slug, after=0)
    assert [f["body"] for f in again.frames if f["type"] == "message"] == [
        "this one kills the loop"
    ]
    assert hub_module.hub_for(live.event.pk) is not hub
    await publish(live, "after")
    assert (await again.until_type("message"))["body"] == "after"


# -- one deployment, one namespace -----------------------------------------------------


async def test_a_frame_of_another_deployment_on_the_same_redis_is_ignored(
    live: LiveEvent, connect: Any, settings: Any, caplog: Any
) -> None:
    viewer = await connect(live.event.slug)
    layer = get_channel_layer(FANOUT_LAYER)
    foreign = public_message(
        live.event.pk,
        {"type": "message", "seq": 1, "kind": "announcement", "body": "from staging"},
    )
    foreign["namespace"] = "staging"

    with caplog.at_level(logging.WARNING, logger="realtime.hub"):
        # Even on our own channel (a shared REDIS_NAMESPACE prefix would put it there).
        await layer.group_send(public_group(live.event.pk), foreign)
        await asyncio.sleep(0.3)
    await publish(live, "ours")

    message = await viewer.until_type("message")
    assert (message["seq"], message["body"]) == (1, "ours")
    assert "namespace 'staging'" in caplog.text


async def test_two_deployments_on_one_redis_never_hear_each_other(
    live: LiveEvent, connect: Any, settings: Any
) -> None:
    """Same event id, same Redis, another REDIS_NAMESPACE: another set of channels."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    viewer = await connect(live.event.slug)
    theirs = dict(settings.CHANNEL_LAYERS[FANOUT_LAYER])
    theirs["CONFIG"] = {**theirs["CONFIG"], "prefix": "staging-deployment:fanout"}
    other_layer = RedisPubSubChannelLayer(**theirs["CONFIG"])
    try:
        message = public_message(
            live.event.pk, {"type": "message", "seq": 1, "kind": "announcement", "body": "x"}
        )
        message["namespace"] = "staging-deployment"
        await other_layer.group_send(public_group(live.event.pk), message)
        await viewer.nothing_more(wait=0.5)
    finally:
        await other_layer.flush()
    assert await db(FeedItem.objects.count)() == 0


# -- frame budgets ---------------------------------------------------------------------


async def test_a_resume_flood_is_served_once_then_refused_and_bystanders_are_unaffected(
    live: LiveEvent, connect: Any
) -> None:
    for index in range(20):
        await publish(live, f"item {index}")
    flooder = await connect(live.event.slug)
    bystander = await connect(live.event.slug)

    for _ in range(25):
        await flooder.send({"type": "resume", "after": 0})
    replies: list[dict[str, Any]] = []
    while not await flooder.communicator.receive_nothing(timeout=1):
        replies.append(await flooder.receive())

    replayed = [f for f in replies if f["type"] == "message"]
    refused = [f for f in replies if f["type"] == "error"]
    assert [f["seq"] for f in replayed] == list(range(1, 21))  # once, not 25 times
    assert {f["code"] for f in refused} == {"rate_limited"}
    assert len(refused) == 24
    await bystander.send({"type": "resume", "after": 20})
    assert (await bystander.until_type("synced"))["last_seq"] == 20


async def test_a_sustained_frame_flood_is_refused_then_closed_with_1008(
    live: LiveEvent, connect: Any, settings: Any
) -> None:
    settings.CHAT_FRAME_BURST = 5
    settings.CHAT_FRAME_RATE = 1
    settings.CHAT_FRAME_STRIKES = 10
    flooder: Socket = await connect(live.event.slug)

    for _ in range(40):
        await flooder.send({"type": "resume", "after": 10**6})
    outputs = []
    while True:
        output = await flooder.communicator.receive_output(timeout=5)
        outputs.append(output)
        if output["type"] == "websocket.close":
            break

    frames = [json.loads(o["text"]) for o in outputs if o["type"] == "websocket.send"]
    assert [f["type"] for f in frames[:10]] == ["synced"] * 5 + ["error"] * 5
    assert {f["code"] for f in frames if f["type"] == "error"} == {"rate_limited"}
    assert outputs[-1] == {"type": "websocket.close", "code": 1008}


async def test_staff_are_not_held_to_the_public_frame_budget(
    live: LiveEvent, connect: Any, settings: Any
) -> None:
    settings.CHAT_FRAME_BURST = 2
    settings.CHAT_FRAME_RATE = 0.1
    moderator = await connect(live.event.slug, user=live.moderator)

    for index in range(6):
        await moderator.send({"type": "announce", "body": f"note {index}"})
    for index in range(6):
        assert (await moderator.until_type("message"))["body"] == f"note {index}"


# -- origins and sessions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        ("https://outreach.example.org", "outreach.example.org", True),
        ("http://outreach.example.org", "outreach.example.org", False),  # wrong scheme
        ("https://outreach.example.org:8443", "outreach.example.org", False),  # wrong port
        ("https://outreach.example.org.evil.example", "outreach.example.org", False),
        ("https://www.met.police.uk", "outreach.example.org", True),  # listed embed origin
        ("https://www.met.police.uk:444", "outreach.example.org", False),
    ],
)
async def test_the_origin_must_match_scheme_host_and_port_exactly(
    live: LiveEvent, settings: Any, origin: str, host: str, allowed: bool
) -> None:
    from channels.testing import WebsocketCommunicator

    from outreach.asgi import application

    settings.ALLOWED_HOSTS = ["outreach.example.org"]
    live.event.embed_origins = "https://www.met.police.uk"
    await db(live.event.save)(update_fields=["embed_origins"])
    communicator = WebsocketCommunicator(
        application,
        f"/ws/events/{live.event.slug}/",
        headers=[(b"origin", origin.encode()), (b"host", host.encode())],
    )
    communicator.scope["scheme"] = "wss"  # behind TLS, as uvicorn reports it

    connected, _ = await communicator.connect()
    await communicator.disconnect()

    assert connected is allowed


async def test_a_deleted_session_cannot_approve(live: LiveEvent, connect: Any) -> None:
    asker = await connect(live.event.slug)
    await asker.send(ask("Will this be published?"))
    question_id = (await asker.until_type("ack"))["question_id"]
    moderator = await connect(live.event.slug, user=live.moderator)
    await asyncio.sleep(1.1)  # past the second a session check is trusted for

    await db(Session.objects.all().delete)()
    await moderator.send({"type": "approve", "question_id": question_id})

    error = await moderator.until_type("error")
    assert error["code"] == "signed_out"
    closed = await moderator.communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4401}
    assert await db(FeedItem.objects.count)() == 0
    state = await db(lambda: Question.objects.get(pk=question_id).state)()
    assert state == "pending"


# One valid frame of each privileged type: the session check comes before anything else.
PRIVILEGED_SAMPLES = {
    "approve": {"question_id": 1},
    "reject": {"question_id": 1, "reason": "Off topic."},
    "answer": {"question_id": 1, "body": "Call 999 in an emergency."},
    "mark_answered": {"question_id": 1},
    "announce": {"body": "We start in five minutes."},
    "pin": {"seq": None},
    "mute": {"participant_id": 1},
    "pass_to_crisis_worker": {"question_id": 1},
    "route": {"question_id": 1, "to": None},
    "similar_publish": {"question_id": 1},
    "similar_attach": {"question_id": 1, "to_question_id": 2},
    "similar_detach": {"question_id": 1},
}


def test_every_privileged_frame_has_a_sample_below() -> None:
    assert set(PRIVILEGED_SAMPLES) == set(PRIVILEGED_FRAMES)


@pytest.mark.parametrize("frame_type", sorted(PRIVILEGED_SAMPLES))
async def test_every_privileged_frame_checks_that_the_session_still_exists(
    live: LiveEvent, connect: Any, settings: Any, frame_type: str
) -> None:
    """Each handler makes its own staff trip, so each must carry the check: a privileged
    frame sent after a sign-out elsewhere is refused, and the socket closed with 4401."""
    settings.CHAT_SESSION_CHECK_SECONDS = 0  # never trust an earlier check
    moderator = await connect(live.event.slug, user=live.moderator)

    await db(Session.objects.all().delete)()
    await moderator.send({"type": frame_type, **PRIVILEGED_SAMPLES[frame_type]})

    error = await moderator.until_type("error")
    assert error["code"] == "signed_out"
    output = await moderator.communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 4401}


async def test_a_deleted_session_cannot_announce(live: LiveEvent, connect: Any) -> None:
    """The session check runs in the same trip as the action it guards: after a sign-out
    elsewhere, announcements are refused and none is published, however they arrive."""
    moderator = await connect(live.event.slug, user=live.moderator)
    await moderator.send({"type": "announce", "body": "Before", "client_id": "a0"})
    await moderator.until(lambda frame: frame.get("type") == "message")
    await asyncio.sleep(1.1)  # past the second a session check is trusted for

    await db(Session.objects.all().delete)()
    for number in (1, 2, 3):
        await moderator.send({"type": "announce", "body": "After", "client_id": f"a{number}"})

    error = await moderator.until_type("error")
    assert (error["code"], error["client_id"]) == ("signed_out", "a1")
    output = await moderator.communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 4401}
    assert await db(FeedItem.objects.count)() == 1


async def test_a_losing_edit_gets_conflict_with_what_was_published(
    live: LiveEvent, connect: Any
) -> None:
    asker = await connect(live.event.slug)
    await asker.send(ask("my neighbour keeps shouting at me what can I do"))
    question_id = (await asker.until_type("ack"))["question_id"]
    first = await connect(live.event.slug, user=live.moderator)
    second = await connect(live.event.slug, user=live.moderator)

    await first.send({"type": "approve", "question_id": question_id, "body": "Edit one"})
    await first.until(lambda f: f["type"] == "message" and f["kind"] == "question")
    await second.send({"type": "approve", "question_id": question_id, "body": "Edit two"})

    error = await second.until_type("error")
    assert error["code"] == "conflict"
    assert "“Edit one”" in error["message"]
    assert await db(FeedItem.objects.count)() == 1
    # Approving again with the wording that was published is no conflict: nothing happens.
    while not await first.communicator.receive_nothing(timeout=0.3):
        await first.receive()
    await first.send({"type": "approve", "question_id": question_id, "body": "Edit one"})
    # Nothing comes of it (the watching count may tick meanwhile: it is sent every second).
    late = []
    while not await first.communicator.receive_nothing(timeout=0.5):
        frame = await first.receive()
        if frame["type"] != "viewers":
            late.append(frame)
    assert late == []
