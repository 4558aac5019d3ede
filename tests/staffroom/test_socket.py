"""The staff room over the live chat's socket: the exact frames staff receive, links to
questions, catch-up after a reconnect without gaps or duplicates, and nobody else (the
public, a forged frame, staff of another event) hearing or posting."""

import uuid
from typing import Any

import pytest

from chat import services as chat_services
from staffroom import services
from staffroom.models import StaffMessage
from tests.factories import EventFactory, ModeratorFactory
from tests.live import LiveEvent, asked_question, db

pytestmark = pytest.mark.django_db(transaction=True)

LIVE_URL = "/events/live-chat/live/"


async def test_a_moderator_writes_and_a_panellist_hears_it_with_a_link(
    live: LiveEvent, connect: Any
) -> None:
    question = await db(asked_question)(live, "Is a hate incident a crime?")
    await db(chat_services.question_approve)(
        event_id=live.event.pk, question_id=question.pk, actor_id=live.moderator.pk
    )
    moderator = await connect("live-chat", user=live.moderator)
    panellist = await connect("live-chat", user=live.panellist_user)
    public = await connect("live-chat", guest_of=LIVE_URL)
    client_id = str(uuid.uuid4())
    await moderator.send(
        {"type": "staff_say", "client_id": client_id, "body": "Jo, can you take #1?"}
    )
    assert await moderator.until_type("staff_ack") == {
        "type": "staff_ack",
        "client_id": client_id,
        "seq": 1,
    }
    heard = await panellist.until_type("staff_message")
    seq = await db(lambda: question.feed_items.get().seq)()
    assert heard == {
        "type": "staff_message",
        "seq": 1,
        "from": {"name": live.moderator.full_name, "roles": "Moderator"},
        "body": "Jo, can you take #1?",
        "parts": [
            {"text": "Jo, can you take "},
            {
                "text": "#1",
                "question_id": question.pk,
                "links": {
                    "moderator": f"/events/live-chat/moderate/#item-{seq}",
                    "panellist": f"/events/live-chat/panel/#question-{question.pk}",
                    "public": f"/events/live-chat/live/#item-{seq}",
                },
            },
            {"text": "?"},
        ],
        "sent_at": heard["sent_at"],
        "client_id": client_id,
    }
    # The public's socket hears nothing of it.
    await public.nothing_more()
    assert not [frame for frame in public.frames if frame["type"].startswith("staff_")]


async def test_a_forged_frame_from_the_public_is_refused(live: LiveEvent, connect: Any) -> None:
    await db(services.staff_message_post)(
        event_id=live.event.pk,
        actor_id=live.moderator.pk,
        client_id=str(uuid.uuid4()),
        body="Private: the asker of W-3 sounds at risk",
    )
    public = await connect("live-chat", guest_of=LIVE_URL)
    client_id = str(uuid.uuid4())
    await public.send({"type": "staff_say", "client_id": client_id, "body": "hello staff"})
    refused = await public.until_type("error")
    assert (refused["code"], refused["client_id"]) == ("not_allowed", client_id)
    await public.send({"type": "staff_resume", "after": 0})
    assert (await public.until_type("error"))["code"] == "not_allowed"
    await public.nothing_more()
    assert "at risk" not in str(public.frames)
    assert await db(StaffMessage.objects.count)() == 1


async def test_staff_of_another_event_cannot_read_or_post(live: LiveEvent, connect: Any) -> None:
    def other_moderator() -> Any:
        other = EventFactory(slug="other-chat")
        moderator = ModeratorFactory(email="other-moderator@example.org")
        other.moderators.add(moderator)
        return moderator

    outsider = await db(other_moderator)()
    await db(services.staff_message_post)(
        event_id=live.event.pk,
        actor_id=live.moderator.pk,
        client_id=str(uuid.uuid4()),
        body="Only for this event's staff",
    )
    socket = await connect("live-chat", user=outsider)
    await socket.send({"type": "staff_resume", "after": 0})
    assert (await socket.until_type("error"))["code"] == "not_allowed"
    await socket.send({"type": "staff_say", "client_id": str(uuid.uuid4()), "body": "hi"})
    assert (await socket.until_type("error"))["code"] == "not_allowed"
    await socket.nothing_more()
    assert "Only for this" not in str(socket.frames)


async def test_a_reconnect_catches_up_without_gaps_or_duplicates(
    live: LiveEvent, connect: Any
) -> None:
    def say(body: str) -> int:
        return services.staff_message_post(
            event_id=live.event.pk,
            actor_id=live.moderator.pk,
            client_id=str(uuid.uuid4()),
            body=body,
        ).seq

    await db(say)("one")
    panellist = await connect("live-chat", user=live.panellist_user)
    await panellist.send({"type": "staff_resume", "after": 0})
    first = await panellist.until_type("staff_message")
    assert (first["seq"], first["body"]) == (1, "one")
    assert await panellist.until_type("staff_synced") == {
        "type": "staff_synced",
        "last_seq": 1,
        "more": False,
    }
    await panellist.close()
    # While the panellist is away, two more.
    await db(say)("two")
    await db(say)("three")
    back = await connect("live-chat", user=live.panellist_user)
    await back.send({"type": "staff_resume", "after": 1})
    await back.until_type("staff_synced")
    replay = [frame for frame in back.frames if frame["type"].startswith("staff_")]
    assert [(frame["type"], frame.get("seq")) for frame in replay] == [
        ("staff_message", 2),
        ("staff_message", 3),
        ("staff_synced", None),
    ]
    assert replay[2]["last_seq"] == 3
    await db(say)("four")
    live_one = await back.until_type("staff_message")
    assert (live_one["seq"], live_one["body"]) == (4, "four")
    # Nothing twice: staff consoles are told the watching count meanwhile, nothing else.
    while not await back.communicator.receive_nothing(timeout=0.3):
        assert (await back.receive())["type"] == "viewers", back.frames
    seqs = [frame["seq"] for frame in back.frames if frame["type"] == "staff_message"]
    assert seqs == [2, 3, 4]


async def test_an_overlong_message_is_refused_by_the_schema(live: LiveEvent, connect: Any) -> None:
    moderator = await connect("live-chat", user=live.moderator)
    await moderator.send({"type": "staff_say", "client_id": str(uuid.uuid4()), "body": "x" * 2001})
    assert (await moderator.until_type("error"))["code"] == "too_long"
    assert await db(StaffMessage.objects.count)() == 0
