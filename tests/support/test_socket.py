"""The private lane over the live chat's socket: the exact frames each side receives, resume
without gaps or duplicates, and nobody else hearing or acting on a conversation."""

import json
import uuid
from typing import Any

import pytest

from accounts.models import User
from chat.models import Question
from support import services
from support.models import Conversation
from tests.factories import CrisisWorkerFactory
from tests.live import LiveEvent, db, make_live_event

pytestmark = pytest.mark.django_db(transaction=True)

LIVE_URL = "/events/live-chat/live/"


@pytest.fixture
def lane(transactional_db: None) -> tuple[LiveEvent, User]:
    live = make_live_event()
    worker = CrisisWorkerFactory(email="worker@example.org", full_name="Priya Shah")
    live.event.crisis_workers.add(worker)
    services.duty_start(event_id=live.event.pk, actor_id=worker.pk)
    return live, worker


def of_type(frame_type: str) -> Any:
    return lambda frame: frame["type"] == frame_type


async def test_a_person_and_a_crisis_worker_talk_privately(
    lane: tuple[LiveEvent, User], connect: Any
) -> None:
    _live, worker = lane
    console = await connect("live-chat", user=worker)
    person = await connect("live-chat", guest_of=LIVE_URL)
    await person.send({"type": "support_open", "client_id": str(uuid.uuid4())})
    opened = await person.until_type("support_conversation")
    assert opened["state"] == "waiting"
    assert opened["with"] is None
    assert opened["waiting"] == {"ahead": 0, "minutes": 5}
    assert opened["exit_url"].startswith("/events/live-chat/talk/exit/?t=")
    arrived = await console.until_type("support_queue")
    assert arrived["conversation_id"] == opened["conversation_id"]
    assert arrived["state"] == "waiting"
    conversation_id = opened["conversation_id"]

    await console.send({"type": "support_claim", "conversation_id": None})
    joined = await person.until_type("support_message")
    assert (joined["seq"], joined["from"]) == (1, "notice")
    assert joined["body"] == "Priya Shah, Crisis worker is now talking with you."
    held = await person.until_type("support_conversation")
    assert held["with"] == "Priya Shah, Crisis worker"

    said_id = str(uuid.uuid4())
    await person.send(
        {
            "type": "support_say",
            "conversation_id": conversation_id,
            "client_id": said_id,
            "body": "hes outside the door now",
        }
    )
    ack = await person.until_type("support_ack")
    assert ack == {
        "type": "support_ack",
        "client_id": said_id,
        "conversation_id": conversation_id,
        "seq": 2,
    }
    heard = await console.until(
        lambda frame: frame["type"] == "support_message" and frame["seq"] == 2
    )
    assert (heard["from"], heard["body"]) == ("person", "hes outside the door now")

    reply_id = str(uuid.uuid4())
    await console.send(
        {
            "type": "support_reply",
            "conversation_id": conversation_id,
            "client_id": reply_id,
            "body": "Call 999 now if you can. I am here.",
        }
    )
    reply = await person.until(
        lambda frame: frame["type"] == "support_message" and frame["seq"] == 3
    )
    assert reply["from"] == "worker"
    assert reply["name"] == "Priya Shah, Crisis worker"


async def test_a_reconnect_resumes_without_gaps_or_duplicates(
    lane: tuple[LiveEvent, User], connect: Any
) -> None:
    live, worker = lane
    cookies = await db(_browser)()
    person = await connect("live-chat", cookies=cookies)
    await person.send({"type": "support_open", "client_id": str(uuid.uuid4())})
    conversation_id = (await person.until_type("support_conversation"))["conversation_id"]
    await db(services.conversation_claim)(event_id=live.event.pk, actor_id=worker.pk)
    await person.until(lambda frame: frame["type"] == "support_message" and frame["seq"] == 1)
    await person.close()
    # While the person is away, two replies.
    for body in ("Are you safe?", "I will wait for you."):
        await db(services.worker_says)(
            event_id=live.event.pk,
            actor_id=worker.pk,
            conversation_id=conversation_id,
            client_id=str(uuid.uuid4()),
            body=body,
        )
    back = await connect("live-chat", cookies=cookies)
    told = await back.until_type("support_conversation")
    assert told["last_seq"] == 3
    await back.send({"type": "support_resume", "conversation_id": conversation_id, "after": 1})
    replay = [await back.receive(), await back.receive(), await back.receive()]
    assert [(f["type"], f.get("seq")) for f in replay] == [
        ("support_message", 2),
        ("support_message", 3),
        ("support_synced", None),
    ]
    assert replay[2]["last_seq"] == 3


def _browser() -> dict[str, str]:
    from tests.live import browser_cookies

    return browser_cookies(visit=LIVE_URL)


