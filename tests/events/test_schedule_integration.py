"""The schedule with real processes: uvicorn, a Celery worker and Celery beat on one Redis.

An event opens, closes and is archived at the times in the database with nobody touching
it, and an event whose start passes while no worker runs opens late, once, when one comes
back. Everything is observed the way a viewer and an auditor would: a real WebSocket client
(the `websockets` library) on the uvicorn server, and the database rows.

The approach is that of tests/chat/test_two_processes.py (see its docstring): the children
cannot see pytest-django's test database, so each test makes a scratch database of the
suite's engine (an SQLite file under tmp_path, or a fresh PostgreSQL database dropped
afterwards), filled by a setup subprocess that prints JSON. Later reads and the one write
(setting the event's times) are small subprocesses against the same database. The servers,
worker and beat are started and stopped by tests/harness.py (`processes`), uvicorn as the
Procfile runs it.

The event's times are set only once every process is up and the viewer is connected, so a
slow start cannot make the event open before anyone watches. The children run beat's tasks
every second (SCHEDULE_RECONCILE_SECONDS=1) on a queue of their own (CELERY_QUEUE), with a
beat schedule file under tmp_path and CELERY_TASK_ALWAYS_EAGER=false (the suite's is true):
with it on, beat would run the tasks itself and there would be nothing to test. The event's
id and slug are random, so a shared Redis is safe.
"""

import asyncio
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.harness import Client, Processes, child_env, connect_client, run_python

ARCHIVE_TIMEOUT = 20.0
# Beat's period in the children, in seconds.
RECONCILE_SECONDS = 1
# The event starts this long after its times are set.
STARTS_IN = 2.0
# How long past its start the second test keeps the worker away.
WORKER_AWAY_FOR = 3.0

# Run in a child process against the scratch database before anything: migrate, create a
# scheduled event (far in the future until the test sets its times) and a moderator.
SETUP_SCRIPT = """
import json, os
from datetime import timedelta

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from events import services
from events.models import Agency, Event

call_command("migrate", verbosity=0, interactive=False)

agency = Agency.objects.create(name="Crown Prosecution Service", short_name="CPS",
                               slug="cps")
now = timezone.now().replace(microsecond=0)
event = Event.objects.create(
    pk=int(os.environ["IT_EVENT_ID"]), title="Scheduled webchat", slug=os.environ["IT_SLUG"],
    summary="Opens and closes by itself.", starts_at=now + timedelta(days=1),
    ends_at=now + timedelta(days=1, hours=1), lead_agency=agency,
)
services.event_schedule(event_id=event.pk)
moderator = User.objects.create_superuser(email="moderator@example.org",
                                          password="correct horse battery")
# Staff act only with a second factor set up (accounts/roles.py).
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
TOTP.activate(moderator, generate_totp_secret())
session = SessionStore()
session[SESSION_KEY] = str(moderator.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = moderator.get_session_auth_hash()
session.create()
print(json.dumps({
    "event_id": event.pk,
    "slug": event.slug,
    "moderator_session": session.session_key,
}))
"""

# Prepended to the small scripts below: Django set up, IT_EVENT_ID the event.
PRELUDE = """
import json, os
from datetime import UTC, timedelta

import django

django.setup()

from django.utils import timezone

from archive.models import Transcript
from events.models import Event, EventStatusChange

event_id = int(os.environ["IT_EVENT_ID"])


def iso(value):
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
"""

# Sets the event's times: starts IT_STARTS_IN seconds from now, lasts IT_LASTS seconds.
# An update, not a service: changing the times is not a status change.
RESCHEDULE_SCRIPT = """
starts_at = timezone.now() + timedelta(seconds=float(os.environ["IT_STARTS_IN"]))
ends_at = starts_at + timedelta(seconds=float(os.environ["IT_LASTS"]))
assert Event.objects.filter(pk=event_id).update(starts_at=starts_at, ends_at=ends_at) == 1
print(json.dumps({
    "starts_at": starts_at.timestamp(), "ends_at": ends_at.timestamp(),
    "starts_at_iso": iso(starts_at), "ends_at_iso": iso(ends_at),
}))
"""

