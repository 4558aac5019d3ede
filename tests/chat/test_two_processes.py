"""Two real server processes, one Redis, one database: the live chat across processes.

Starts two uvicorn processes serving `outreach.asgi:application` on loopback (as the
Procfile does), connects real WebSocket clients (the `websockets` library) to each, and
follows a question asked on server A, moderated from server B and answered from server A to
the public viewers on both. The scratch database, the setup child (a live event, a
superuser moderator, a panellist with a seat, a signed-in session for each), the servers
and the clients are tests/harness.py's (its docstring says why the servers cannot use
pytest-django's database).
"""

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness import (
    ServerProcess,
    child_env,
    connect_client,
    run_setup,
    start_uvicorn,
)


@pytest.fixture
def scratch(scratch_database_url: str) -> dict[str, Any]:
    env = child_env(scratch_database_url)
    return {"env": env, **run_setup(env, slug="two-servers")}


@pytest.fixture
def servers(scratch: dict[str, Any], tmp_path: Path) -> Iterator[tuple[int, int]]:
    """Two uvicorn processes (A, B) on free loopback ports; yields their ports."""
    started: list[ServerProcess] = start_uvicorn(2, scratch["env"], tmp_path)
    try:
        yield started[0].port, started[1].port
    finally:
        for server in started:
            server.stop()
            # Shown by pytest only when the test fails.
            print(f"--- {server.log.name} ---\n{server.output()}")


# --- the test -------------------------------------------------------------------------


async def test_published_items_reach_viewers_on_both_servers_in_seq_order(
    servers: tuple[int, int], scratch: dict[str, Any]
) -> None:
    port_a, port_b = servers
    slug = scratch["slug"]
    original = "How do I report hate crime if I don't want to go to a police station?"
    edited = "How do I report hate crime without going to a station?"
    nickname = "Samwise Nickname"
    answer_body = "You can report online with True Vision, or call 101."

    viewer_a = await connect_client("viewer on A", port_a, slug)
    viewer_b = await connect_client("viewer on B", port_b, slug)
    asker = await connect_client("asker on A", port_a, slug)
    moderator = await connect_client(
        "moderator on B", port_b, slug, session=scratch["moderator_session"]
    )
    panellist = await connect_client(
        "panellist on A", port_a, slug, session=scratch["panellist_session"]
    )
    clients = [viewer_a, viewer_b, asker, moderator, panellist]
    try:
        assert (await moderator.of_type("session"))["roles"] == ["public", "moderator"]
        assert (await moderator.of_type("queue"))["questions"] == []
        assert (await panellist.of_type("session"))["roles"] == ["public", "panellist"]
        for viewer in (viewer_a, viewer_b):
            assert [f["type"] for f in viewer.frames] == ["status", "session", "pinned", "synced"]
            assert viewer.frames[0]["status"] == "live"
            assert viewer.frames[0]["accepting_questions"] is True
            assert viewer.frames[1]["roles"] == ["public"]
            assert viewer.frames[3] == {"type": "synced", "last_seq": 0}

        # Asked on A: acknowledged there, queued for the moderator on B.
        client_id = str(uuid.uuid4())
        await asker.send(
            {"type": "ask", "client_id": client_id, "body": original, "nickname": nickname}
        )
        ack = await asker.of_type("ack", client_id=client_id)
        assert ack["state"] == "pending"
        question_id = ack["question_id"]
        queued = (await moderator.of_type("queue_add"))["question"]
        assert (queued["question_id"], queued["body"], queued["nickname"], queued["state"]) == (
            question_id,
            original,
            nickname,
            "pending",
        )

        # Approved (edited) on B: seq 1 reaches viewers on A and B; the asker on A hears.
        await moderator.send({"type": "approve", "question_id": question_id, "body": edited})
        assert await moderator.of_type("queue_remove", question_id=question_id) == {
            "type": "queue_remove",
            "question_id": question_id,
            "ref": f"W-{question_id}",
            "number": 1,
            "state": "published",
        }
        for viewer in (viewer_a, viewer_b, asker):
            message = await viewer.of_type("message", seq=1)
            assert {k: v for k, v in message.items() if k != "published_at"} == {
                "type": "message",
                "seq": 1,
                "kind": "question",
                "question_id": question_id,
                "number": 1,
                "body": edited,
                "asker": "Member of the public",
                "to": None,
                "asked_by": 1,
                "language": "en",
            }
        own = await asker.of_type("own_question", question_id=question_id, state="published")
        assert (own["body"], own["published_body"]) == (original, edited)

        # Answered on A: seq 2, pointing back at seq 1, on both servers.
        await panellist.send({"type": "answer", "question_id": question_id, "body": answer_body})
        for viewer in (viewer_a, viewer_b, asker):
            message = await viewer.of_type("message", seq=2)
            assert (message["kind"], message["question_id"], message["question_seq"]) == (
                "answer",
                question_id,
                1,
            )
            assert (message["body"], message["mode"]) == (answer_body, "written")
            assert message["panellist"]["id"] == scratch["panellist_id"]
        await asker.of_type("own_question", question_id=question_id, state="answered")

        # Nothing more arrives: each item once, in order, and nothing private in public.
        for viewer in (viewer_a, viewer_b):
            await viewer.drain()
            assert viewer.messages() == [(1, "question"), (2, "answer")]
            assert [f["type"] for f in viewer.frames] == [
                "status",
                "session",
                "pinned",
                "synced",
                "message",
                "message",
            ]
            for text in viewer.raw:
                assert nickname not in text
                assert original not in text
                assert client_id not in text
        assert asker.messages() == [(1, "question"), (2, "answer")]

        # A viewer resuming on B after seq 1 gets exactly the item it missed.
        late = await connect_client("late viewer on B", port_b, slug, after=1)
        clients.append(late)
        assert late.messages() == [(2, "answer")]
        assert late.frames[-1] == {"type": "synced", "last_seq": 2}
    finally:
        await asyncio.gather(*(c.ws.close() for c in clients), return_exceptions=True)
