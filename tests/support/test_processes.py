"""The private lane across real processes: the person on one uvicorn process, the crisis worker
on another, one Redis that restarts in the middle of the conversation. Nothing is lost and
nothing is shown twice: every message is stored before it is sent, and each side resumes by
seq after the restart (tests/harness.py starts the processes)."""

import json
import uuid
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.typing import Origin

from outreach.embedded_redis import EmbeddedRedis
from tests.harness import (
    RECEIVE_TIMEOUT,
    Client,
    child_env,
    free_port,
    lane_setup,
    run_django,
    run_setup,
    start_uvicorn,
)

STORED = """
from support.models import Message
print(json.dumps([[m.seq, m.sender, m.body] for m in Message.objects.order_by("seq")]))
"""


async def open_client(name: str, port: int, slug: str, cookie: str) -> Client:
    ws = await connect(
        f"ws://127.0.0.1:{port}/ws/events/{slug}/",
        origin=Origin(f"http://127.0.0.1:{port}"),
        additional_headers={"Cookie": cookie},
        proxy=None,
        open_timeout=RECEIVE_TIMEOUT,
        close_timeout=2,
    )
    client = Client(name, ws)
    await client.of_type("synced")
    return client


def support_seqs(client: Client, conversation_id: int) -> list[int]:
    return [
        frame["seq"]
        for frame in client.frames
        if frame["type"] == "support_message" and frame["conversation_id"] == conversation_id
    ]


async def resume(client: Client, conversation_id: int, after: int) -> None:
    await client.send(
        {"type": "support_resume", "conversation_id": conversation_id, "after": after}
    )
    await client.of_type("support_synced", conversation_id=conversation_id)


async def test_a_redis_restart_mid_conversation_loses_and_duplicates_nothing(
    scratch_database_url: str, tmp_path: Path
) -> None:
    redis_server = EmbeddedRedis(port=free_port())
    redis_url = redis_server.start()
    servers = []
    clients: list[Client] = []
    try:
        env = child_env(scratch_database_url, REDIS_URL=redis_url)
        slug = run_setup(env, slug="lane-processes")["slug"]
        lane = lane_setup(env, slug=slug)
        servers = start_uvicorn(2, env, tmp_path)
        port_person, port_worker = (server.port for server in servers)
        person_cookie = f"outreach_guest={lane['guest_cookies'][0]}"
        worker_cookie = f"sessionid={lane['worker_sessions'][0]}"

        person = await open_client("person on A", port_person, slug, person_cookie)
        worker = await open_client("worker on B", port_worker, slug, worker_cookie)
        clients += [person, worker]
        await person.send({"type": "support_open", "client_id": str(uuid.uuid4())})
        conversation_id = (await person.of_type("support_conversation"))["conversation_id"]
        # Across processes, through Redis: the worker's console hears of it.
        await worker.of_type("support_queue", conversation_id=conversation_id)
        await worker.send({"type": "support_claim", "conversation_id": conversation_id})
        await person.of_type("support_message", seq=1)
        said = str(uuid.uuid4())
        await person.send(
            {
                "type": "support_say",
                "conversation_id": conversation_id,
                "client_id": said,
                "body": "he is outside",
            }
        )
        await person.of_type("support_ack", client_id=said)
        await worker.of_type("support_message", seq=2)

        redis_server.stop()
        assert await person.closed_with() == 4503
        assert await worker.closed_with() == 4503
        redis_server.start()

        # Both come back and resume from the last message each had.
        person = await open_client("person again", port_person, slug, person_cookie)
        worker = await open_client("worker again", port_worker, slug, worker_cookie)
        clients += [person, worker]
        told = await person.of_type("support_conversation")
        assert told["conversation_id"] == conversation_id
        await resume(person, conversation_id, after=2)
        await resume(worker, conversation_id, after=2)
        # A reply sent during the reconnection, and the person's retry of a message whose
        # ack they may have missed: each is stored once and arrives once.
        reply = {
            "type": "support_reply",
            "conversation_id": conversation_id,
            "client_id": str(uuid.uuid4()),
            "body": "Call 999 if you can. I am here.",
        }
        await worker.send(reply)
        await worker.send(reply)
        await person.of_type("support_message", seq=3)
        retried = str(uuid.uuid4())
        for _ in range(2):
            await person.send(
                {
                    "type": "support_say",
                    "conversation_id": conversation_id,
                    "client_id": retried,
                    "body": "I am in the bathroom",
                }
            )
        await person.of_type("support_message", seq=4)
        await worker.of_type("support_message", seq=4)
        await person.drain(quiet=1.0)
        await worker.drain(quiet=1.0)
        assert support_seqs(person, conversation_id) == [3, 4]
        assert support_seqs(worker, conversation_id) == [3, 4]

        stored = json.loads(run_django(env, "import json\n" + STORED).strip().splitlines()[-1])
        assert stored == [
            [1, "notice", "Priya Shah, Crisis worker is now talking with you."],
            [2, "person", "he is outside"],
            [3, "worker", "Call 999 if you can. I am here."],
            [4, "person", "I am in the bathroom"],
        ]
        for server in servers:
            assert "Exception in ASGI application" not in server.output()
    finally:
        for client in clients:
            await client.ws.close()
        for server in servers:
            server.stop()
        redis_server.stop()
