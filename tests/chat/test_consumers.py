"""The live chat over WebSockets, through the real ASGI application, session and Redis."""

import asyncio
import json
import uuid
from typing import Any

import pytest
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from chat import services
from chat.consumers import PRIVATE_READER, EventChatConsumer
from chat.enums import QuestionState
from chat.models import FeedItem, Question
from events import services as event_services
from outreach.asgi import application
from tests.factories import EventFactory, UserFactory
from tests.live import LiveEvent, db, make_live_event

pytestmark = pytest.mark.django_db(transaction=True)


def ask_frame(body: str = "How do I report hate crime online?", **extra: Any) -> dict[str, Any]:
    return {"type": "ask", "client_id": str(uuid.uuid4()), "body": body, **extra}


async def test_connect_sends_status_session_pin_and_feed_then_synced(
    live: LiveEvent, connect
) -> None:
    socket = await connect(live.event.slug)

    assert [frame["type"] for frame in socket.frames] == ["status", "session", "pinned", "synced"]
    status, session, pinned, synced = socket.frames
    assert status["status"] == "live"
    assert status["accepting_questions"] is True
    assert status["starts_at"] == live.event.starts_at.isoformat().replace("+00:00", "Z")
    assert session == {
        "type": "session",
        "roles": ["public"],
        "panellist_id": None,
        "agency_slug": None,
    }
    assert pinned == {"type": "pinned", "seq": None}
    assert synced == {"type": "synced", "last_seq": 0}


async def test_connect_to_unknown_or_draft_event_is_refused(transactional_db) -> None:
    await db(EventFactory)(slug="still-a-draft")
    for slug in ("no-such-event", "still-a-draft"):
        communicator = WebsocketCommunicator(
            application,
            f"/ws/events/{slug}/",
            headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
        )
        connected, _ = await communicator.connect()
        # Accepted, then closed with 4404: a browser only ever sees the close code of an
        # accepted connection (a refused handshake is a bare failure, retried for ever).
        closed = await communicator.receive_output()
        await communicator.disconnect()
        assert connected is True
        assert (closed["type"], closed["code"]) == ("websocket.close", 4404)


async def test_ask_is_acked_and_reaches_only_moderators_and_the_asker(
    live: LiveEvent, connect
) -> None:
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)
    asker = await connect(live.event.slug, guest_of=f"/events/{live.event.slug}/live/")
    frame = ask_frame(nickname="Sam", to={"agency": "mencap"})

    await asker.send(frame)

    ack = await asker.until_type("ack")
    question = await db(Question.objects.get)()
    assert ack == {
        "type": "ack",
        "client_id": frame["client_id"],
        "question_id": question.pk,
        "state": "pending",
    }
    own = await asker.until_type("own_question")
    assert (own["state"], own["body"], own["reason"]) == ("pending", frame["body"], None)
    queued = await moderator.until_type("queue_add")
    assert queued["question"] == {
        "question_id": question.pk,
        "ref": f"W-{question.pk}",
        "body": frame["body"],
        "nickname": "Sam",
        "language": "English",
        "participant_id": question.participant_id,
        "is_urgent": False,
        "to": {"agency": "Mencap", "agency_slug": "mencap"},
        "routed_to": None,
        "asked_at": queued["question"]["asked_at"],
        "state": "pending",
        "findings": [],
        "masked_body": None,
        "blocked_words": [],
    }
    await viewer.nothing_more()


async def test_moderator_gets_waiting_questions_on_connect_urgent_first(
    live: LiveEvent, connect
) -> None:
    asker = await connect(live.event.slug)
    for body in ("first", "second"):
        await asker.send(ask_frame(body))
        await asker.until_type("ack")
    await db(Question.objects.filter(body="second").update)(is_urgent=True)

    moderator = await connect(live.event.slug, user=live.moderator)

    queue = next(frame for frame in moderator.frames if frame["type"] == "queue")
    assert [q["body"] for q in queue["questions"]] == ["second", "first"]


