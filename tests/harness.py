"""Real server processes for integration tests (and the fan-out benchmark).

The servers are separate processes, so they cannot see pytest-django's test database (in
memory on SQLite; uncommitted transactions on PostgreSQL). Tests that start them never use
pytest-django's database: `scratch_database_url` makes a database of their own, of the same
engine as the suite's:

- SQLite: a file under the test's tmp_path;
- PostgreSQL: a fresh `outreach_it_<random>` database created with psycopg on the suite's
  server (its user needs CREATEDB) and dropped, forcibly, after the servers have stopped.

`run_setup` migrates it in a child process and creates the data (a live event with a random
primary key, so channel-layer groups and the viewer-count key on a shared Redis are the
test's own; a superuser moderator; a panellist with a seat; a signed-in session for each),
then returns their ids and session keys. `ServerProcess` runs one child (uvicorn the way the
Procfile does, a Celery worker, beat, nginx) and stops it; `Processes` (the `processes`
fixture) is one test's children, started by name and stopped together; `Client` is a real
WebSocket client that keeps every frame it receives.

Only the fixtures import pytest, so the benchmark can use the rest.
"""

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from outreach import web

PROJECT_ROOT = Path(__file__).resolve().parents[1]
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
    pk=int(os.environ["IT_EVENT_ID"]), title="Live webchat", slug=os.environ["IT_EVENT_SLUG"],
    summary="Ask the panel.", starts_at=now, ends_at=now + timedelta(hours=6),
    lead_agency=agency,
)
services.event_schedule(event_id=event.pk)
services.event_open(event_id=event.pk)
moderator = User.objects.create_superuser(email="moderator@example.org",
                                          password="correct horse battery")
panel_user = User.objects.create_user(email="panellist@example.org",
                                      password="correct horse battery")
panellist = Panellist.objects.create(name="DCI Sam Faulkner", role_title="Detective",
                                     agency=agency, user=panel_user)
# Staff act only in their role's group and with a second factor set up (accounts/roles.py).
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from accounts.roles import PANELLISTS

panel_user.groups.add(Group.objects.get(name=PANELLISTS))
for staff in (moderator, panel_user):
    TOTP.activate(staff, generate_totp_secret())
PanelSeat.objects.create(event=event, panellist=panellist, position=0)
print(json.dumps({
    "event_id": event.pk,
    "slug": event.slug,
    "moderator_id": moderator.pk,
    "panellist_id": panellist.pk,
    "moderator_session": session_for(moderator),
    "panellist_session": session_for(panel_user),
}))
"""


# Run against a scratch database after SETUP_SCRIPT: `IT_CRISIS_WORKERS` crisis workers on
# duty at the event, each with a signed-in session, and `IT_PERSONS` guest cookies (each a
# person's identity across reconnects). Prints JSON.
LANE_SETUP_SCRIPT = """
import json, os, uuid

import django

django.setup()

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore

from accounts.models import User
from accounts.roles import CRISIS_WORKERS
from chat.guests import guest_cookie_value
from events.models import Event
from support import services