# The event's status, status changes and transcripts, as JSON (times as POSIX seconds).
STATE_SCRIPT = """
event = Event.objects.get(pk=event_id)
print(json.dumps({
    "status": event.status,
    "starts_at": event.starts_at.timestamp(),
    "ends_at": event.ends_at.timestamp(),
    "changes": [
        {
            "from": change.from_status,
            "to": change.to_status,
            "reason": change.reason,
            "changed_at": change.changed_at.timestamp(),
            "due_at": change.due_at.timestamp() if change.due_at else None,
            "by": change.changed_by_id,
        }
        for change in EventStatusChange.objects.filter(event=event).order_by("changed_at", "id")
    ],
    "transcripts": [
        {
            "version": transcript.version,
            "item_count": transcript.item_count,
            "content": transcript.content,
            "sha256": transcript.sha256,
        }
        for transcript in Transcript.objects.filter(event=event).order_by("version")
    ],
}))
"""


# --- the scratch database (tests/harness.py) ------------------------------------------


def _child_env(database_url: str, tmp_path: Path, event_id: int) -> dict[str, str]:
    env = child_env(
        database_url,
        # Celery: real tasks, every second, on a queue and a schedule file of this test's own.
        CELERY_TASK_ALWAYS_EAGER="false",
        SCHEDULE_RECONCILE_SECONDS=str(RECONCILE_SECONDS),
        CELERY_QUEUE=f"it-{secrets.token_hex(6)}",
        CELERY_BEAT_SCHEDULE_FILENAME=str(tmp_path / "celerybeat-schedule"),
        IT_EVENT_ID=str(event_id),
    )
    env.pop("CELERY_BROKER_URL", None)  # the broker is REDIS_URL, like the channel layer's
    return env


@pytest.fixture
def scratch(scratch_database_url: str, tmp_path: Path) -> dict[str, Any]:
    """The scratch database, migrated and filled; its env and the ids the test needs."""
    event_id = secrets.randbelow(10**9) + 10**9
    env = _child_env(scratch_database_url, tmp_path, event_id)
    data = run_python(env, SETUP_SCRIPT, IT_SLUG=f"schedule-it-{secrets.token_hex(6)}")
    assert data["event_id"] == event_id
    return {"env": env, **data}


async def _reschedule(env: dict[str, str], *, starts_in: float, lasts: float) -> dict[str, Any]:
    return await asyncio.to_thread(
        run_python,
        env,
        PRELUDE + RESCHEDULE_SCRIPT,
        IT_STARTS_IN=str(starts_in),
        IT_LASTS=str(lasts),
    )


async def _state(env: dict[str, str]) -> dict[str, Any]:
    return await asyncio.to_thread(run_python, env, PRELUDE + STATE_SCRIPT)


async def _state_when(
    env: dict[str, str], done: Callable[[dict[str, Any]], bool], timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        state = await _state(env)
        if done(state):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout}s; last state: {state}")
        await asyncio.sleep(0.3)


def _assert_connected_while_scheduled(client: Client) -> None:
    assert [f["type"] for f in client.frames] == ["status", "session", "pinned", "synced"]
    assert client.frames[0]["status"] == "scheduled"
    assert client.frames[0]["accepting_questions"] is False
    assert client.frames[3] == {"type": "synced", "last_seq": 0}


