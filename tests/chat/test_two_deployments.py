"""Two deployments on one Redis server (staging and production, say), each with an event of
the same id and slug: no live frame crosses between them (docs/deployment.md, "One
deployment, one namespace"). Redis pub/sub ignores the database number, so only the
namespace keeps them apart."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.harness import child_env, connect_client, postgres_scratch, run_setup, start_uvicorn

pytestmark = pytest.mark.django_db(transaction=True)

EVENT_ID = 1_234_567_890


@contextlib.contextmanager
def another_database(tmp_path: Path) -> Iterator[str]:
    suite = settings.DATABASES["default"]
    if "sqlite" in suite["ENGINE"]:
        yield f"sqlite:///{tmp_path / 'other.sqlite3'}"
    else:
        yield from postgres_scratch(suite)


async def test_two_deployments_on_one_redis_never_hear_each_other(
    scratch_database_url: str, tmp_path: Path
) -> None:
    with another_database(tmp_path) as other_url:
        production = child_env(scratch_database_url)
        staging = child_env(other_url)
        assert production["REDIS_NAMESPACE"] != staging["REDIS_NAMESPACE"]
        assert production["REDIS_URL"] == staging["REDIS_URL"]
        setups = [run_setup(env, event_id=EVENT_ID) for env in (production, staging)]
        servers = [
            *start_uvicorn(1, production, tmp_path, prefix="production"),
            *start_uvicorn(1, staging, tmp_path, prefix="staging"),
        ]
        clients = []
        try:
            viewers = [
                await connect_client(f"viewer of {name}", server.port, setup["slug"])
                for name, server, setup in zip(
                    ("production", "staging"), servers, setups, strict=True
                )
            ]
            moderators = [
                await connect_client(
                    f"moderator of {name}",
                    server.port,
                    setup["slug"],
                    session=setup["moderator_session"],
                )
                for name, server, setup in zip(
                    ("production", "staging"), servers, setups, strict=True
                )
            ]
            clients = [*viewers, *moderators]
            for index in range(3):
                await moderators[0].send({"type": "announce", "body": f"production {index}"})
            await moderators[1].send({"type": "announce", "body": "staging 0"})

            production_viewer, staging_viewer = viewers
            await production_viewer.until(lambda f: f["type"] == "message" and f["seq"] == 3)
            await staging_viewer.until(lambda f: f["type"] == "message" and f["seq"] == 1)
            for viewer in viewers:
                await viewer.drain(quiet=1.0)
            bodies = [
                [f["body"] for f in viewer.frames if f["type"] == "message"] for viewer in viewers
            ]
            assert bodies == [["production 0", "production 1", "production 2"], ["staging 0"]]
        finally:
            for client in clients:
                await client.ws.close()
            for server in servers:
                server.stop()