async def test_ask_retried_with_the_same_client_id_is_stored_once(live: LiveEvent, connect) -> None:
    asker = await connect(live.event.slug)
    frame = ask_frame()

    await asker.send(frame)
    first = await asker.until_type("ack")
    await asker.send(frame)
    second = await asker.until_type("ack")

    assert first == second
    assert await db(Question.objects.count)() == 1


async def test_approve_publishes_to_every_viewer_without_the_author(
    live: LiveEvent, connect
) -> None:
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)
    asker = await connect(live.event.slug)
    await asker.send(ask_frame("Is online reporting anonymous?", nickname="Alex"))
    ack = await asker.until_type("ack")

    await moderator.send({"type": "approve", "question_id": ack["question_id"]})

    published = await viewer.until_type("message")
    assert published == {
        "type": "message",
        "seq": 1,
        "kind": "question",
        "question_id": ack["question_id"],
        "number": 1,
        "body": "Is online reporting anonymous?",
        "asker": "Member of the public",
        "to": None,
        "asked_by": 1,
        # The language the asker's page was in (chat/payloads.py, question_public).
        "language": "en",
        "published_at": published["published_at"],
    }
    assert await moderator.until_type("queue_remove") == {
        "type": "queue_remove",
        "question_id": ack["question_id"],
        "ref": f"W-{ack['question_id']}",
        "number": 1,
        "state": "published",
    }
    assert await asker.until(lambda f: f["type"] == "own_question" and f["state"] == "published")
    assert "Alex" not in json.dumps(viewer.frames)


async def test_approve_after_editing_publishes_the_edit_and_keeps_the_original(
    live: LiveEvent, connect
) -> None:
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)
    asker = await connect(live.event.slug)
    await asker.send(ask_frame("My neighbour at 12 Acacia Road hits his wife. What can I do?"))
    ack = await asker.until_type("ack")

    await moderator.send(
        {
            "type": "approve",
            "question_id": ack["question_id"],
            "body": "My neighbour hits his wife. What can I do?",
        }
    )

    published = await viewer.until_type("message")
    assert published["body"] == "My neighbour hits his wife. What can I do?"
    assert "Acacia" not in json.dumps(viewer.frames)
    question = await db(Question.objects.get)(pk=ack["question_id"])
    assert question.body == "My neighbour at 12 Acacia Road hits his wife. What can I do?"
    assert question.was_edited


async def test_reject_tells_only_the_asker_why(live: LiveEvent, connect) -> None:
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)
    asker = await connect(live.event.slug)
    await asker.send(ask_frame("What about my court case next week?"))
    ack = await asker.until_type("ack")

    await moderator.send(
        {"type": "reject", "question_id": ack["question_id"], "reason": "We can't discuss cases."}
    )

    told = await asker.until(lambda f: f["type"] == "own_question" and f["state"] == "rejected")
    assert told["reason"] == "We can't discuss cases."
    assert (await moderator.until_type("queue_remove"))["state"] == "rejected"
    await viewer.nothing_more()
    assert "can't discuss" not in json.dumps(viewer.frames)


async def publish_question(live: LiveEvent, body: str = "How do I report?") -> tuple[int, int]:
    participant = await db(services.participant_for)(
        event_id=live.event.pk, user_id=None, guest_token=uuid.uuid4()
    )
    outcome = await db(services.question_ask)(
        event_id=live.event.pk,
        participant_id=participant.pk,
        client_id=str(uuid.uuid4()),
        body=body,
    )
    question_id = outcome.question["question_id"]
    await db(services.question_approve)(question_id=question_id, actor_id=live.moderator.pk)
    seq = await db(lambda: FeedItem.objects.get(question_id=question_id, kind="question").seq)()
    return question_id, seq