def _changes(state: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(from, to, reason, has due_at) of each status change, in order."""
    return [(c["from"], c["to"], c["reason"], c["due_at"] is not None) for c in state["changes"]]


# --- the tests ------------------------------------------------------------------------


async def test_event_opens_closes_and_archives_on_schedule_by_itself(
    scratch: dict[str, Any], processes: Processes
) -> None:
    env, slug = scratch["env"], scratch["slug"]
    lasts = 5.0
    port = processes.web(env).port
    processes.worker(env)
    processes.beat(env)

    public = await connect_client("public", port, slug)
    moderator = await connect_client("moderator", port, slug, session=scratch["moderator_session"])
    try:
        _assert_connected_while_scheduled(public)
        assert (await moderator.of_type("session"))["roles"] == ["public", "moderator"]

        times = await _reschedule(env, starts_in=STARTS_IN, lasts=lasts)

        # Opened by beat and the worker, and every viewer told.
        live = await public.of_type("status", status="live")
        assert live["accepting_questions"] is True
        assert (live["starts_at"], live["ends_at"]) == (
            times["starts_at_iso"],
            times["ends_at_iso"],
        )

        await moderator.send({"type": "announce", "body": "Welcome"})
        message = await public.of_type("message", seq=1)
        assert {k: v for k, v in message.items() if k != "published_at"} == {
            "type": "message",
            "seq": 1,
            "kind": "announcement",
            "body": "Welcome",
            "author": "Moderator",
        }

        # Closed at its end, then archived: the transcript frozen, the event archived.
        closed = await public.of_type("status", status="closed")
        assert closed["accepting_questions"] is False
        state = await _state_when(
            env, lambda s: s["status"] == "archived" and bool(s["transcripts"]), ARCHIVE_TIMEOUT
        )
        await public.drain()
        await moderator.drain()

        assert public.statuses() in (
            ["scheduled", "live", "closed"],
            ["scheduled", "live", "closed", "archived"],
        )
        assert public.statuses().count("live") == 1
        assert public.statuses().count("closed") == 1
        assert public.messages() == [(1, "announcement")]
        assert [f for f in moderator.frames if f["type"] == "error"] == []

        assert len(state["transcripts"]) == 1
        transcript = state["transcripts"][0]
        assert (transcript["version"], transcript["item_count"]) == (1, 1)
        assert transcript["sha256"] == hashlib.sha256(transcript["content"].encode()).hexdigest()
        document = json.loads(transcript["content"])
        assert document["items"] == [{k: v for k, v in message.items() if k != "type"}]
        assert document["items"][0]["seq"] == 1
        assert document["items"][0]["body"] == "Welcome"
        assert document["item_count"] == 1
        assert document["event"]["slug"] == slug

        assert _changes(state) == [
            ("draft", "scheduled", "", False),
            ("scheduled", "live", "on schedule", True),
            ("live", "closed", "on schedule", True),
            ("closed", "archived", "", False),
        ]
        opened, shut = state["changes"][1], state["changes"][2]
        assert (opened["due_at"], shut["due_at"]) == (times["starts_at"], times["ends_at"])
        assert opened["changed_at"] >= opened["due_at"]
        assert shut["changed_at"] >= shut["due_at"]
        assert all(c["by"] is None for c in state["changes"])
    finally:
        await asyncio.gather(public.ws.close(), moderator.ws.close(), return_exceptions=True)


async def test_event_opens_late_once_when_the_worker_comes_back(
    scratch: dict[str, Any], processes: Processes
) -> None:
    import redis

    env, slug = scratch["env"], scratch["slug"]
    port = processes.web(env).port
    processes.beat(env)

    public = await connect_client("public", port, slug)
    try:
        _assert_connected_while_scheduled(public)
        # Long enough that it does not also close while the test watches.
        times = await _reschedule(env, starts_in=STARTS_IN, lasts=600.0)

        # The start passes with beat queueing tasks and nothing running them.
        await public.listen(times["starts_at"] + WORKER_AWAY_FOR - time.time())
        assert time.time() >= times["starts_at"] + WORKER_AWAY_FOR
        _assert_connected_while_scheduled(public)
        state = await _state(env)
        assert state["status"] == "scheduled"
        with redis.Redis.from_url(env["REDIS_URL"]) as broker:
            # kombu prefixes every broker key with the deployment's namespace.
            assert broker.llen(f"{env['REDIS_NAMESPACE']}:{env['CELERY_QUEUE']}") >= 2

        # A worker comes back: the event opens, late, once.
        await asyncio.to_thread(processes.worker, env)
        live = await public.of_type("status", status="live")
        assert live["accepting_questions"] is True
        await public.listen(3 * RECONCILE_SECONDS)
        assert public.statuses() == ["scheduled", "live"]

        state = await _state(env)
        assert state["status"] == "live"
        assert _changes(state) == [
            ("draft", "scheduled", "", False),
            ("scheduled", "live", "on schedule", True),
        ]
        opened = state["changes"][1]
        assert opened["due_at"] == times["starts_at"]
        assert opened["changed_at"] - opened["due_at"] >= WORKER_AWAY_FOR
    finally:
        await public.ws.close()
