"""A client's mistakes (numbers out of range, not JSON, wrong types, text that is not UTF-8)
are answered with a frame, and logged at most once a minute per kind, never with a
traceback."""

import json
import logging
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed

from chat import services
from outreach.log_filters import ClientMistakesOncePerMinute
from tests.live import LiveEvent, db

pytestmark = pytest.mark.django_db(transaction=True)


def mistake_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("client mistake refused")]


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info]


async def test_resume_after_a_4000_digit_seq_is_refused_and_logged_once(
    live: LiveEvent, connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    viewer = await connect(live.event.slug)
    huge = "9" * 4000

    for _ in range(5):
        await viewer.send('{"type": "resume", "after": ' + huge + "}")
    errors = [await viewer.until_type("error") for _ in range(5)]
    await viewer.send({"type": "resume", "after": 0})

    assert {error["code"] for error in errors} == {"bad_frame"}
    assert (await viewer.until_type("synced"))["last_seq"] == 0
    assert len(mistake_lines(caplog)) == 1
    assert tracebacks(caplog) == []


async def test_resume_after_a_seq_beyond_what_javascript_holds_is_refused(
    live: LiveEvent, connect
) -> None:
    viewer = await connect(live.event.slug)

    await viewer.send({"type": "resume", "after": 2**53})

    assert (await viewer.until_type("error"))["code"] == "bad_frame"


async def test_an_after_of_10_to_the_30_in_the_url_is_answered_and_the_feed_sent(
    live: LiveEvent, connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for body in ("first", "second"):
        await db(services.announcement_post)(
            event_id=live.event.pk, actor_id=live.moderator.pk, body=body
        )

    viewer = await connect(live.event.slug, after=10**30)

    types = [frame["type"] for frame in viewer.frames]
    assert types[0] == "error" and viewer.frames[0]["code"] == "bad_frame"
    assert [frame["seq"] for frame in viewer.frames if frame["type"] == "message"] == [1, 2]
    assert viewer.frames[-1] == {"type": "synced", "last_seq": 2}
    assert len(mistake_lines(caplog)) == 1
    assert tracebacks(caplog) == []


async def test_not_json_and_wrong_types_get_a_frame_each_and_one_line_per_kind(
    live: LiveEvent, connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    first = await connect(live.event.slug)
    second = await connect(live.event.slug)

    for socket in (first, second):
        for text in ("not json", json.dumps({"type": "resume", "after": "1"})) * 3:
            await socket.send(text)
    codes = [
        (await socket.until_type("error"))["code"] for socket in (first, second) for _ in "123456"
    ]

    assert codes == ["bad_frame"] * 12
    lines = mistake_lines(caplog)
    assert len(lines) == 2
    assert "not valid JSON" in lines[0].getMessage()
    assert "“after” has the wrong type" in lines[1].getMessage()
    assert tracebacks(caplog) == []


@pytest.fixture
def uvicorn_lines() -> Iterator[list[logging.LogRecord]]:
    """What uvicorn's error logger lets through its filters (Django's LOGGING)."""
    logger = logging.getLogger("uvicorn.error")
    for each in logger.filters:
        if isinstance(each, ClientMistakesOncePerMinute):
            each.last_seen.clear()
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Keep()
    logger.addHandler(handler)
    yield seen
    logger.removeHandler(handler)


async def test_text_that_is_not_utf8_is_closed_1007_and_logged_once_without_a_traceback(
    live: LiveEvent, server: int, uvicorn_lines: list[logging.LogRecord]
) -> None:
    codes = []
    for _ in range(3):
        async with ws_connect(
            f"ws://127.0.0.1:{server}/ws/events/{live.event.slug}/",
            additional_headers=Headers(origin=f"http://127.0.0.1:{server}"),
        ) as ws:
            while json.loads(await ws.recv())["type"] != "synced":
                pass
            await ws.send(b"\xff\xfe not text", text=True)
            try:
                while True:
                    await ws.recv()
            except ConnectionClosed as closed:
                codes.append(closed.rcvd.code if closed.rcvd else None)

    assert codes == [1007, 1007, 1007]
    lines = [r for r in uvicorn_lines if "Invalid UTF-8" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].exc_info is None and lines[0].levelno == logging.INFO
