"""Help first, storage second, through the live chat's socket on a real server process: a
guest who is watching asks for help just after Redis stopped (docs/operations.md)."""

import uuid
from pathlib import Path

import pytest

from outreach.embedded_redis import EmbeddedRedis
from safeguarding.detection import HELP_NOW_MESSAGE
from tests.harness import (
    child_env,
    connect_client,
    free_port,
    run_django,
    run_setup,
    start_uvicorn,
)

pytestmark = pytest.mark.django_db(transaction=True)

CRISIS = "He is outside my house with a knife right now and says he will kill me"


async def test_a_crisis_question_on_the_socket_with_redis_stopped_gets_help_and_is_kept(
    scratch_database_url: str, tmp_path: Path
) -> None:
    redis_server = EmbeddedRedis(port=free_port())
    redis_url = redis_server.start()
    servers, clients = [], []
    try:
        env = child_env(scratch_database_url, REDIS_URL=redis_url)
        setup = run_setup(env)
        servers = start_uvicorn(1, env, tmp_path)
        asker = await connect_client("asker", servers[0].port, setup["slug"])
        clients.append(asker)

        redis_server.stop()
        client_id = str(uuid.uuid4())
        await asker.send({"type": "ask", "client_id": client_id, "body": CRISIS})
        code = await asker.closed_with()
        types = [frame["type"] for frame in asker.frames]

        assert "ack" in types
        assert "help_now" in types
        help_frame = next(frame for frame in asker.frames if frame["type"] == "help_now")
        assert help_frame["message"] == HELP_NOW_MESSAGE
        assert code == 4503  # comes back once Redis answers, as documented
        stored = run_django(
            env,
            "from chat.models import Question\n"
            f"q = Question.objects.get(client_id={client_id!r})\n"
            "print(q.is_urgent, q.state)\n",
        )
        assert stored.strip().splitlines()[-1] == "True pending"
    finally:
        for client in clients:
            await client.ws.close()
        for server in servers:
            server.stop()
        redis_server.stop()