async def test_nobody_else_hears_or_acts_on_a_conversation(
    lane: tuple[LiveEvent, User], connect: Any
) -> None:
    live, _worker = lane
    other = await db(make_live_event)("other-chat")
    stranger = await db(CrisisWorkerFactory)(email="elsewhere@example.org")
    await db(other.event.crisis_workers.add)(stranger)
    watcher = await connect("live-chat")
    moderator = await connect("live-chat", user=live.moderator)
    panellist = await connect("live-chat", user=live.panellist_user)
    elsewhere = await connect("live-chat", user=stranger)
    person = await connect("live-chat", guest_of=LIVE_URL)
    await person.send({"type": "support_open", "client_id": str(uuid.uuid4())})
    conversation_id = (await person.until_type("support_conversation"))["conversation_id"]
    await person.send(
        {
            "type": "support_say",
            "conversation_id": conversation_id,
            "client_id": str(uuid.uuid4()),
            "body": "private words",
        }
    )
    await person.until_type("support_ack")
    for outsider in (watcher, moderator, panellist, elsewhere):
        for frame in (
            {"type": "support_resume", "conversation_id": conversation_id, "after": 0},
            {"type": "support_claim", "conversation_id": conversation_id},
            {
                "type": "support_reply",
                "conversation_id": conversation_id,
                "client_id": str(uuid.uuid4()),
                "body": "hello",
            },
            {"type": "support_end", "conversation_id": conversation_id, "outcome": "no_reply"},
            {
                "type": "support_say",
                "conversation_id": conversation_id,
                "client_id": str(uuid.uuid4()),
                "body": "pretending to be them",
            },
        ):
            await outsider.send(frame)
            refusal = await outsider.until_type("error")
            assert refusal["code"] in {"not_allowed", "not_found"}, (outsider, frame)
        received = json.dumps(outsider.frames)
        assert "private words" not in received
        assert "support_message" not in received and "support_queue" not in received
    conversation = await db(Conversation.objects.get)(pk=conversation_id)
    assert conversation.state == "waiting"
    assert conversation.last_seq == 1


async def test_moderator_passes_a_question_and_the_asker_is_told_privately(
    lane: tuple[LiveEvent, User], connect: Any
) -> None:
    live, _ = lane
    person = await connect("live-chat", guest_of=LIVE_URL)
    await person.send(
        {"type": "ask", "client_id": str(uuid.uuid4()), "body": "Can I talk to someone alone?"}
    )
    question_id = (await person.until_type("ack"))["question_id"]
    moderator = await connect("live-chat", user=live.moderator)
    await moderator.send({"type": "pass_to_crisis_worker", "question_id": question_id})
    removed = await moderator.until_type("queue_remove")
    assert removed == {
        "type": "queue_remove",
        "question_id": question_id,
        "ref": f"W-{question_id}",
        "number": None,
        "state": "passed",
    }
    own = await person.until(
        lambda frame: frame["type"] == "own_question" and frame["state"] == "passed"
    )
    assert "crisis worker" in own["reason"]
    told = await person.until_type("support_conversation")
    assert told["state"] == "waiting"
    await person.send(
        {"type": "support_resume", "conversation_id": told["conversation_id"], "after": 0}
    )
    first = await person.until_type("support_message")
    assert (first["from"], first["body"]) == ("you", "Can I talk to someone alone?")
    # The moderator saw only that it was passed: no private frame, no words after it.
    await moderator.nothing_more()
    assert (await db(Question.objects.get)(pk=question_id)).state == "passed"


async def test_nobody_on_duty_is_said_at_once(lane: tuple[LiveEvent, User], connect: Any) -> None:
    live, worker = lane
    await db(services.duty_end)(event_id=live.event.pk, actor_id=worker.pk)
    person = await connect("live-chat", guest_of=LIVE_URL)
    client_id = str(uuid.uuid4())
    await person.send({"type": "support_open", "client_id": client_id})
    unavailable = await person.until_type("support_unavailable")
    assert "999" in unavailable["message"]
    refusal = await person.until_type("error")
    assert refusal["code"] == "no_crisis_worker"
    assert refusal["client_id"] == client_id


WORKER_FRAMES: dict[str, dict[str, Any]] = {
    "support_claim": {"conversation_id": None},
    "support_reply": {"conversation_id": 1, "client_id": str(uuid.uuid4()), "body": "hello"},
    "support_hand_over": {"conversation_id": 1, "to_user_id": 1},
    "support_risk": {"conversation_id": 1, "at_risk": True},
    "support_end": {"conversation_id": 1, "outcome": "no_reply"},
    "support_resume": {"conversation_id": 1, "after": 0},
}


@pytest.mark.parametrize("frame_type", sorted(WORKER_FRAMES))
async def test_every_crisis_worker_frame_checks_that_the_session_still_exists(
    lane: tuple[LiveEvent, User], connect: Any, settings: Any, frame_type: str
) -> None:
    """Signed out elsewhere: a crisis worker's next frame is refused and the socket closed
    with 4401, before any service runs."""
    from django.contrib.sessions.models import Session

    _live, worker = lane
    settings.CHAT_SESSION_CHECK_SECONDS = 0
    console = await connect("live-chat", user=worker)
    await db(Session.objects.all().delete)()
    await console.send({"type": frame_type, **WORKER_FRAMES[frame_type]})
    error = await console.until_type("error")
    assert error["code"] == "signed_out"
    output = await console.communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 4401}
