"""PostgreSQL unreachable for a while under a real server process (docs/operations.md).

The server reaches PostgreSQL through a TCP relay the test controls; the relay cuts every
connection and refuses new ones, then lets them through again. What people notice: an asker
is told `unavailable` with their `client_id` (their text stays with them) and the connection
goes on; a connection opened meanwhile is closed with 4503, never 1006; a watcher stays
connected; once the database is back the same question is stored exactly once and new items
reach everyone. PostgreSQL only: SQLite has no connection to lose (CI's second pass runs it).
"""

import asyncio
import contextlib
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.harness import child_env, connect_client, free_port, run_django, run_setup, start_uvicorn

pytestmark = pytest.mark.django_db(transaction=True)


class Relay:
    """A TCP relay to PostgreSQL that can go down (cutting every connection) and come back."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def up(self) -> None:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)

    async def down(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


def through(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    credentials = netloc[0] + "@" if len(netloc) == 2 else ""
    return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{port}"))


def healthz(port: int) -> int:
    """/healthz's status (call it in a thread: the relay runs in the test's event loop)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=15) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


async def test_database_outage_refuses_cleanly_and_recovers(
    scratch_database_url: str, tmp_path: Path
) -> None:
    if not scratch_database_url.startswith("postgres"):
        pytest.skip("needs PostgreSQL over TCP (CI's PostgreSQL pass runs it)")
    target = urlsplit(scratch_database_url)
    relay = Relay(target.hostname or "127.0.0.1", target.port or 5432)
    await relay.up()
    env = child_env(
        through(scratch_database_url, relay.port),
        DATABASE_POOL_TIMEOUT="2",
        CHAT_ACCESS_RECHECK_SECONDS="3600",
    )
    setup = run_setup({**env, "DATABASE_URL": scratch_database_url})
    (server,) = start_uvicorn(1, env, tmp_path)
    clients = []
    try:
        watcher = await connect_client("watcher", server.port, setup["slug"])
        asker = await connect_client("asker", server.port, setup["slug"])
        moderator = await connect_client(
            "moderator", server.port, setup["slug"], session=setup["moderator_session"]
        )
        clients += [watcher, asker, moderator]
        await moderator.send({"type": "announce", "body": "before"})
        await watcher.until(lambda f: f["type"] == "message" and f["seq"] == 1)

        await relay.down()
        client_id = str(uuid.uuid4())
        ask = {"type": "ask", "client_id": client_id, "body": "Is anyone there?"}
        await asker.send(ask)
        error = await asker.until(lambda f: f["type"] == "error", timeout=30)
        assert (error["code"], error["client_id"]) == ("unavailable", client_id)
        assert await asyncio.to_thread(healthz, server.port) == 503
        # A connection opened now that needs the database (a signed-in moderator's) is
        # told, with 4503, to come back later...
        with pytest.raises(ConnectionClosed) as closed:
            ws = await connect(
                f"ws://127.0.0.1:{server.port}/ws/events/{setup['slug']}/",
                origin=f"http://127.0.0.1:{server.port}",  # type: ignore[arg-type]
                additional_headers={"Cookie": f"sessionid={setup['moderator_session']}"},
                proxy=None,
            )
            while True:
                await asyncio.wait_for(ws.recv(), 30)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4503
        # ...while a new watcher with no cookie joins from the process's memory and is
        # given the feed as it stands.
        newcomer = await connect_client("newcomer", server.port, setup["slug"])
        clients.append(newcomer)
        await newcomer.until(lambda f: f["type"] == "message" and f["seq"] == 1)

        await relay.up()
        for _ in range(30):
            if await asyncio.to_thread(healthz, server.port) == 200:
                break
            await asyncio.sleep(0.5)
        # The same question, sent again with the same client_id: stored exactly once.
        for _ in range(10):
            await asker.send(ask)
            reply = await asker.until(
                lambda f: f["type"] in ("ack", "error") and f.get("client_id") == client_id,
                timeout=30,
            )
            if reply["type"] == "ack":
                break
            await asyncio.sleep(1)
        assert reply["type"] == "ack"
        await moderator.send({"type": "announce", "body": "after"})
        await watcher.until(lambda f: f["type"] == "message" and f["seq"] == 2, timeout=30)
        await watcher.drain(quiet=0.5)
        assert watcher.seqs() == [1, 2]
        count = run_django(
            {**env, "DATABASE_URL": scratch_database_url},
            "from chat.models import Question\n"
            f"print(Question.objects.filter(client_id={client_id!r}).count())\n",
        )
        assert count.strip().splitlines()[-1] == "1"
        assert "Exception in ASGI application" not in server.output()
    finally:
        for client in clients:
            await client.ws.close()
        server.stop()
        await relay.down()
