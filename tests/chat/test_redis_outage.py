"""Redis stopped for 10 s mid-event, under two real server processes (docs/operations.md).

A private Redis server of the test's own is stopped and started again on the same port while
viewers watch on both processes, a moderator publishes and a member of the public asks.
What people notice: viewers who only watch stay connected and are told that items are
delayed; items published during the outage still reach them (read back from the database);
connections that need Redis for themselves are closed with 4503 (never 1006) and come back;
every viewer ends with every item once and in order; every acknowledged question is kept;
/healthz says 503, then 200; and no ghost viewer is left counted.
"""

import asyncio
import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from outreach.embedded_redis import EmbeddedRedis
from tests.harness import (
    Client,
    child_env,
    connect_client,
    free_port,
    run_django,
    run_setup,
    start_uvicorn,
)

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE_SECONDS = 10


def healthz(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def announce_from_outside(env: dict[str, str], setup: dict, body: str) -> None:
    """Publish as a Celery task or a sync view would, in a process of its own."""
    run_django(
        env,
        "from chat import services\n"
        f"services.announcement_post(event_id={setup['event_id']}, "
        f"actor_id={setup['moderator_id']}, body={body!r})\n",
    )


def stored_question_ids(env: dict[str, str]) -> set[int]:
    out = run_django(
        env,
        "import json\nfrom chat.models import Question\n"
        "print(json.dumps(list(Question.objects.values_list('pk', flat=True))))\n",
    )
    return set(json.loads(out.strip().splitlines()[-1]))


async def test_redis_outage_mid_event_loses_nothing_and_leaves_no_ghosts(
    scratch_database_url: str, tmp_path: Path
) -> None:
    redis_server = EmbeddedRedis(port=free_port())
    redis_url = redis_server.start()
    servers = []
    clients: list[Client] = []
    try:
        env = child_env(scratch_database_url, REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="true")
        setup = run_setup(env)
        slug = setup["slug"]
        servers = start_uvicorn(2, env, tmp_path)
        ports = [server.port for server in servers]

        watchers = [
            await connect_client(f"watcher-{index}", ports[index % 2], slug) for index in range(4)
        ]
        clients += watchers
        moderator = await connect_client(
            "moderator", ports[0], slug, session=setup["moderator_session"]
        )
        asker = await connect_client("asker", ports[1], slug)
        clients += [moderator, asker]

        acked: set[int] = set()
        client_id = str(uuid.uuid4())
        await asker.send({"type": "ask", "client_id": client_id, "body": "Before the outage?"})
        acked.add((await asker.of_type("ack", client_id=client_id))["question_id"])
        for index in range(3):
            await moderator.send({"type": "announce", "body": f"before {index}"})
        for watcher in watchers:
            await watcher.until(lambda f: f["type"] == "message" and f["seq"] == 3)

        redis_server.stop()
        # Connections that need Redis for themselves are closed, with 4503, not dropped.
        assert await moderator.closed_with() == 4503
        assert await asker.closed_with() == 4503
        assert [healthz(port) for port in ports] == [503, 503]
        # Items published meanwhile (by a task, say) reach the watchers from the database,
        # and the watchers are told the feed is delayed.
        announce_from_outside(env, setup, "during the outage")
        for watcher in watchers:
            await watcher.of_type("feed", live=False)
            await watcher.until(lambda f: f["type"] == "message" and f["seq"] == 4, timeout=15)
        # A newcomer during the outage is served what the database has.
        newcomer = await connect_client("newcomer", ports[1], slug)
        clients.append(newcomer)
        assert newcomer.seqs() == [1, 2, 3, 4]
        await asyncio.sleep(OUTAGE_SECONDS - 5)

        redis_server.start()
        for port in ports:
            for _ in range(20):
                if healthz(port) == 200:
                    break
                await asyncio.sleep(0.5)
            assert healthz(port) == 200
        for watcher in watchers:
            await watcher.until(lambda f: f["type"] == "feed" and f["live"] is True, timeout=15)

        # The moderator and the asker come back and resume from the last item they had.
        moderator = await connect_client(
            "moderator-again", ports[0], slug, session=setup["moderator_session"], after=3
        )
        asker = await connect_client("asker-again", ports[1], slug, after=3)
        clients += [moderator, asker]
        client_id = str(uuid.uuid4())
        await asker.send({"type": "ask", "client_id": client_id, "body": "After the outage?"})
        acked.add((await asker.of_type("ack", client_id=client_id))["question_id"])
        for index in range(3):
            await moderator.send({"type": "announce", "body": f"after {index}"})

        everyone = [*watchers, newcomer]
        for viewer in everyone:
            await viewer.until(lambda f: f["type"] == "message" and f["seq"] == 7, timeout=15)
            await viewer.drain(quiet=0.5)
            assert viewer.seqs() == [1, 2, 3, 4, 5, 6, 7], viewer.name
        await moderator.drain(quiet=0.5)
        assert moderator.seqs() == [4, 5, 6, 7]
        assert acked <= stored_question_ids(env)

        # No ghosts: once everyone else has gone, the count comes down to none (the
        # moderator's own console is not counted).
        for viewer in [*everyone, asker]:
            await viewer.ws.close()
        await moderator.until(lambda f: f["type"] == "viewers" and f["count"] == 0, timeout=20)
        for server in servers:
            log = server.output()
            assert "Exception in ASGI application" not in log, log
            # channels-redis' traceback a second while Redis was away: one line instead.
            assert log.count("Unexpected exception in receive task") <= 2, log
    finally:
        for client in clients:
            await client.ws.close()
        for server in servers:
            server.stop()
        redis_server.stop()
