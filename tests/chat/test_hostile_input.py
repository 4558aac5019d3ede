"""Every byte from the network is hostile: origins, frames and logs."""

import asyncio
import json
import logging
import uuid

import pytest
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.protocol import MAX_FRAME_BYTES, FrameError, parse_frame
from outreach.asgi import application
from tests.live import LiveEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "headers",
    [
        [(b"origin", b"https://evil.example")],
        [(b"origin", b"null")],
        [],  # no Origin at all
        [(b"origin", b"http://testserver.evil.example")],
    ],
)
async def test_websocket_from_a_foreign_missing_or_null_origin_is_refused(
    live: LiveEvent, headers: list[tuple[bytes, bytes]]
) -> None:
    communicator = WebsocketCommunicator(
        application, f"/ws/events/{live.event.slug}/", headers=headers
    )

    connected, _ = await communicator.connect()
    await communicator.disconnect()

    assert connected is False


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
frames = st.one_of(
    st.text(max_size=200),  # not JSON, or any JSON text
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                ["ask", "resume", "approve", "reject", "answer", "announce", "pin", "mute", "x"]
            )
        },
        optional={
            "client_id": json_values,
            "body": json_values,
            "question_id": json_values,
            "after": json_values,
            "seq": json_values,
            "to": json_values,
            "reason": json_values,
        },
    ).map(json.dumps),
    st.integers(min_value=1, max_value=500).map(lambda depth: "[" * depth + "]" * depth),
    # Text no database can store: a lone surrogate (JSON's "\\ud800") or NUL in every text
    # field, so none of these frames may be accepted.
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["ask", "reject", "answer", "announce", "mark_answered"]),
            "client_id": st.uuids().map(str),
            "question_id": st.integers(min_value=1, max_value=5),
        },
        optional={
            field: st.tuples(
                st.text(max_size=20), st.sampled_from(["\ud800", "\udfff", "\x00"])
            ).map("".join)
            for field in ("body", "reason", "nickname", "note")
        },
    ).map(json.dumps),
)


@given(frames)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_parser_accepts_a_valid_frame_or_refuses_with_a_stable_code(text: str) -> None:
    try:
        frame = parse_frame(text)
    except FrameError as refusal:
        assert refusal.code in {"bad_frame", "unknown_type", "too_long"}
        return
    # Whatever got through is exactly what the schema allows.
    assert frame.type in {
        "ask",
        "resume",
        "approve",
        "reject",
        "answer",
        "mark_answered",
        "announce",
        "pin",
        "mute",
    }


def test_parser_refuses_huge_and_deeply_nested_frames() -> None:
    for text in ("x" * (MAX_FRAME_BYTES + 1), "[" * 100_000 + "]" * 100_000, "\udcff" * 10):
        with pytest.raises(FrameError):
            parse_frame(text)


async def test_hostile_frames_store_nothing_and_leave_other_connections_working(
    live: LiveEvent, connect
) -> None:
    from chat.models import Question
    from tests.live import db

    bystander = await connect(live.event.slug)
    attacker = await connect(live.event.slug)
    hostile = [
        "not json",
        "[" * 5000 + "]" * 5000,
        json.dumps({"type": "ask", "body": None}),
        json.dumps({"type": "ask", "client_id": "x" * 40, "body": "b"}),
        "\x00" * 100,
        json.dumps({"type": "approve", "question_id": 10**30}),
        json.dumps({"type": "resume", "after": "1"}),
        "x" * 70_000,
    ]
    for text in hostile:
        await attacker.send(text)
    errors = [await attacker.until_type("error") for _ in hostile]

    assert {error["code"] for error in errors} <= {"bad_frame", "too_long", "not_allowed"}
    assert await db(Question.objects.count)() == 0
    await bystander.send({"type": "resume", "after": 0})
    assert (await bystander.until_type("synced"))["last_seq"] == 0


async def test_logs_never_contain_question_text_or_nicknames(
    live: LiveEvent, connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    moderator = await connect(live.event.slug, user=live.moderator)
    asker = await connect(live.event.slug)
    await asker.send(
        {
            "type": "ask",
            "client_id": str(uuid.uuid4()),
            "body": "Secret words 4471",
            "nickname": "Zed",
        }
    )
    ack = await asker.until_type("ack")
    await moderator.send(
        {"type": "reject", "question_id": ack["question_id"], "reason": "Reason 8812"}
    )
    await asker.until(lambda f: f["type"] == "own_question" and f["state"] == "rejected")
    await asyncio.sleep(0.1)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    for private in ("Secret words", "4471", "Zed", "Reason 8812"):
        assert private not in logged


async def test_one_network_posing_as_many_askers_is_rate_limited(
    live: LiveEvent, connect, settings
) -> None:
    from chat.models import Participant
    from tests.live import db

    settings.CHAT_ASK_RATE_LIMIT_PER_NETWORK = (3, 60)
    codes = []
    for _ in range(4):
        # A fresh connection without a cookie each time: a new participant, same network.
        socket = await connect(live.event.slug)
        await socket.send({"type": "ask", "client_id": str(uuid.uuid4()), "body": "spam"})
        frame = await socket.until(lambda f: f["type"] in ("ack", "error"))
        codes.append(frame.get("code", frame["type"]))

    assert codes == ["ack", "ack", "ack", "rate_limited"]
    hashes = await db(lambda: list(Participant.objects.values_list("network_hash", flat=True)))()
    # The three who got through share one hash (the refused one's is never stored).
    stored = sorted(hashes, reverse=True)[:3]
    assert len(set(stored)) == 1 and len(stored[0]) == 32 and sorted(hashes)[0] == ""
    assert "203.0.113.7" not in stored[0]


def _viewers(event_id: int) -> int:
    from realtime.hub import local_viewer_count

    return local_viewer_count(event_id)


async def _throw(slug: str, live_event_id: int, frame: str | bytes) -> None:
    from chat.models import Question
    from tests.live import db

    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    attacker = WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)
    bystander = WebsocketCommunicator(application, f"/ws/events/{slug}/", headers=headers)
    for communicator in (attacker, bystander):
        communicator.scope["client"] = ("203.0.113.8", 40000)
        assert (await communicator.connect())[0]
        while json.loads(await communicator.receive_from())["type"] != "synced":
            pass
    # Raw ASGI messages: the test helper refuses empty frames, a client may not.
    key = "bytes" if isinstance(frame, bytes) else "text"
    await attacker.send_input({"type": "websocket.receive", key: frame})
    reply = await attacker.receive_output(timeout=5)
    if reply["type"] == "websocket.send":
        assert json.loads(reply["text"])["type"] in {"error", "synced", "message"}
    else:
        assert reply["type"] == "websocket.close"
    assert await db(Question.objects.count)() == 0
    await bystander.send_to(text_data=json.dumps({"type": "resume", "after": 0}))
    assert json.loads(await bystander.receive_from(timeout=5))["type"] == "synced"
    await attacker.disconnect()
    # No ghost: whatever the frame did, the attacker's connection is gone from the hub.
    assert _viewers(live_event_id) == 1
    await bystander.disconnect()


@given(st.one_of(frames, st.binary(max_size=100)))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_consumer_answers_any_frame_with_an_error_or_a_clean_close(live: LiveEvent, frame) -> None:
    from asgiref.sync import async_to_sync

    async_to_sync(_throw)(live.event.slug, live.event.pk, frame)
