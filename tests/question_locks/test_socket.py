"""Questions open on a moderator's console, over the socket: the exact frames the event's
other moderators hear, and every way a lock is let go (closing it, acting, the connection
ending), with nobody but moderators taking one."""

import asyncio
from typing import Any

import pytest

from question_locks.models import QuestionLock
from tests.factories import ModeratorFactory
from tests.live import LiveEvent, asked_question, db, make_live_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(transactional_db: None) -> LiveEvent:
    live = make_live_event()
    live.moderator.full_name = "Ann Moderator"
    live.moderator.save()
    colleague = ModeratorFactory(email="bea@example.org", full_name="Bea Colleague")
    live.event.moderators.add(colleague)
    return live


async def _colleague():
    from accounts.models import User

    return await db(User.objects.get)(email="bea@example.org")


async def _two_consoles(live: LiveEvent, connect: Any) -> tuple[Any, Any, int]:
    question = await db(asked_question)(live, "How do I report it?")
    ann = await connect(live.event.slug, user=live.moderator)
    bea = await connect(live.event.slug, user=await _colleague())
    return ann, bea, question.pk


async def _frames_within(socket: Any, wait: float = 0.5) -> list[dict[str, Any]]:
    """Whatever arrives within `wait` (without a timeout, which would end the connection)."""
    frames = []
    while not await socket.communicator.receive_nothing(timeout=wait):
        frames.append(await socket.receive())
    return frames


def taken(question_id: int, by_user_id: int) -> dict[str, Any]:
    return {
        "type": "queue_taken",
        "question_id": question_id,
        "by_user_id": by_user_id,
        "by": "Ann Moderator",
        "seconds": 60,
    }


async def test_opening_a_question_shows_it_taken_to_the_other_moderators(
    live: LiveEvent, connect: Any
) -> None:
    ann, bea, question_id = await _two_consoles(live, connect)
    viewer = await connect(live.event.slug)
    panellist = await connect(live.event.slug, user=live.panellist_user)

    await ann.send({"type": "queue_take", "question_id": question_id})

    assert await bea.until_type("queue_taken") == taken(question_id, live.moderator.pk)
    assert await ann.until_type("queue_taken") == taken(question_id, live.moderator.pk)
    await viewer.nothing_more()
    # Staff's viewer counts may come; nothing about the queue does.
    assert "queue_taken" not in [frame["type"] for frame in await _frames_within(panellist)]


async def test_a_moderator_joining_is_told_what_is_open(live: LiveEvent, connect: Any) -> None:
    ann, _bea, question_id = await _two_consoles(live, connect)
    await ann.send({"type": "queue_take", "question_id": question_id})
    await ann.until_type("queue_taken")

    later = await connect(live.event.slug, user=await _colleague())

    assert await later.until_type("queue_taken") == taken(question_id, live.moderator.pk)


async def test_closing_it_releases_it(live: LiveEvent, connect: Any) -> None:
    ann, bea, question_id = await _two_consoles(live, connect)
    await ann.send({"type": "queue_take", "question_id": question_id})
    await bea.until_type("queue_taken")

    await ann.send({"type": "queue_let_go", "question_id": question_id})

    assert await bea.until_type("queue_released") == {
        "type": "queue_released",
        "question_id": question_id,
    }
    assert await db(QuestionLock.objects.count)() == 0


async def test_leaving_releases_it(live: LiveEvent, connect: Any) -> None:
    ann, bea, question_id = await _two_consoles(live, connect)
    await ann.send({"type": "queue_take", "question_id": question_id})
    await bea.until_type("queue_taken")

    await ann.close()

    assert await bea.until_type("queue_released") == {
        "type": "queue_released",
        "question_id": question_id,
    }
    assert await db(QuestionLock.objects.count)() == 0


async def test_acting_on_it_releases_it(live: LiveEvent, connect: Any) -> None:
    ann, bea, question_id = await _two_consoles(live, connect)
    await ann.send({"type": "queue_take", "question_id": question_id})
    await bea.until_type("queue_taken")

    await ann.send({"type": "approve", "question_id": question_id, "body": None})

    removed = await bea.until_type("queue_remove")
    assert (removed["question_id"], removed["state"]) == (question_id, "published")
    assert await db(QuestionLock.objects.count)() == 0


async def test_taking_a_colleagues_open_question_is_refused(live: LiveEvent, connect: Any) -> None:
    ann, bea, question_id = await _two_consoles(live, connect)
    await ann.send({"type": "queue_take", "question_id": question_id})
    await bea.until_type("queue_taken")

    await bea.send({"type": "queue_take", "question_id": question_id})

    error = await bea.until_type("error")
    assert (error["code"], error["message"]) == (
        "conflict",
        f"W-{question_id} is open on Ann Moderator's console.",
    )


async def test_only_moderators_take_a_question(live: LiveEvent, connect: Any) -> None:
    question = await db(asked_question)(live, "How do I report it?")
    for user in (None, live.panellist_user):
        socket = await connect(live.event.slug, user=user)

        await socket.send({"type": "queue_take", "question_id": question.pk})

        assert (await socket.until_type("error"))["code"] == "not_allowed"
    assert await db(QuestionLock.objects.count)() == 0


async def test_after_its_time_it_is_over_for_everyone(
    live: LiveEvent, connect: Any, settings: Any
) -> None:
    settings.QUESTION_LOCK_SECONDS = 1
    ann, bea, question_id = await _two_consoles(live, connect)
    await ann.send({"type": "queue_take", "question_id": question_id})
    assert (await bea.until_type("queue_taken"))["seconds"] == 1

    await asyncio.sleep(1.2)

    # A console joining now is told nothing is open, and a colleague may take it.
    later = await connect(live.event.slug, user=await _colleague())
    assert "queue_taken" not in [frame["type"] for frame in await _frames_within(later)]
    await bea.send({"type": "queue_take", "question_id": question_id})
    taken_by_bea = await bea.until(
        lambda frame: frame["type"] == "queue_taken" and frame["by"] == "Bea Colleague"
    )
    assert taken_by_bea["question_id"] == question_id
