"""Redis frozen (SIGSTOP: connections stay open, nothing answers) under a real server
(docs/operations.md, "What happens when something is down").

A frozen Redis is not a stopped one: nothing is refused, every call waits out its timeout.
What people notice: pages still load; /healthz says 503 naming redis; a viewer who only
watches stays connected, is told items are delayed and gets them from the database; a
question asked meanwhile is acknowledged and stored; connections that need Redis for
themselves (the moderator, the asker) are closed with 4503, never dropped; after the thaw
/healthz is 200 again, the watcher is told items are live, and the moderator, back, finds
the question in the queue.
"""

import asyncio
import os
import signal
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from outreach.embedded_redis import EmbeddedRedis
from tests.harness import Client, child_env, connect_client, free_port, run_setup, start_uvicorn

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


async def test_a_frozen_redis_keeps_watchers_and_questions_and_closes_the_rest_with_4503(
    scratch_database_url: str, tmp_path: Path
) -> None:
    redis_server = EmbeddedRedis(port=free_port())
    redis_url = redis_server.start()
    assert redis_server.process is not None
    redis_pid = redis_server.process.pid
    servers = []
    clients: list[Client] = []
    frozen = False
    try:
        env = child_env(scratch_database_url, REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="true")
        setup = run_setup(env)
        slug = setup["slug"]
        servers = start_uvicorn(1, env, tmp_path)
        port = servers[0].port
        watcher = await connect_client("watcher", port, slug)
        moderator = await connect_client(
            "moderator", port, slug, session=setup["moderator_session"]
        )
        asker = await connect_client("asker", port, slug)
        clients += [watcher, moderator, asker]
        await moderator.send({"type": "announce", "body": "before the freeze"})
        await watcher.until(lambda f: f["type"] == "message" and f["seq"] == 1)

        os.kill(redis_pid, signal.SIGSTOP)
        frozen = True
        assert await asyncio.to_thread(status_of, port, "/healthz") == 503
        assert await asyncio.to_thread(status_of, port, f"/events/{slug}/live/") == 200
        await moderator.send({"type": "announce", "body": "during the freeze"})
        client_id = str(uuid.uuid4())
        await asker.send({"type": "ask", "client_id": client_id, "body": "Is anyone there?"})

        ack = await asker.until(lambda f: f["type"] == "ack", timeout=60)
        assert (ack["client_id"], ack["state"]) == (client_id, "pending")
        closed = await asyncio.gather(moderator.closed_with(60), asker.closed_with(60))
        assert closed == [4503, 4503]
        await watcher.of_type("feed", live=False)
        during = await watcher.until(lambda f: f["type"] == "message" and f["seq"] == 2)
        assert during["body"] == "during the freeze"

        os.kill(redis_pid, signal.SIGCONT)
        frozen = False
        await watcher.until(lambda f: f["type"] == "feed" and f["live"] is True, timeout=15)
        assert await asyncio.to_thread(status_of, port, "/healthz") == 200
        moderator = await connect_client(
            "moderator again", port, slug, session=setup["moderator_session"], after=2
        )
        clients.append(moderator)
        queue = next(f for f in moderator.frames if f["type"] == "queue")
        assert [q["body"] for q in queue["questions"]] == ["Is anyone there?"]
        assert watcher.seqs() == [1, 2]
        log = servers[0].output()
        assert "Traceback" not in log, log
    finally:
        if frozen:
            os.kill(redis_pid, signal.SIGCONT)
        for client in clients:
            await client.ws.close()
        for server in servers:
            server.stop()
        redis_server.stop()
