"""The safeguarding flows over the WebSocket: the exact frames moderators and askers get."""

import json

import pytest

from chat.models import NetworkMute, Question
from chat.payloads import UNHANDLED_MESSAGE
from events import services as event_services
from tests.chat.test_consumers import ask_frame
from tests.live import LiveEvent, db

pytestmark = pytest.mark.django_db(transaction=True)
PHONE_QUESTION = "Please call me back on 07700 900123 about my case"


async def _asked(live: LiveEvent, connect, body: str):  # type: ignore[no-untyped-def]
    moderator = await connect(live.event.slug, user=live.moderator)
    asker = await connect(live.event.slug, guest_of=f"/events/{live.event.slug}/live/")
    await asker.send(ask_frame(body))
    ack = await asker.until_type("ack")
    queued = await moderator.until_type("queue_add")
    return moderator, asker, ack["question_id"], queued["question"]


async def test_approving_found_details_unmasked_needs_publish_unmasked(
    live: LiveEvent, connect
) -> None:
    viewer = await connect(live.event.slug)
    moderator, _asker, question_id, queued = await _asked(live, connect, PHONE_QUESTION)
    assert queued["findings"] == [{"kind": "phone", "text": "07700 900123"}]

    await moderator.send({"type": "approve", "question_id": question_id})
    error = await moderator.until_type("error")
    assert error == {
        "type": "error",
        "code": "unmasked_details",
        "message": "This text still contains personal details (phone “07700 900123”). Publish "
        "it with the details masked, edit them out, or confirm that they may be published as "
        "they are.",
    }
    await viewer.nothing_more()

    await moderator.send({"type": "approve", "question_id": question_id, "publish_unmasked": True})
    published = await viewer.until_type("message")
    assert published["body"] == PHONE_QUESTION


async def test_publish_unmasked_must_be_a_boolean(live: LiveEvent, connect) -> None:
    moderator = await connect(live.event.slug, user=live.moderator)

    await moderator.send(
        json.dumps({"type": "approve", "question_id": 1, "publish_unmasked": "yes"})
    )

    assert (await moderator.until_type("error"))["code"] == "bad_frame"


async def test_asker_of_an_edited_question_is_told_it_was_edited(live: LiveEvent, connect) -> None:
    moderator, asker, question_id, queued = await _asked(live, connect, PHONE_QUESTION)

    await moderator.send(
        {"type": "approve", "question_id": question_id, "body": queued["masked_body"]}
    )
    own = await asker.until(lambda f: f["type"] == "own_question" and f["state"] == "published")

    assert own["edited"] is True
    assert own["published_body"] == "Please call me back on [phone removed] about my case"


async def test_mute_removes_waiting_questions_and_holds_across_a_new_identity(
    live: LiveEvent, connect
) -> None:
    moderator, asker, question_id, queued = await _asked(live, connect, "spam")

    await moderator.send({"type": "mute", "participant_id": queued["participant_id"]})

    assert await moderator.until_type("queue_remove") == {
        "type": "queue_remove",
        "question_id": question_id,
        "ref": f"W-{question_id}",
        "number": None,
        "state": "removed",
    }
    own = await asker.until(lambda f: f["type"] == "own_question" and f["state"] != "pending")
    assert (own["question_id"], own["state"]) == (question_id, "removed")
    assert (await asker.until_type("muted"))["type"] == "muted"
    assert await db(NetworkMute.objects.count)() == 1

    # No cookie: a new participant, but the same network (the test scope's address).
    stranger = await connect(live.event.slug)
    retry = ask_frame("spam again")
    await stranger.send(retry)
    error = await stranger.until_type("error")
    assert (error["code"], error["client_id"]) == ("muted", retry["client_id"])
    assert await db(Question.objects.count)() == 1


async def test_questions_waiting_at_the_close_are_reported_to_asker_and_moderators(
    live: LiveEvent, connect
) -> None:
    moderator, asker, question_id, _ = await _asked(live, connect, "Will you get to this?")

    await db(event_services.event_close)(event_id=live.event.pk)

    assert await moderator.until_type("queue_remove") == {
        "type": "queue_remove",
        "question_id": question_id,
        "ref": f"W-{question_id}",
        "number": None,
        "state": "unhandled",
    }
    own = await asker.until(lambda f: f["type"] == "own_question" and f["state"] != "pending")
    assert (own["state"], own["reason"]) == ("unhandled", UNHANDLED_MESSAGE)