async def test_panellist_answer_is_published_with_name_role_and_agency(
    live: LiveEvent, connect
) -> None:
    question_id, question_seq = await publish_question(live)
    viewer = await connect(live.event.slug)
    panellist = await connect(live.event.slug, user=live.panellist_user)
    session = next(frame for frame in panellist.frames if frame["type"] == "session")
    assert session["roles"] == ["public", "panellist"]

    await panellist.send({"type": "answer", "question_id": question_id, "body": "Use True Vision."})

    answer = await viewer.until_type("message")
    assert answer == {
        "type": "message",
        "seq": 2,
        "kind": "answer",
        "answer_id": answer["answer_id"],
        "question_id": question_id,
        "question_seq": question_seq,
        "question_number": 1,
        "mode": "written",
        "body": "Use True Vision.",
        "panellist": {
            "id": live.panellist.pk,
            "name": "Jo Davies",
            "role": "Campaigns and Policy Officer",
            "agency": "Mencap",
            "agency_short_name": "Mencap",
            "agency_slug": "mencap",
            "byline": "Jo Davies, Campaigns and Policy Officer, Mencap",
        },
        # The panel answers in English only (the event's default).
        "language": "en",
        "published_at": answer["published_at"],
    }
    question = await db(Question.objects.get)(pk=question_id)
    assert question.state == QuestionState.ANSWERED


async def test_panellist_marks_a_question_answered_elsewhere(live: LiveEvent, connect) -> None:
    question_id, _ = await publish_question(live)
    viewer = await connect(live.event.slug)
    panellist = await connect(live.event.slug, user=live.panellist_user)

    await panellist.send({"type": "mark_answered", "question_id": question_id})

    answer = await viewer.until_type("message")
    assert (answer["mode"], answer["body"]) == ("elsewhere", services.DEFAULT_ELSEWHERE_NOTE)


async def test_announcement_and_pin_reach_every_viewer(live: LiveEvent, connect) -> None:
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)

    await moderator.send({"type": "announce", "body": "Ten minutes left."})
    announcement = await viewer.until_type("message")
    await moderator.send({"type": "pin", "seq": announcement["seq"]})
    pinned = await viewer.until_type("pinned")

    assert (announcement["kind"], announcement["body"], announcement["author"]) == (
        "announcement",
        "Ten minutes left.",
        "Moderator",
    )
    assert pinned == {"type": "pinned", "seq": 1}
    late = await connect(live.event.slug)
    assert {"type": "pinned", "seq": 1} in late.frames


async def test_muted_participant_cannot_ask_again_even_after_reconnecting(
    live: LiveEvent, connect
) -> None:
    cookie_of = f"/events/{live.event.slug}/live/"
    asker = await connect(live.event.slug, guest_of=cookie_of)
    cookie = asker.communicator.scope["headers"][-1][1].decode().split("=", 1)[1]
    moderator = await connect(live.event.slug, user=live.moderator)
    await asker.send(ask_frame("spam"))
    await asker.until_type("ack")
    queued = await moderator.until_type("queue_add")

    participant_id = queued["question"]["participant_id"]
    await moderator.send({"type": "mute", "participant_id": participant_id})
    assert await asker.until_type("muted") == {
        "type": "muted",
        "message": "A moderator has stopped you sending more questions to this webchat.",
    }
    assert await moderator.until_type("participant_muted") == {
        "type": "participant_muted",
        "participant_id": participant_id,
    }
    await asker.close()

    again = await connect(live.event.slug, cookie=cookie)
    retry = ask_frame("more spam")
    await again.send(retry)
    error = await again.until_type("error")
    assert (error["code"], error["client_id"]) == ("muted", retry["client_id"])
    assert await db(Question.objects.count)() == 1


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "approve", "question_id": 1},
        {"type": "reject", "question_id": 1, "reason": "no"},
        {"type": "answer", "question_id": 1, "body": "yes"},
        {"type": "mark_answered", "question_id": 1},
        {"type": "announce", "body": "hello"},
        {"type": "pin", "seq": 1},
        {"type": "mute", "participant_id": 1},
    ],
)
async def test_public_visitor_cannot_use_moderator_or_panellist_frames(
    live: LiveEvent, connect, frame: dict[str, Any]
) -> None:
    question_id, _ = await publish_question(live)
    frame = {**frame, **({"question_id": question_id} if "question_id" in frame else {})}
    visitor = await connect(live.event.slug, user=await db(UserFactory)())
    # A client claiming a role in the frame changes nothing.
    await visitor.send({**frame, "role": "moderator", "approved": True})

    error = await visitor.until_type("error")

    assert error["code"] == "not_allowed"
    assert await db(FeedItem.objects.count)() == 1


