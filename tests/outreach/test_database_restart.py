"""After a PostgreSQL restart the first requests succeed and /healthz is green again within
seconds (issue 30, item 4).

A restart, as a server process sees it, is every connection of its pool cut at once while
new ones are accepted again: the test's relay (tests/chat/test_database_outage.py) does
exactly that between a real uvicorn process and the suite's PostgreSQL, whose server is
shared and never restarted. Without the pool's check before use, the dead connections were
handed to requests one after another (about 9 of the first 30 pages were 500).
"""

import asyncio
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.chat.test_database_outage import Relay, healthz, through
from tests.harness import child_env, run_setup, start_uvicorn

pytestmark = pytest.mark.django_db(transaction=True)


def page_status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=15) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_pooled_connections_are_checked_before_use() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no pool")
    from psycopg_pool import ConnectionPool

    # Django 5.2 gives its pool psycopg's check when CONN_HEALTH_CHECKS is on.
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["OPTIONS"]["pool"]["reconnect_timeout"] == 5.0
    assert connection.pool is not None
    assert connection.pool._check == ConnectionPool.check_connection


async def test_first_requests_after_a_database_restart_succeed(
    scratch_database_url: str, tmp_path: Path
) -> None:
    if not scratch_database_url.startswith("postgres"):
        pytest.skip("needs PostgreSQL over TCP (CI's PostgreSQL pass runs it)")
    target = urlsplit(scratch_database_url)
    relay = Relay(target.hostname or "127.0.0.1", target.port or 5432)
    await relay.up()
    env = child_env(
        through(scratch_database_url, relay.port),
        DATABASE_POOL_MIN_SIZE="2",
        DATABASE_POOL_TIMEOUT="5",
    )
    setup = run_setup({**env, "DATABASE_URL": scratch_database_url})
    (server,) = start_uvicorn(1, env, tmp_path)
    pages = ["/", f"/events/{setup['slug']}/"]
    try:
        for _ in range(10):
            for path in pages:
                assert await asyncio.to_thread(page_status, server.port, path) == 200
        assert await asyncio.to_thread(healthz, server.port) == 200

        # PostgreSQL restarts: every open connection is cut, new ones are accepted.
        await relay.down()
        await relay.up()

        statuses = [
            await asyncio.to_thread(page_status, server.port, path)
            for _ in range(15)
            for path in pages
        ]
        assert statuses == [200] * 30
        assert await asyncio.to_thread(healthz, server.port) == 200
    finally:
        server.stop()
        print(server.output()[-5000:])
        await relay.down()


async def test_healthz_is_green_within_seconds_after_a_long_database_outage(
    scratch_database_url: str, tmp_path: Path
) -> None:
    if not scratch_database_url.startswith("postgres"):
        pytest.skip("needs PostgreSQL over TCP (CI's PostgreSQL pass runs it)")
    target = urlsplit(scratch_database_url)
    relay = Relay(target.hostname or "127.0.0.1", target.port or 5432)
    await relay.up()
    env = child_env(through(scratch_database_url, relay.port), DATABASE_POOL_TIMEOUT="2")
    run_setup({**env, "DATABASE_URL": scratch_database_url})
    (server,) = start_uvicorn(1, env, tmp_path)
    try:
        assert await asyncio.to_thread(healthz, server.port) == 200
        await relay.down()
        # Down long enough for the pool's retries to back off past 10 s between attempts.
        for _ in range(10):
            assert await asyncio.to_thread(healthz, server.port) == 503
            await asyncio.sleep(2)
        await relay.up()
        began = time.monotonic()
        while await asyncio.to_thread(healthz, server.port) != 200:
            assert time.monotonic() - began < 5, "/healthz was still 503 5 s after recovery"
            await asyncio.sleep(0.25)
        assert await asyncio.to_thread(page_status, server.port, "/") == 200
    finally:
        server.stop()
        print(server.output()[-5000:])
        await relay.down()
