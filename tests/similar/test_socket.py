"""Similar questions over the live chat's socket: the exact frames moderators, each asker and
the public receive, and nobody else acting."""

import json
import uuid
from typing import Any

import pytest

from tests.live import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)

LIVE_URL = "/events/live-chat/live/"
FIRST = "How do I report a hate crime online?"
SAME = "Where can I report a hate crime on the internet?"


def ask(body: str) -> dict[str, Any]:
    return {"type": "ask", "client_id": str(uuid.uuid4()), "body": body}


async def test_a_moderator_publishes_with_the_similar_one_attached_and_each_side_hears(
    live: LiveEvent, connect: Any
) -> None:
    console = await connect("live-chat", user=live.moderator)
    groups = await console.until_type("similar_groups")
    assert groups == {"type": "similar_groups", "groups": []}
    first_asker = await connect("live-chat", guest_of=LIVE_URL)
    second_asker = await connect("live-chat", guest_of=LIVE_URL)
    viewer = await connect("live-chat")

    await first_asker.send(ask(FIRST))
    first_id = (await first_asker.until_type("ack"))["question_id"]
    await second_asker.send(ask(SAME))
    second_id = (await second_asker.until_type("ack"))["question_id"]
    found = await console.until_type("similar_found")
    assert found == {
        "type": "similar_found",
        "question_id": second_id,
        "ref": f"W-{second_id}",
        "lead": {
            "question_id": first_id,
            "ref": f"W-{first_id}",
            "number": None,
            "state": "pending",
            "asked_by": 1,
        },
    }

    await console.send({"type": "similar_publish", "question_id": first_id})

    published = await viewer.until_type("message")
    assert (published["question_id"], published["number"], published["asked_by"]) == (
        first_id,
        1,
        2,
    )
    assert published["body"] == FIRST
    told = await second_asker.until(
        lambda frame: frame["type"] == "own_question" and frame["state"] == "merged"
    )
    assert told["question_id"] == second_id
    assert told["body"] == SAME
    assert told["published_with"] == {"number": 1, "state": "published", "asked_by": 2}
    removed = await console.until(
        lambda frame: frame["type"] == "queue_remove" and frame["question_id"] == second_id
    )
    assert removed["state"] == "merged"
    # The first asker hears of their own question only, never of the other's.
    own = await first_asker.until(
        lambda frame: frame["type"] == "own_question" and frame["state"] == "published"
    )
    assert own["question_id"] == first_id
    while not await first_asker.communicator.receive_nothing(timeout=0.5):
        await first_asker.receive()
    heard = first_asker.frames
    assert all(SAME not in json.dumps(frame) for frame in heard), heard
    assert all(frame.get("question_id") != second_id for frame in heard), heard


async def test_a_moderator_joining_later_is_told_the_groups(live: LiveEvent, connect: Any) -> None:
    asker = await connect("live-chat", guest_of=LIVE_URL)
    await asker.send(ask(FIRST))
    first_id = (await asker.until_type("ack"))["question_id"]
    other = await connect("live-chat", guest_of=LIVE_URL)
    await other.send(ask(SAME))
    second_id = (await other.until_type("ack"))["question_id"]

    console = await connect("live-chat", user=live.moderator)

    groups = await console.until_type("similar_groups")
    assert groups["groups"] == [
        {
            "lead": {
                "question_id": first_id,
                "ref": f"W-{first_id}",
                "number": None,
                "state": "pending",
                "asked_by": 1,
            },
            "members": [{"question_id": second_id, "ref": f"W-{second_id}"}],
        }
    ]


async def test_the_public_and_panellists_cannot_detach_or_publish(
    live: LiveEvent, connect: Any
) -> None:
    asker = await connect("live-chat", guest_of=LIVE_URL)
    await asker.send(ask(FIRST))
    first_id = (await asker.until_type("ack"))["question_id"]
    panel = await connect("live-chat", user=live.panellist_user)

    for socket in (asker, panel):
        await socket.send({"type": "similar_publish", "question_id": first_id})
        refused = await socket.until_type("error")
        assert refused["code"] == "not_allowed"
        await socket.send({"type": "similar_detach", "question_id": first_id})
        refused = await socket.until_type("error")
        assert refused["code"] == "not_allowed"


async def test_attaching_to_a_published_question_tells_every_viewer_the_count(
    live: LiveEvent, connect: Any
) -> None:
    console = await connect("live-chat", user=live.moderator)
    asker = await connect("live-chat", guest_of=LIVE_URL)
    await asker.send(ask(FIRST))
    first_id = (await asker.until_type("ack"))["question_id"]
    await console.send({"type": "approve", "question_id": first_id})
    await console.until(lambda frame: frame["type"] == "queue_remove")
    late = await connect("live-chat", guest_of=LIVE_URL)
    await late.send(ask(SAME))
    late_id = (await late.until_type("ack"))["question_id"]
    found = await console.until_type("similar_found")
    assert (found["question_id"], found["lead"]["number"]) == (late_id, 1)
    viewer = await connect("live-chat")

    await console.send(
        {"type": "similar_attach", "question_id": late_id, "to_question_id": first_id}
    )

    counted = await viewer.until_type("asked_by")
    assert counted == {"type": "asked_by", "question_id": first_id, "number": 1, "count": 2}
    told = await late.until(
        lambda frame: frame["type"] == "own_question" and frame["state"] == "merged"
    )
    assert told["published_with"] == {"number": 1, "state": "published", "asked_by": 2}