async def test_moderator_of_another_event_cannot_moderate_this_one(
    live: LiveEvent, connect
) -> None:
    other = await db(make_live_event)("other-chat")
    asker = await connect(live.event.slug)
    await asker.send(ask_frame())
    ack = await asker.until_type("ack")
    outsider = await connect(live.event.slug, user=other.moderator)

    await outsider.send({"type": "approve", "question_id": ack["question_id"]})

    assert (await outsider.until_type("error"))["code"] == "not_allowed"
    assert not any(frame["type"] == "queue" for frame in outsider.frames)
    question = await db(Question.objects.get)(pk=ack["question_id"])
    assert question.state == QuestionState.PENDING


async def test_moderator_cannot_approve_a_question_of_another_event_through_this_one(
    live: LiveEvent, connect
) -> None:
    other = await db(make_live_event)("other-chat")
    asker = await connect(other.event.slug)
    await asker.send(ask_frame())
    ack = await asker.until_type("ack")
    moderator = await connect(live.event.slug, user=live.moderator)

    await moderator.send({"type": "approve", "question_id": ack["question_id"]})

    assert (await moderator.until_type("error"))["code"] == "not_found"


async def test_ask_after_close_is_refused_and_clients_see_the_new_status(
    live: LiveEvent, connect
) -> None:
    viewer = await connect(live.event.slug)

    await db(event_services.event_close)(event_id=live.event.pk)
    status = await viewer.until_type("status")
    frame = ask_frame()
    await viewer.send(frame)
    error = await viewer.until_type("error")

    assert (status["status"], status["accepting_questions"]) == ("closed", False)
    assert error == {
        "type": "error",
        "code": "event_not_open",
        "message": "This webchat has finished: questions are closed.",
        "client_id": frame["client_id"],
    }


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "bad_frame"),
        ("[1, 2]", "bad_frame"),
        ('{"no": "type"}', "bad_frame"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "ask", "client_id": "not-a-uuid", "body": "x"}', "bad_frame"),
        (
            '{"type": "ask", "client_id": "0b7c5a8e-9a3f-4a4e-9a52-4f7f3c1d2e11", "body": 5}',
            "bad_frame",
        ),
        ('{"type": "resume", "after": true}', "bad_frame"),
        ('{"type": "resume", "after": -1}', "bad_frame"),
        (json.dumps(ask_frame("x" * 1001)), "too_long"),
        (json.dumps({"type": "ask", "pad": "x" * 20000}), "too_long"),
        (
            '{"type": "ask", "client_id": "0b7c5a8e-9a3f-4a4e-9a52-4f7f3c1d2e11", "body": "   "}',
            "invalid",
        ),
    ],
)
async def test_malformed_and_oversized_frames_get_a_stable_error(
    live: LiveEvent, connect, raw: str, code: str
) -> None:
    socket = await connect(live.event.slug)

    await socket.send(raw)

    assert (await socket.until_type("error"))["code"] == code
    assert await db(Question.objects.count)() == 0


async def test_binary_frame_is_refused(live: LiveEvent, connect) -> None:
    socket = await connect(live.event.slug)

    await socket.communicator.send_to(bytes_data=b"\x00\xff")

    assert (await socket.until_type("error"))["code"] == "bad_frame"


async def test_reconnect_after_a_seq_gets_each_missed_item_once_in_order(
    live: LiveEvent, connect
) -> None:
    for body in ("one", "two", "three"):
        await publish_question(live, body)

    resumed = await connect(live.event.slug, after=1)
    await resumed.send({"type": "resume", "after": 2})
    await resumed.until_type("synced")

    stream = [
        (frame["type"], frame.get("seq", frame.get("last_seq")))
        for frame in resumed.frames
        if frame["type"] in ("message", "synced")
    ]
    assert stream == [("message", 2), ("message", 3), ("synced", 3), ("message", 3), ("synced", 3)]


async def test_live_items_after_connect_arrive_once_in_order(live: LiveEvent, connect) -> None:
    viewer = await connect(live.event.slug)
    moderator = await connect(live.event.slug, user=live.moderator)

    for index in range(5):
        await moderator.send({"type": "announce", "body": f"note {index}"})
    seqs = [(await viewer.until_type("message"))["seq"] for _ in range(5)]

    assert seqs == [1, 2, 3, 4, 5]
    await viewer.nothing_more()


