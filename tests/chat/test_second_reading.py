"""The second reading: a question the ask path's triage let through is read again, whole, by
a slower sentence model in a Celery task (eager in the suite); when it reads a crisis, the
question becomes urgent as if the ask path had flagged it. Which sentences the model flags is
tested in tests/safeguarding/; here it is replaced, so these tests are about what people see."""

import asyncio
import logging
from typing import Any

import pytest

from chat import tasks
from chat.models import Question
from safeguarding import selectors as safeguarding_selectors
from safeguarding.detection import HELP_NOW_MESSAGE
from tests.chat.test_consumers import ask_frame
from tests.live import LiveEvent, db

pytestmark = pytest.mark.django_db(transaction=True)

QUIET = "Thank you all for being kind to me. Please look after my cat for me."


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The ask path lets every question through; the second reading reads `crisis` ones as a
    crisis and records what it was asked to read."""
    seen: dict[str, Any] = {"read": [], "crisis": {QUIET}, "ask_path": False}
    monkeypatch.setattr(
        safeguarding_selectors,
        "question_in_danger_now",
        lambda text, phrases=None: seen["ask_path"],
    )
    monkeypatch.setattr(safeguarding_selectors, "second_reading_on", lambda: True)

    def crisis_on_second_reading(text: str) -> bool:
        seen["read"].append(text)
        return text in seen["crisis"]

    monkeypatch.setattr(
        safeguarding_selectors, "crisis_on_second_reading", crisis_on_second_reading
    )
    return seen


async def _types_until_quiet(socket: Any, wait: float = 0.5) -> list[str]:
    """The types of the frames that come before the socket is quiet for `wait` s."""
    types = []
    while not await socket.communicator.receive_nothing(timeout=wait):
        types.append((await socket.receive())["type"])
    return types


async def _ask(live: LiveEvent, connect, body: str):  # type: ignore[no-untyped-def]
    moderator = await connect(live.event.slug, user=live.moderator)
    asker = await connect(live.event.slug, guest_of=f"/events/{live.event.slug}/live/")
    await asker.send(ask_frame(body))
    ack = await asker.until_type("ack")
    return moderator, asker, ack["question_id"]


async def test_a_question_read_as_a_crisis_goes_up_the_queue_and_its_asker_gets_help(
    live: LiveEvent, connect, readings: dict[str, Any]
) -> None:
    moderator, asker, question_id = await _ask(live, connect, QUIET)

    queued = await moderator.until_type("queue_add")
    assert (queued["question"]["question_id"], queued["question"]["is_urgent"]) == (
        question_id,
        False,
    )
    flagged = await moderator.until_type("queue_urgent")
    assert flagged["question"]["question_id"] == question_id
    assert flagged["question"]["is_urgent"] is True
    assert flagged["question"]["body"] == QUIET
    # The help comes after the ack, naming the question (the page offers the private lane).
    assert await asker.until_type("help_now") == {
        "type": "help_now",
        "message": HELP_NOW_MESSAGE,
        "question_id": question_id,
    }
    assert await db(lambda: Question.objects.get(pk=question_id).is_urgent)() is True
    assert readings["read"] == [QUIET]


async def test_an_ordinary_question_is_read_again_and_left_as_it_was(
    live: LiveEvent, connect, readings: dict[str, Any]
) -> None:
    moderator, asker, question_id = await _ask(live, connect, "When does the webchat end?")

    await moderator.until_type("queue_add")
    await moderator.nothing_more()
    assert "help_now" not in await _types_until_quiet(asker)
    assert readings["read"] == ["When does the webchat end?"]
    assert await db(lambda: Question.objects.get(pk=question_id).is_urgent)() is False


async def test_a_question_the_ask_path_flagged_is_not_read_again(
    live: LiveEvent, connect, readings: dict[str, Any]
) -> None:
    readings["ask_path"] = True
    moderator, asker, _ = await _ask(live, connect, QUIET)

    assert (await moderator.until_type("queue_add"))["question"]["is_urgent"] is True
    await asker.until_type("help_now")
    await moderator.nothing_more()
    assert readings["read"] == []


async def test_with_the_second_reading_off_nothing_is_read_again(
    live: LiveEvent, connect, readings: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safeguarding_selectors, "second_reading_on", lambda: False)
    moderator, _, question_id = await _ask(live, connect, QUIET)

    await moderator.until_type("queue_add")
    await moderator.nothing_more()
    assert readings["read"] == []
    assert await db(lambda: Question.objects.get(pk=question_id).is_urgent)() is False


async def test_with_the_task_queue_down_the_question_is_kept_as_asked_and_one_line_logged(
    live: LiveEvent,
    connect,
    readings: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.read_question_again, "delay", broker_down)
    with caplog.at_level(logging.WARNING, logger="chat.read_again"):
        moderator, _asker, question_id = await _ask(live, connect, QUIET)
        await moderator.until_type("queue_add")
        await moderator.nothing_more()
        expected = (
            f"question {question_id} not read again, the task queue is unavailable: "
            "Error 111 connecting to 127.0.0.1:6379. Connection refused."
        )
        for _ in range(50):  # logged by the hand-over thread, a moment after the ack
            logged = [r.getMessage() for r in caplog.records if r.name == "chat.read_again"]
            if logged:
                break
            await asyncio.sleep(0.1)

    assert logged == [expected]
    assert await db(lambda: Question.objects.get(pk=question_id).state)() == "pending"


async def test_a_question_already_published_still_brings_its_asker_help_but_leaves_the_queue(
    live: LiveEvent, connect, readings: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A moderator who acted first (a late worker): the help still reaches the asker."""
    monkeypatch.setattr(safeguarding_selectors, "second_reading_on", lambda: False)
    readings["crisis"] = {"Is it too late for me? Thanks for everything."}
    moderator, asker, question_id = await _ask(
        live, connect, "Is it too late for me? Thanks for everything."
    )
    await moderator.until_type("queue_add")
    await moderator.send({"type": "approve", "question_id": question_id})
    await moderator.until_type("queue_remove")

    assert await db(tasks.read_question_again)(question_id) is True
    assert (await asker.until_type("help_now"))["question_id"] == question_id
    assert "queue_urgent" not in await _types_until_quiet(moderator)
    # Read again, it is already urgent: nothing more happens.
    assert await db(tasks.read_question_again)(question_id) is False
    assert "help_now" not in await _types_until_quiet(asker)