event = Event.objects.get(slug=os.environ["IT_EVENT_SLUG"])
group = Group.objects.get_or_create(name=CRISIS_WORKERS)[0]
sessions = []
for index in range(int(os.environ["IT_CRISIS_WORKERS"])):
    worker = User.objects.create_user(
        email=f"worker-{index}@example.org", password="x",
        full_name="Priya Shah" if index == 0 else f"Crisis worker {index}",
    )
    worker.groups.add(group)
    TOTP.activate(worker, generate_totp_secret())
    event.crisis_workers.add(worker)
    services.duty_start(event_id=event.pk, actor_id=worker.pk)
    session = SessionStore()
    session[SESSION_KEY] = str(worker.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = worker.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
print(json.dumps({
    "worker_sessions": sessions,
    "guest_cookies": [
        guest_cookie_value(session_key=None, guest_token=uuid.uuid4())
        for _ in range(int(os.environ["IT_PERSONS"]))
    ],
}))
"""


def lane_setup(
    env: dict[str, str], *, slug: str, crisis_workers: int = 1, persons: int = 1
) -> dict[str, Any]:
    """Crisis workers on duty at the event made by `run_setup`, and people to talk to them
    (the private lane, support/): their sessions and guest cookies."""
    return run_python(
        {
            **env,
            "IT_EVENT_SLUG": slug,
            "IT_CRISIS_WORKERS": str(crisis_workers),
            "IT_PERSONS": str(persons),
        },
        LANE_SETUP_SCRIPT,
    )


# --- the scratch database -------------------------------------------------------------


def postgres_params(database: dict[str, Any]) -> dict[str, Any]:
    return {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }


def postgres_url(database: dict[str, Any], name: str) -> str:
    user = quote(database.get("USER") or "", safe="")
    password = database.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = database.get("HOST") or ""
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{name}"


def postgres_scratch(database: dict[str, Any], prefix: str = "outreach_it_") -> Iterator[str]:
    """Create a fresh PostgreSQL database on `database`'s server; drop it afterwards."""
    import psycopg
    from psycopg import sql

    name = f"{prefix}{secrets.token_hex(6)}"
    params = postgres_params(database)
    with psycopg.connect(autocommit=True, **params) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield postgres_url(database, name)
    finally:
        with psycopg.connect(autocommit=True, **params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a server (or setup) child: production settings, plain HTTP."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=os.environ["REDIS_URL"],
        SECRET_KEY=os.environ.get("SECRET_KEY") or "harness-" + secrets.token_hex(32),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        STATIC_HASHED="false",
        DJANGO_SETTINGS_MODULE="outreach.settings",
        # The limit's counters are keyed by participant id, which starts at 1 in every
        # scratch database: a generous limit keeps tests on a shared Redis apart.
        CHAT_ASK_RATE_LIMIT="1000/60",
        CHAT_ASK_RATE_LIMIT_PER_NETWORK="100000/60",
        # Each test's processes are a deployment of their own on the shared Redis.
        REDIS_NAMESPACE=f"it-{secrets.token_hex(6)}",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_setup(
    env: dict[str, str], *, slug: str = "live-webchat", event_id: int | None = None
) -> dict[str, Any]:
    """Migrate the scratch database and create a live event; returns the ids and sessions."""
    event_id = event_id or secrets.randbelow(10**9) + 10**9
    return run_python({**env, "IT_EVENT_ID": str(event_id), "IT_EVENT_SLUG": slug}, SETUP_SCRIPT)


def run_command(
    command: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = SETUP_TIMEOUT
) -> str:
    """Run `command` to completion (in the project root; with `env`, else this process's
    environment); its standard output (raises, with its output, if it fails)."""
    done = subprocess.run(  # noqa: S603 - our interpreter or a system tool, fixed arguments
        list(command),
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_child(env: dict[str, str], *args: str, timeout: float = SETUP_TIMEOUT) -> str:
    """`python <args>` in a child process with `env`; its standard output (raises, with its
    output, if it fails)."""
    return run_command([sys.executable, *args], env=env, timeout=timeout)


def run_python(env: dict[str, str], script: str, **extra_env: str) -> Any:
    """Run `script` (which sets Django up itself) against `env`'s database; its last line of
    output, as JSON."""
    output = run_child({**env, **extra_env}, "-c", script)
    return json.loads(output.strip().splitlines()[-1])


def run_django(env: dict[str, str], code: str) -> str:
    """Run `code` in a child process with Django set up against `env`'s database; its
    standard output. For acting on a scratch database as a Celery task or an admin would."""
    return run_child(env, "-c", "import django\ndjango.setup()\n" + code)


def worker_command(hostname_prefix: str) -> list[str]:
    """A Celery worker for a test: one process, no chatter with other workers."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "outreach",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--hostname",
        f"{hostname_prefix}-{secrets.token_hex(4)}@%h",
    ]


def beat_command() -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "outreach", "beat", "--loglevel", "INFO"]


# What a worker and beat log once they are up.
WORKER_READY = " ready."
BEAT_READY = "beat: Starting..."


def wait_for_log(log: Path, text: str, *, alive: Callable[[], bool], timeout: float) -> None:
    """Wait until `text` is in `log`; fail early if the process (`alive`) has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if not alive():
            raise RuntimeError(f"{log.name}: exited:\n{log.read_text(errors='replace')[-5000:]}")
        time.sleep(0.1)
    raise RuntimeError(
        f"{log.name} did not log {text!r} in {timeout}s:\n{log.read_text(errors='replace')[-5000:]}"
    )


# --- the servers ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def uvicorn_command(port: int) -> list[str]:
    """uvicorn as the Procfile runs it in production (outreach/web.py)."""
    return web.command(host="127.0.0.1", port=port)


class ServerProcess:
    """A child process (a server on a loopback `port`, or a worker or beat with none); its
    output goes to `log`. `stop()` sends `stop_signal` and waits `stop_timeout` seconds; a
    process stopped with SIGINT gets a second SIGINT (uvicorn's "exit now": on Python 3.11
    a consumer whose channel-layer receive() swallowed its cancellation can keep a graceful
    shutdown waiting forever) and the same wait again; then SIGKILL."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        port: int = 0,
        env: dict[str, str],
        log: Path,
        cwd: Path = PROJECT_ROOT,
        stop_signal: int = signal.SIGTERM,
        stop_timeout: float = 10.0,
    ) -> None:
        self.port = port
        self.log = log
        self.stop_signal = stop_signal
        self.stop_timeout = stop_timeout
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our commands, fixed arguments
                list(command), cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_until_listening(self, timeout: float = SERVER_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server on {self.port} exited:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server on {self.port} did not start in {timeout}s:\n{self.output()}")

    def wait_for_log(self, text: str, timeout: float = SERVER_START_TIMEOUT) -> None:
        """Wait until the process has logged `text` (WORKER_READY, BEAT_READY, ...)."""
        wait_for_log(self.log, text, alive=self.alive, timeout=timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def signal_stop(self) -> None:
        if self.alive():
            self.process.send_signal(self.stop_signal)

    def stop(self) -> str:
        """Stop the process (see the class docstring); how it went, for the log."""
        if not self.alive():
            return "exited"
        self.signal_stop()
        return self.wait_stopped()

    def wait_stopped(self) -> str:
        """Wait for the process to exit once signalled (see the class docstring)."""
        try:
            self.process.wait(timeout=self.stop_timeout)
            return "stopped"
        except subprocess.TimeoutExpired:
            pass
        if self.stop_signal == signal.SIGINT:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=self.stop_timeout)
                return f"forced to exit after {self.stop_timeout}s"
            except subprocess.TimeoutExpired:
                pass
        self.process.kill()
        self.process.wait()
        return "killed"


class Processes:
    """The child processes of one test, each logging to `<directory>/<name>.log`. `stop()`
    signals every one first and then waits for each, so their grace periods overlap, and
    prints each log's tail (pytest shows it when the test fails)."""

    def __init__(self, directory: Path, *, stop_timeout: float = 3.0) -> None:
        self.directory = directory
        self.stop_timeout = stop_timeout
        self.started: list[tuple[str, ServerProcess]] = []

    def start(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: dict[str, str],
        port: int = 0,
        stop_signal: int = signal.SIGTERM,
    ) -> ServerProcess:
        process = ServerProcess(
            command,
            port=port,
            env=env,
            log=self.directory / f"{name}.log",
            stop_signal=stop_signal,
            stop_timeout=self.stop_timeout,
        )
        self.started.append((name, process))
        return process

    def web(self, env: dict[str, str], *, name: str = "server") -> ServerProcess:
        """uvicorn as the Procfile runs it, listening when this returns; stopped with SIGINT."""
        port = free_port()
        server = self.start(
            name, uvicorn_command(port), env=env, port=port, stop_signal=signal.SIGINT
        )
        server.wait_until_listening()
        return server

    def worker(self, env: dict[str, str], *, hostname_prefix: str = "it") -> ServerProcess:
        """A Celery worker (`worker_command`), ready when this returns."""
        worker = self.start("worker", worker_command(hostname_prefix), env=env)
        worker.wait_for_log(WORKER_READY)
        return worker

    def beat(self, env: dict[str, str]) -> ServerProcess:
        """Celery beat, started when this returns."""
        beat = self.start("beat", beat_command(), env=env)
        beat.wait_for_log(BEAT_READY)
        return beat

    def stop(self) -> None:
        for _, process in self.started:
            process.signal_stop()
        for name, process in self.started:
            how = process.wait_stopped() if process.process.returncode is None else "exited"
            print(f"--- {name} ({how}) ---\n{process.output()}")


def start_uvicorn(
    count: int, env: dict[str, str], directory: Path, *, prefix: str = "server"
) -> list[ServerProcess]:
    """`count` portal processes on free loopback ports, all listening when this returns."""
    servers: list[ServerProcess] = []
    try:
        for index in range(count):
            port = free_port()
            servers.append(
                ServerProcess(
                    uvicorn_command(port),
                    port=port,
                    env=env,
                    log=directory / f"{prefix}-{index}.log",
                )
            )
        for server in servers:
            server.wait_until_listening()
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


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

    async def receive(self, timeout: float) -> None:
        """Wait up to `timeout` for the next frame and keep it (raises TimeoutError)."""
        text = await asyncio.wait_for(self.ws.recv(), timeout)
        if not isinstance(text, str):
            raise AssertionError(f"{self.name} received a binary frame")
        self.raw.append(text)
        self.frames.append(json.loads(text))

    async def closed_with(self, timeout: float = 15) -> int | None:
        """Keep every frame until the server closes the connection; its close code (None
        when it sent no close frame)."""
        try:
            while True:
                await self.receive(timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None

    async def until(
        self, match: Callable[[dict[str, Any]], bool], timeout: float = RECEIVE_TIMEOUT
    ) -> dict[str, Any]:
        """The first frame not yet returned that matches, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
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
                await self.receive(remaining)
            except TimeoutError:
                raise AssertionError(
                    f"{self.name}: no matching frame in {timeout}s; got {self.frames}"
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
                await self.receive(quiet)
            except TimeoutError:
                return
        raise AssertionError(f"{self.name} never went quiet; got {self.frames}")

    def messages(self) -> list[tuple[int, str]]:
        return [(f["seq"], f["kind"]) for f in self.frames if f["type"] == "message"]

    async def listen(self, seconds: float) -> None:
        """Keep receiving for `seconds`, however much or little arrives."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                await self.receive(remaining)
            except TimeoutError:
                return

    def statuses(self) -> list[str]:
        return [f["status"] for f in self.frames if f["type"] == "status"]

    def seqs(self) -> list[int]:
        return [f["seq"] for f in self.frames if f["type"] == "message"]


async def connect_client(
    name: str,
    port: int,
    slug: str,
    *,
    session: str | None = None,
    after: int | None = None,
    host: str = "127.0.0.1",
    sock: socket.socket | None = None,
    max_queue: int = 16,
) -> Client:
    """Join the event's live chat on `port` and wait for the snapshot (`synced`)."""
    query = f"?after={after}" if after is not None else ""
    headers = {"Cookie": f"sessionid={session}"} if session else None
    ws = await connect(
        f"ws://{host}:{port}/ws/events/{slug}/{query}",
        origin=Origin(f"http://{host}:{port}"),
        additional_headers=headers,
        proxy=None,
        open_timeout=RECEIVE_TIMEOUT,
        close_timeout=2,
        sock=sock,
        max_queue=max_queue,
    )
    client = Client(name, ws)
    await client.of_type("synced")
    return client


# --- pytest fixtures ------------------------------------------------------------------

try:
    import pytest
except ImportError:  # the benchmark runs without pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture
    def scratch_database_url(tmp_path: Path) -> Iterator[str]:
        """A DATABASE_URL for an empty database the servers can share (see the docstring)."""
        from django.conf import settings

        suite = settings.DATABASES["default"]
        engine = suite["ENGINE"]
        if "sqlite" in engine:
            yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
            return
        if "postgresql" not in engine:
            pytest.skip(f"no scratch database for {engine}")
        yield from postgres_scratch(suite)

    @pytest.fixture
    def processes(tmp_path: Path) -> Iterator[Processes]:
        """The test's child processes (`Processes`), all stopped after the test."""
        started = Processes(tmp_path)
        try:
            yield started
        finally:
            started.stop()