async def test_questions_over_the_rate_limit_are_refused(
    live: LiveEvent, connect, settings
) -> None:
    settings.CHAT_ASK_RATE_LIMIT = (2, 60)
    asker = await connect(live.event.slug)
    codes = []
    for _ in range(3):
        await asker.send(ask_frame())
        frame = await asker.until(lambda f: f["type"] in ("ack", "error"))
        codes.append(frame.get("code", frame["type"]))

    assert codes == ["ack", "ack", "rate_limited"]


async def test_moderators_see_a_watching_count_of_the_public_without_staff(
    live: LiveEvent, connect
) -> None:
    moderator = await connect(live.event.slug, user=live.moderator)
    await connect(live.event.slug, user=live.panellist_user)
    await connect(live.event.slug)
    await connect(live.event.slug)

    # Counts while everyone joins, then a few rounds of the hub's count loop (one a second)
    # after: the two consoles never count, so the count settles at the two members of the
    # public and never goes past them.
    await asyncio.sleep(3.5)
    counts = []
    while not await moderator.communicator.receive_nothing(timeout=0.1):
        frame = await moderator.receive()
        if frame["type"] == "viewers":
            counts.append(frame["count"])

    assert counts and counts[-1] == 2
    assert max(counts) == 2


class SlowConsumer(EventChatConsumer):
    """A viewer whose network is slower than the feed (only connections flagged slow=1)."""

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        if b"slow=1" in self.scope["query_string"] and text_data and '"message"' in text_data:
            await asyncio.sleep(0.2)
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)


SLOW_APP = AuthMiddlewareStack(URLRouter([path("ws/events/<slug:slug>/", SlowConsumer.as_asgi())]))


async def test_slow_viewer_is_disconnected_not_waited_for_and_resumes(
    live: LiveEvent, connect, settings
) -> None:
    settings.CHAT_VIEWER_BACKLOG = 3
    fast = await connect(live.event.slug, app=SLOW_APP)
    slow = await connect(live.event.slug, app=SLOW_APP, query="slow=1")

    for index in range(12):
        await db(services.announcement_post)(
            event_id=live.event.pk, actor_id=live.moderator.pk, body=f"note {index}"
        )

    # The fast viewer gets everything at once, whatever the slow one is doing.
    fast_seqs = [(await fast.until_type("message"))["seq"] for _ in range(12)]
    assert fast_seqs == list(range(1, 13))
    # The slow one is cut off (4408) instead of being buffered without limit...
    slow_seqs = []
    while True:
        output = await slow.communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            assert output["code"] == 4408
            break
        frame = json.loads(output["text"])
        if frame["type"] == "message":
            slow_seqs.append(frame["seq"])
    assert slow_seqs == list(range(1, len(slow_seqs) + 1))
    assert len(slow_seqs) < 12
    # ...and resumes from its last seq with every remaining item once, in order.
    resumed = await connect(live.event.slug, after=slow_seqs[-1] if slow_seqs else 0)
    rest = [frame["seq"] for frame in resumed.frames if frame["type"] == "message"]
    assert slow_seqs + rest == list(range(1, 13))


def private_readers() -> int:
    return sum(1 for task in asyncio.all_tasks() if task.get_name() == PRIVATE_READER)


async def test_a_guest_who_only_watches_has_no_private_channel_reader_until_it_asks(
    live: LiveEvent, connect
) -> None:
    """At 18:00 thousands only watch: nothing waits on Redis for a guest's own notices until
    it has asked something; a moderator reads its queue's traffic from the start."""
    watcher = await connect(live.event.slug)
    assert private_readers() == 0

    await watcher.send(ask_frame("Who do I call at night?"))
    await watcher.until_type("ack")
    assert private_readers() == 1
    await connect(live.event.slug, user=live.moderator)
    assert private_readers() == 2

    await watcher.close()
    await asyncio.sleep(0.1)
    assert private_readers() == 1  # gone with its connection
