"""PostgreSQL connections are pooled: a socket's database trips do not each start a backend.

Channels closes the connection after every `database_sync_to_async` call; without the pool
each trip (two per joining viewer) would open a new PostgreSQL connection, a new process.
"""

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return int(pid)


async def test_socket_database_trips_reuse_one_pooled_connection() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs the suite on PostgreSQL too)")

    pids = [await database_sync_to_async(backend_pid)() for _ in range(10)]

    # Ten trips, one at a time, take turns on the pool's idle connections: no new
    # PostgreSQL process per trip.
    assert len(set(pids)) <= settings.DATABASES["default"]["OPTIONS"]["pool"]["min_size"], pids
