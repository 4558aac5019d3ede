"""PostgreSQL connections are pooled: a socket's database trips do not each start a backend.

Channels closes the connection after every `database_sync_to_async` call; without the pool
each trip (two per joining viewer) would open a new PostgreSQL connection, a new process.
"""

import pytest
from channels.db import database_sync_to_async
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return int(pid)


def connections_opened() -> int:
    """How many connections the pool has opened to PostgreSQL so far."""
    assert connection.pool is not None, "no connection pool is configured"
    return int(connection.pool.get_stats()["connections_num"])


async def test_socket_database_trips_reuse_pooled_connections() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs the suite on PostgreSQL too)")
    await database_sync_to_async(backend_pid)()  # the pool is open and warm
    opened = connections_opened()
    assert opened > 0

    for _ in range(10):
        await database_sync_to_async(backend_pid)()

    # Ten trips, one after another, and not one new PostgreSQL connection (or process).
    assert connections_opened() == opened
