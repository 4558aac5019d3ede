"""Two real server processes, one Redis, one database: the live chat across processes.

Starts two uvicorn processes serving `outreach.asgi:application` on loopback, connects real
WebSocket clients (the `websockets` library) to each, and follows a question asked on
server A, moderated from server B and answered from server A to the public viewers on both.

The database: the servers are separate processes, so they cannot see pytest-django's test
database (in memory on SQLite; uncommitted transactions on PostgreSQL). This test therefore
never uses pytest-django's database. It always makes a scratch database of its own, of the
same engine as the suite's:

- SQLite: a file under the test's tmp_path;
- PostgreSQL: a fresh `outreach_it_<random>` database created with psycopg on the suite's
  server (its user needs CREATEDB) and dropped, forcibly, after the servers have stopped.

A setup subprocess migrates it and creates the data (a live event, a superuser moderator, a
panellist with a seat on the panel, and a signed-in session for each of them), then prints
their ids and session keys as JSON. The test itself drives everything over WebSockets.

Redis is the suite's (REDIS_URL: embedded, or the one given). To stay out of other tests'
way on a shared server, the event gets a random primary key (channel-layer groups and the
viewer-count key are named after it), and the children get a generous ask rate limit
(the limit's counters are keyed by participant id, which starts at 1 in every scratch DB).
"""

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RECEIVE_TIMEOUT = 10.0
SERVER_START_TIMEOUT = 20.0
SETUP_TIMEOUT = 120.0

# Run in a child process against the scratch database: migrate, create the data, print JSON.
SETUP_SCRIPT = """
import json, os, sys
from datetime import timedelta

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from events import services
from events.models import Agency, Event, Panellist, PanelSeat

call_command("migrate", verbosity=0, interactive=False)


def session_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


agency = Agency.objects.create(name="Metropolitan Police Service", short_name="MPS",
                               slug="metropolitan-police")
now = timezone.now().replace(microsecond=0)
event = Event.objects.create(
    pk=int(os.environ["IT_EVENT_ID"]), title="Two servers webchat", slug="two-servers",
    summary="Ask the panel.", starts_at=now, ends_at=now + timedelta(hours=1),
    lead_agency=agency,
)
services.event_schedule(event_id=event.pk)
services.event_open(event_id=event.pk)
moderator = User.objects.create_superuser(email="moderator@example.org",
                                          password="correct horse battery")
# Staff act only with a second factor set up (accounts/roles.py).
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
TOTP.activate(moderator, generate_totp_secret())
panel_user = User.objects.create_user(email="panellist@example.org",
                                      password="correct horse battery")
from django.contrib.auth.models import Group
panel_user.groups.add(Group.objects.get(name="Panellists"))
TOTP.activate(panel_user, generate_totp_secret())
panellist = Panellist.objects.create(name="DCI Sam Faulkner", role_title="Detective",
                                     agency=agency, user=panel_user)
PanelSeat.objects.create(event=event, panellist=panellist, position=0)
print(json.dumps({
    "event_id": event.pk,
    "slug": event.slug,
    "panellist_id": panellist.pk,
    "moderator_session": session_for(moderator),
    "panellist_session": session_for(panel_user),
}))
"""


# --- the scratch database -------------------------------------------------------------


@pytest.fixture
def scratch_database_url(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL for an empty database both servers can share (see the docstring)."""
    from django.conf import settings

    suite = settings.DATABASES["default"]
    engine = suite["ENGINE"]
    if "sqlite" in engine:
        yield f"sqlite:///{tmp_path / 'two-processes.sqlite3'}"
        return
    if "postgresql" not in engine:
        pytest.skip(f"no scratch database for {engine}")

    import psycopg
    from psycopg import sql

    name = f"outreach_it_{secrets.token_hex(6)}"
    params = {
        "dbname": suite["NAME"],
        "user": suite.get("USER") or None,
        "password": suite.get("PASSWORD") or None,
        "host": suite.get("HOST") or None,
        "port": suite.get("PORT") or None,
    }
    with psycopg.connect(autocommit=True, **params) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    user = quote(suite.get("USER") or "", safe="")
    password = suite.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = suite.get("HOST") or ""
    port = f":{suite['PORT']}" if suite.get("PORT") else ""
    try:
        yield f"postgres://{credentials}@{host}{port}/{name}"
    finally:
        with psycopg.connect(autocommit=True, **params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _child_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=os.environ["REDIS_URL"],
        SECRET_KEY=os.environ["SECRET_KEY"],
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        STATIC_HASHED="false",
        DJANGO_SETTINGS_MODULE="outreach.settings",
        CHAT_ASK_RATE_LIMIT="1000/60",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def scratch(scratch_database_url: str) -> dict[str, Any]:
    """The scratch database, migrated and filled; its env and the ids the test needs."""
    env = _child_env(scratch_database_url)
    env["IT_EVENT_ID"] = str(secrets.randbelow(10**9) + 10**9)
    done = subprocess.run(  # noqa: S603 - our interpreter and a fixed script
        [sys.executable, "-c", SETUP_SCRIPT],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"setup failed:\n{done.stdout}\n{done.stderr}"
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return {"env": env, **data}


# --- the servers ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on {port} exited:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"server on {port} did not start in {SERVER_START_TIMEOUT}s:\n{log.read_text()}")


@pytest.fixture
def servers(scratch: dict[str, Any], tmp_path: Path) -> Iterator[tuple[int, int]]:
    """Two uvicorn processes (A, B) on free loopback ports; yields their ports."""
    started: list[tuple[subprocess.Popen[bytes], Path]] = []
    ports = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"server-{name}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "outreach.asgi:application",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--ws",
                        "websockets-sansio",
                        "--lifespan",
                        "off",
                    ],
                    cwd=PROJECT_ROOT,
                    env=scratch["env"],
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            started.append((process, log))
            ports.append(port)
        for (process, log), port in zip(started, ports, strict=True):
            _wait_until_listening(process, port, log)
        yield ports[0], ports[1]
    finally:
        for process, log in started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            # Shown by pytest only when the test fails.
            print(f"--- {log.name} ---\n{log.read_text()[-5000:]}")


# --- clients --------------------------------------------------------------------------


class Client:
    """A WebSocket client that keeps every frame it receives, in order."""

    def __init__(self, name: str, ws: ClientConnection) -> None:
        self.name = name
        self.ws = ws
        self.raw: list[str] = []
        self.frames: list[dict[str, Any]] = []
        self._taken: set[int] = set()

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def _receive(self, timeout: float) -> None:
        text = await asyncio.wait_for(self.ws.recv(), timeout)
        assert isinstance(text, str), f"{self.name} received a binary frame"
        self.raw.append(text)
        self.frames.append(json.loads(text))

    async def until(self, match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first frame not yet returned that matches, waiting up to RECEIVE_TIMEOUT."""
        deadline = time.monotonic() + RECEIVE_TIMEOUT
        checked = 0
        while True:
            for index in range(checked, len(self.frames)):
                if index not in self._taken and match(self.frames[index]):
                    self._taken.add(index)
                    return self.frames[index]
            checked = len(self.frames)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{self.name}: no matching frame; got {self.frames}")
            try:
                await self._receive(remaining)
            except TimeoutError:
                raise AssertionError(
                    f"{self.name}: no matching frame in {RECEIVE_TIMEOUT}s; got {self.frames}"
                ) from None

    async def of_type(self, frame_type: str, **fields: Any) -> dict[str, Any]:
        return await self.until(
            lambda f: f["type"] == frame_type and all(f.get(k) == v for k, v in fields.items())
        )

    async def drain(self, quiet: float = 1.0) -> None:
        """Keep receiving until nothing arrives for `quiet` seconds (bounded)."""
        deadline = time.monotonic() + RECEIVE_TIMEOUT
        while time.monotonic() < deadline:
            try:
                await self._receive(quiet)
            except TimeoutError:
                return
        raise AssertionError(f"{self.name} never went quiet; got {self.frames}")

    def messages(self) -> list[tuple[int, str]]:
        return [(f["seq"], f["kind"]) for f in self.frames if f["type"] == "message"]


async def _connect(
    name: str, port: int, slug: str, *, session: str | None = None, after: int | None = None
) -> Client:
    query = f"?after={after}" if after is not None else ""
    headers = {"Cookie": f"sessionid={session}"} if session else None
    ws = await connect(
        f"ws://127.0.0.1:{port}/ws/events/{slug}/{query}",
        origin=Origin(f"http://127.0.0.1:{port}"),
        additional_headers=headers,
        proxy=None,
        open_timeout=RECEIVE_TIMEOUT,
        close_timeout=2,
    )
    client = Client(name, ws)
    await client.of_type("synced")
    return client


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

    viewer_a = await _connect("viewer on A", port_a, slug)
    viewer_b = await _connect("viewer on B", port_b, slug)
    asker = await _connect("asker on A", port_a, slug)
    moderator = await _connect("moderator on B", port_b, slug, session=scratch["moderator_session"])
    panellist = await _connect("panellist on A", port_a, slug, session=scratch["panellist_session"])
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
            "state": "published",
        }
        for viewer in (viewer_a, viewer_b, asker):
            message = await viewer.of_type("message", seq=1)
            assert {k: v for k, v in message.items() if k != "published_at"} == {
                "type": "message",
                "seq": 1,
                "kind": "question",
                "question_id": question_id,
                "body": edited,
                "asker": "Member of the public",
                "to": None,
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
        late = await _connect("late viewer on B", port_b, slug, after=1)
        clients.append(late)
        assert late.messages() == [(2, "answer")]
        assert late.frames[-1] == {"type": "synced", "last_seq": 2}
    finally:
        await asyncio.gather(*(c.ws.close() for c in clients), return_exceptions=True)
